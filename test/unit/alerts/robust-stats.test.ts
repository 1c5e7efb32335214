import {
  anomalyBand,
  MAD_SCALE,
  median,
  medianAbsoluteDeviation,
} from '../../../src/alerts/robust-stats';

// References computed by hand (and with R: median(x), mad(x, constant = 1), mad(x)).
describe('median and MAD', () => {
  it('takes the middle value of an odd count and the mean of the two middle ones of an even count', () => {
    expect(median([10, 12, 11, 13, 50, 12, 11])).toBe(12);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('computes the unscaled MAD: the median of absolute deviations from the median', () => {
    // Deviations from 12: 2, 0, 1, 1, 38, 0, 1 → sorted 0, 0, 1, 1, 1, 2, 38 → 1.
    expect(medianAbsoluteDeviation([10, 12, 11, 13, 50, 12, 11])).toBe(1);
    // Deviations from 2.5: 1.5, 0.5, 0.5, 1.5 → 1.
    expect(medianAbsoluteDeviation([1, 2, 3, 4])).toBe(1);
  });

  it('builds the band median ± k · 1.4826 · MAD, ignoring the outlier 50', () => {
    const band = anomalyBand([10, 12, 11, 13, 50, 12, 11], 3);
    expect(band.median).toBe(12);
    expect(band.scaledMad).toBeCloseTo(1.4826, 10);
    expect(band.low).toBeCloseTo(12 - 3 * 1.4826, 10);
    expect(band.high).toBeCloseTo(16.4478, 10);
  });

  it('scales with the constant R uses for consistency with the normal standard deviation', () => {
    // mad(c(2, 4, 4, 4, 5, 5, 7, 9)) in R = 0.7413 (median 4.5; deviations 0.5 ×5, 2.5 ×2, 4.5).
    expect(MAD_SCALE * medianAbsoluteDeviation([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(0.7413, 4);
  });
});
