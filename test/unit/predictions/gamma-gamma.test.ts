import { logBeta } from '../../../src/experiments/stats/special';
import {
  conditionalExpectedSpend,
  fitGammaGamma,
  type GammaGammaParams,
  gammaGammaLogLikelihood,
} from '../../../src/predictions/models/gamma-gamma';
import { cdnowSummaryWithSpend } from './cdnow-fixtures';

// Published values: Fader, Hardie & Lee (2005), "RFM and CLV", and Fader & Hardie's Gamma-Gamma
// note, on the 946 repeat buyers of the CDNOW 1/10 cohort.
const PUBLISHED: GammaGammaParams = { p: 6.25, q: 3.74, v: 15.44 };

describe('Gamma-Gamma on the CDNOW repeat buyers', () => {
  const customers = [...cdnowSummaryWithSpend().values()];
  const buyers = customers.filter((c) => c.x >= 1);

  it('finds the 946 repeat buyers of the published analysis', () => {
    expect(buyers).toHaveLength(946);
  });

  it('fits the published p = 6.25, q = 3.74, v = 15.44 within 1 %', () => {
    const fit = fitGammaGamma(buyers);
    expect(fit.converged).toBe(true);
    for (const key of ['p', 'q', 'v'] as const) {
      expect(Math.abs(fit.params[key] / PUBLISHED[key] - 1)).toBeLessThanOrEqual(0.01);
    }
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(gammaGammaLogLikelihood(PUBLISHED, buyers));
  });

  it('ignores one-time buyers in the log-likelihood', () => {
    expect(gammaGammaLogLikelihood(PUBLISHED, customers)).toBe(
      gammaGammaLogLikelihood(PUBLISHED, buyers),
    );
  });
});

describe('Gamma-Gamma formulas', () => {
  it('gives the density of a mean of x spends as a scaled beta-prime(px, q) density', () => {
    // x·m̄/v ~ BetaPrime(px, q): f(m̄) = x/v · u^(px−1) (1+u)^(−px−q) / B(px, q), u = x·m̄/v.
    const [x, mean] = [3, 27.5];
    const { p, q, v } = PUBLISHED;
    const u = (x * mean) / v;
    const expected =
      Math.log(x / v) + (p * x - 1) * Math.log(u) - (p * x + q) * Math.log1p(u) - logBeta(p * x, q);
    const actual = gammaGammaLogLikelihood(PUBLISHED, [{ x, tx: 10, T: 20, meanValue: mean }]);
    expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-10);
  });

  it('gives p(v + x·m̄)/(px + q − 1) as the expected spend of a repeat buyer', () => {
    const spend = conditionalExpectedSpend(PUBLISHED, {
      x: 2,
      tx: 30.43,
      T: 38.86,
      meanValue: 22.35,
    });
    // 6.25 · (15.44 + 44.7) / 15.24, by hand.
    expect(spend).toBeCloseTo(24.663713910761153, 10);
  });

  it('gives the population mean pv/(q − 1) as the expected spend of a one-time buyer', () => {
    const spend = conditionalExpectedSpend(PUBLISHED, { x: 0, tx: 0, T: 38.86, meanValue: 0 });
    expect(spend).toBeCloseTo(96.5 / 2.74, 10);
  });

  it('refuses the population mean when q ≤ 1, where it is infinite', () => {
    expect(() =>
      conditionalExpectedSpend({ ...PUBLISHED, q: 0.9 }, { x: 0, tx: 0, T: 5, meanValue: 0 }),
    ).toThrow(RangeError);
  });
});
