import {
  type BgNbdParams,
  bgNbdLogLikelihood,
  conditionalExpectedPurchases,
  expectedPurchases,
  fitBgNbd,
  probabilityAlive,
  probabilityOfPurchases,
} from '../../../src/predictions/models/bg-nbd';
import { cdnowSummary } from './cdnow-fixtures';

// Published values: Fader, Hardie & Lee (2005), "Counting your customers the easy way",
// Marketing Science 24(2), on the CDNOW 1/10 cohort (2,357 customers, 39-week calibration).
const PUBLISHED: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

function expectRelativelyClose(actual: number, expected: number, relative: number, absolute = 0) {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(
    Math.max(relative * Math.abs(expected), absolute),
  );
}

describe('BG/NBD on the CDNOW cohort', () => {
  const customers = cdnowSummary();

  it('reads the 2,357 customers of the published cohort from the fixture', () => {
    expect(customers).toHaveLength(2357);
  });

  it('gives the published log-likelihood -9582.4 at the published parameters', () => {
    expect(Math.abs(bgNbdLogLikelihood(PUBLISHED, customers) - -9582.4)).toBeLessThanOrEqual(0.1);
  });

  it('fits the published parameters and log-likelihood by maximum likelihood', () => {
    const fit = fitBgNbd(customers);
    expect(fit.converged).toBe(true);
    expectRelativelyClose(fit.params.r, PUBLISHED.r, 0.005, 0.002);
    expectRelativelyClose(fit.params.alpha, PUBLISHED.alpha, 0.005, 0.002);
    expectRelativelyClose(fit.params.a, PUBLISHED.a, 0.005, 0.002);
    expectRelativelyClose(fit.params.b, PUBLISHED.b, 0.005, 0.002);
    expect(Math.abs(fit.logLikelihood - -9582.4)).toBeLessThanOrEqual(0.1);
    // The optimum is at least as good as the rounded published point.
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(bgNbdLogLikelihood(PUBLISHED, customers));
  });

  it('gives P(X(39) = 0) = 0.5738 for a randomly chosen customer at the published parameters', () => {
    // The paper's figure is the population-level eq. (8) with n = 0, i.e. (α/(α+t))^r.
    expect(Math.abs(probabilityOfPurchases(PUBLISHED, 39, 0) - 0.5738)).toBeLessThanOrEqual(5e-4);
    expect(probabilityOfPurchases(PUBLISHED, 39, 0)).toBeCloseTo((4.414 / 43.414) ** 0.243, 14);
  });

  it('gives E[Y(39) | x = 2, tx = 30.43, T = 38.86] = 1.226 at the published parameters', () => {
    const c = { x: 2, tx: 30.43, T: 38.86, meanValue: 0 };
    expect(Math.abs(conditionalExpectedPurchases(PUBLISHED, 39, c) - 1.226)).toBeLessThanOrEqual(
      1e-3,
    );
  });
});

describe('BG/NBD formulas', () => {
  it('gives P(alive) = 1 for a one-time buyer whatever the time since the purchase', () => {
    expect(probabilityAlive(PUBLISHED, { x: 0, tx: 0, T: 1000, meanValue: 0 })).toBe(1);
  });

  it('gives P(alive) = 1/(1 + a/(b+x−1)·((α+T)/(α+tx))^(r+x)) for a repeat buyer', () => {
    const p = { r: 1, alpha: 2, a: 1.5, b: 2.5 };
    // x = 2, tx = 4, T = 10: odds = 1.5/3.5 · (12/6)^3 = 24/7.
    expect(probabilityAlive(p, { x: 2, tx: 4, T: 10, meanValue: 0 })).toBeCloseTo(7 / 31, 14);
  });

  it('makes the probabilities P(X(t) = n) sum to 1 with mean E[X(t)] of eq. (9)', () => {
    let total = 0;
    let mean = 0;
    for (let n = 0; n < 400; n++) {
      const probability = probabilityOfPurchases(PUBLISHED, 39, n);
      total += probability;
      mean += n * probability;
    }
    expect(total).toBeCloseTo(1, 8);
    expect(mean).toBeCloseTo(expectedPurchases(PUBLISHED, 39), 6);
  });

  // E[X(t) | λ, p] = (1 − e^(−λpt))/p (eq. 7); averaging over λ ~ Gamma(r, α) in closed form
  // gives E[X(t) | p] = (1 − (α/(α+pt))^r)/p, then p ~ Beta(a, b) by a fine midpoint rule.
  function bruteForceExpectedPurchases(p: BgNbdParams, t: number): number {
    const steps = 200_000;
    let weighted = 0;
    let weights = 0;
    for (let i = 0; i < steps; i++) {
      const q = (i + 0.5) / steps;
      const density = q ** (p.a - 1) * (1 - q) ** (p.b - 1);
      weighted += density * ((1 - (p.alpha / (p.alpha + q * t)) ** p.r) / q);
      weights += density;
    }

    return weighted / weights;
  }

  it.each([
    ['the plain series (z = 0.87)', { r: 2, alpha: 3, a: 2.5, b: 4 }, 20],
    ['the 1 − z transformation (z = 0.985)', { r: 2, alpha: 3, a: 2.5, b: 4 }, 200],
    ['the series with integer c − a − b (z = 0.985)', { r: 1.5, alpha: 3, a: 2.5, b: 4 }, 200],
  ])('matches E[X(t)] of eq. (9) to a brute-force mixture integral through %s', (_, p, t) => {
    expectRelativelyClose(expectedPurchases(p, t), bruteForceExpectedPurchases(p, t), 1e-6);
  });

  it('gives E[X(t)] of eq. (9) for a new customer (x = 0, T = 0) through eq. (10)', () => {
    const c = { x: 0, tx: 0, T: 0, meanValue: 0 };
    expectRelativelyClose(
      conditionalExpectedPurchases(PUBLISHED, 52, c),
      expectedPurchases(PUBLISHED, 52),
      1e-12,
    );
  });

  it('gives zero expected purchases over a zero horizon', () => {
    const c = { x: 3, tx: 20, T: 30, meanValue: 0 };
    expect(Math.abs(conditionalExpectedPurchases(PUBLISHED, 0, c))).toBe(0);
    expect(Math.abs(expectedPurchases(PUBLISHED, 0))).toBe(0);
  });

  it('refuses expectations at a = 1, where eq. (9) divides by zero', () => {
    expect(() => expectedPurchases({ ...PUBLISHED, a: 1 }, 10)).toThrow(RangeError);
  });

  it('returns -Infinity as the log-likelihood of non-positive parameters', () => {
    expect(bgNbdLogLikelihood({ ...PUBLISHED, r: 0 }, cdnowSummary())).toBe(-Infinity);
  });
});
