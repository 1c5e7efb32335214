import { summarizeRatio } from '../../../../src/experiments/stats/ratio';

// A seeded generator, so the raw data (and the test) are the same on every run.
function mulberry32(seed: number): () => number {
  let state = seed;

  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;

    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('ratio metrics by the delta method', () => {
  it('matches a two-pass computation on the raw per-customer values', () => {
    const random = mulberry32(42);
    const orders = Array.from({ length: 5000 }, () => Math.floor(random() * 4));
    const revenue = orders.map((d) => d * (20 + 30 * random()));
    const n = orders.length;
    const meanM = revenue.reduce((s, m) => s + m, 0) / n;
    const meanD = orders.reduce((s, d) => s + d, 0) / n;
    const varM = revenue.reduce((s, m) => s + (m - meanM) ** 2, 0) / (n - 1);
    const varD = orders.reduce((s, d) => s + (d - meanD) ** 2, 0) / (n - 1);
    const cov = revenue.reduce((s, m, i) => s + (m - meanM) * (orders[i] - meanD), 0) / (n - 1);
    const ratio = meanM / meanD;
    const varianceOfRatio = (varM - 2 * ratio * cov + ratio * ratio * varD) / (n * meanD * meanD);

    const summary = summarizeRatio({
      n,
      sumNumerator: revenue.reduce((s, m) => s + m, 0),
      sumNumeratorSquares: revenue.reduce((s, m) => s + m * m, 0),
      sumDenominator: orders.reduce((s, d) => s + d, 0),
      sumDenominatorSquares: orders.reduce((s, d) => s + d * d, 0),
      sumProducts: revenue.reduce((s, m, i) => s + m * orders[i], 0),
    });

    expect(summary.reason).toBeNull();
    expect(summary.value!.mean).toBeCloseTo(ratio, 12);
    expect(summary.value!.variance / n / varianceOfRatio).toBeCloseTo(1, 9);
  });

  it('is undefined with a reason for fewer than two units or no denominator', () => {
    const sums = {
      sumNumerator: 5,
      sumNumeratorSquares: 25,
      sumDenominatorSquares: 1,
      sumProducts: 5,
    };
    expect(summarizeRatio({ ...sums, n: 1, sumDenominator: 1 })).toEqual({
      value: null,
      reason: 'NOT_ENOUGH_DATA',
    });
    expect(summarizeRatio({ ...sums, n: 10, sumDenominator: 0 })).toEqual({
      value: null,
      reason: 'BASELINE_ZERO',
    });
  });
});
