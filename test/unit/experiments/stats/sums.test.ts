import {
  summarizeProportion,
  summarizeSums,
  varianceFromSums,
} from '../../../../src/experiments/stats/sums';

describe('varianceFromSums', () => {
  it('computes the n − 1 sample variance from Σy and Σy²', () => {
    // y = 2, 4, 4, 4, 5, 5, 7, 9: Σy = 40, Σy² = 232, sample variance 32/7.
    expect(varianceFromSums({ n: 8, sum: 40, sumSquares: 232 })).toBeCloseTo(32 / 7, 14);
  });

  it('clamps the cancellation residue of constant large values to exactly 0', () => {
    // 1000 values of 1e8 + 0.1: Σy² − (Σy)²/n is pure rounding noise, possibly negative.
    const y = 1e8 + 0.1;
    let sum = 0;
    let sumSquares = 0;
    for (let i = 0; i < 1000; i++) {
      sum += y;
      sumSquares += y * y;
    }
    expect(varianceFromSums({ n: 1000, sum, sumSquares })).toBe(0);
  });

  it('returns null below two units', () => {
    expect(varianceFromSums({ n: 1, sum: 3, sumSquares: 9 })).toBeNull();
    expect(summarizeSums({ n: 0, sum: 0, sumSquares: 0 })).toBeNull();
  });
});

describe('summarizeProportion', () => {
  it('gives the rate with the Bernoulli variance p(1 − p)', () => {
    expect(summarizeProportion(200, 50)).toEqual({ n: 200, mean: 0.25, variance: 0.1875 });
  });

  it('returns null for an arm without units', () => {
    expect(summarizeProportion(0, 0)).toBeNull();
  });
});
