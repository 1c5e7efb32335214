// Expected values from scipy 1.17 (scipy.special / scipy.stats), quoted to full double precision;
// log-beta from mpmath at 40 digits, because scipy's betaln itself is off by 2e-10 at (5e5, ½).
import { chiSquareCdf, chiSquareSurvival } from '../../../../src/experiments/stats/chi-square';
import {
  normalCdf,
  normalCritical,
  normalQuantile,
  normalSurvival,
} from '../../../../src/experiments/stats/normal';
import {
  logBeta,
  logGamma,
  regularizedBeta,
  regularizedBetaUpper,
  regularizedGammaP,
  regularizedGammaQ,
} from '../../../../src/experiments/stats/special';
import {
  studentTCritical,
  studentTQuantile,
  studentTSurvival,
} from '../../../../src/experiments/stats/student-t';

function expectRelative(actual: number, expected: number, rel: number): void {
  expect({ actual, ok: Math.abs(actual - expected) <= rel * Math.abs(expected) }).toEqual({
    actual,
    ok: true,
  });
}

describe('special functions', () => {
  it.each([
    [0.1, 2.252712651734206],
    [2.5, 0.2846828704729192],
    [100.3, 360.5147057290581],
    [1e5, 1051287.7089736569],
  ])('logGamma(%p) matches scipy gammaln', (x, expected) => {
    expectRelative(logGamma(x), expected, 1e-13);
  });

  it('logGamma is exactly 0 at 1 and 2', () => {
    expect([logGamma(1), logGamma(2)]).toEqual([0, 0]);
  });

  it.each([
    [3.5, 1000.25, -22.981414304808091],
    [5e5, 0.5, -5.9888164957774643],
    [12.5, 30.25, -25.996684066372519],
    [1e7, 3e6, -7022660.2579959198],
  ])('logBeta(%p, %p) matches mpmath (40 digits) without cancellation', (a, b, expected) => {
    expectRelative(logBeta(a, b), expected, 1e-13);
    expectRelative(logBeta(b, a), expected, 1e-13);
  });

  it('regularizedBeta matches scipy betainc in the bulk and far in the lower tail', () => {
    expectRelative(regularizedBeta(0.3, 2, 5), 0.5798250000000003, 1e-13);
    expectRelative(regularizedBeta(0.9, 1004, 0.5), 6.42776941924533e-48, 1e-10);
    expectRelative(regularizedBetaUpper(0.1, 0.5, 1004), 6.42776941924533e-48, 1e-10);
  });

  it('regularizedGammaQ keeps a 1e-42 upper tail and P matches gammainc', () => {
    expectRelative(regularizedGammaQ(0.5, 92.6), 3.549248326999845e-42, 1e-12);
    expectRelative(regularizedGammaP(10, 3), 0.0011024881301154815, 1e-12);
  });
});

describe('normal distribution', () => {
  it('survival keeps relative precision in the far tail instead of underflowing', () => {
    expectRelative(normalSurvival(10), 7.61985302416047e-24, 1e-12);
    expectRelative(normalSurvival(37), 5.7255712225239266e-300, 1e-11);
    expectRelative(normalCdf(-8), 6.22096057427174e-16, 1e-12);
  });

  it.each([
    [1e-300, -37.0470962993612],
    [1e-10, -6.361340902404056],
    [0.02, -2.053748910631823],
    [0.3, -0.5244005127080409],
    [0.975, 1.959963984540054],
  ])('quantile(%p) matches scipy norm.ppf (AS 241)', (p, expected) => {
    expectRelative(normalQuantile(p), expected, 1e-14);
  });

  it('quantile is ±Infinity at 0 and 1 and NaN outside [0, 1]', () => {
    expect([normalQuantile(0), normalQuantile(1), normalQuantile(1.5)]).toEqual([
      -Infinity,
      Infinity,
      NaN,
    ]);
  });

  it('critical values are z₀.₉₇₅ two-sided and z₀.₉₅ one-sided at α = 0.05', () => {
    expectRelative(normalCritical(0.05, 'two'), 1.959963984540054, 1e-14);
    expectRelative(normalCritical(0.05, 'greater'), 1.6448536269514722, 1e-14);
  });
});

describe('Student t distribution', () => {
  it('survival matches scipy t.sf for fractional df, far tails and negative t', () => {
    expectRelative(studentTSurvival(2, 3.5), 0.06306926128795672, 1e-12);
    expectRelative(studentTSurvival(40, 10), 1.1404288715428768e-12, 1e-10);
    expectRelative(studentTSurvival(-1.2, 2009.2), 0.8848595925918993, 1e-12);
  });

  it.each([
    [0.975, 1, 12.706204736174694],
    [0.975, 16.3269206094, 2.1164606842282474],
    [0.999999, 2.5, 220.17342917570426],
    [0.01, 30, -2.4572615424005915],
    [0.6, 1e6, 0.25334717053784184],
    [1e-20, 2, -7071067811.865476],
    [1e-12, 5.5, -256.1805169262636],
    [1 - 1e-9, 1, 318309895.1862093],
    [0.025, 3000, -1.9607550553224584],
  ])('quantile(%p; df %p) matches scipy t.ppf', (p, df, expected) => {
    expectRelative(studentTQuantile(p, df), expected, 1e-11);
  });

  it('two-sided critical value at α = 0.05 equals the 0.975 quantile', () => {
    expect(studentTCritical(0.05, 16.3269206094, 'two')).toBe(
      -studentTQuantile(0.025, 16.3269206094),
    );
  });
});

describe('chi-square distribution', () => {
  it('survival and cdf match scipy chi2 and keep a 1e-42 tail', () => {
    expectRelative(chiSquareSurvival(185.226551563, 1), 3.502192273451988e-42, 1e-10);
    expectRelative(chiSquareSurvival(3, 4), 0.5578254003710748, 1e-13);
    expectRelative(chiSquareCdf(3, 4), 0.4421745996289252, 1e-13);
  });
});
