// Seeded simulations: the tests' error rates and power behave as documented. Conversion counts
// are drawn from a small seeded PRNG, so every run sees the same experiments.
import { proportionSampleSize } from '../../../../src/experiments/stats/sample-size';
import { asymptoticConfidenceSequence } from '../../../../src/experiments/stats/sequential';
import { summarizeProportion } from '../../../../src/experiments/stats/sums';
import { twoProportionZTest } from '../../../../src/experiments/stats/two-proportions';

/** mulberry32: a 32-bit seeded generator of uniforms in [0, 1). */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;

  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);

    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Binomial(n, p) draw, exact in distribution: the gaps between successes are geometric, so
 * jumping from success to success costs about n·p uniforms instead of n.
 */
function binomial(random: () => number, n: number, p: number): number {
  const logFailure = Math.log1p(-p);
  let conversions = 0;
  let trial = Math.floor(Math.log(1 - random()) / logFailure);
  while (trial < n) {
    conversions += 1;
    trial += 1 + Math.floor(Math.log(1 - random()) / logFailure);
  }

  return conversions;
}

function fixedTestRejects(nA: number, xA: number, nB: number, xB: number): boolean {
  const p = twoProportionZTest({
    control: { n: nA, conversions: xA },
    treatment: { n: nB, conversions: xB },
  }).value?.pValuePooled.value;

  return p !== undefined && p !== null && p < 0.05;
}

const EXPERIMENTS = 2000;

describe('calibration by seeded simulation', () => {
  it('keeps the fixed two-proportion test false-positive rate within [0.04, 0.06] over 2,000 A/A experiments', () => {
    const random = seededRandom(20261123);
    const n = 2000;
    let rejections = 0;
    for (let e = 0; e < EXPERIMENTS; e += 1) {
      if (fixedTestRejects(n, binomial(random, n, 0.1), n, binomial(random, n, 0.1))) {
        rejections += 1;
      }
    }
    const rate = rejections / EXPERIMENTS;
    expect(rate).toBeGreaterThanOrEqual(0.04);
    expect(rate).toBeLessThanOrEqual(0.06);
  });

  it('keeps the confidence sequence at or below α under daily peeking while repeated fixed tests exceed it', () => {
    const random = seededRandom(7);
    const days = 20;
    const perArmPerDay = 100;
    let fixedEver = 0;
    let sequentialEver = 0;
    for (let e = 0; e < EXPERIMENTS; e += 1) {
      let [nA, xA, nB, xB] = [0, 0, 0, 0];
      let fixedRejected = false;
      let sequentialRejected = false;
      for (let day = 1; day <= days; day += 1) {
        nA += perArmPerDay;
        nB += perArmPerDay;
        xA += binomial(random, perArmPerDay, 0.1);
        xB += binomial(random, perArmPerDay, 0.1);
        fixedRejected ||= fixedTestRejects(nA, xA, nB, xB);
        const a = summarizeProportion(nA, xA);
        const b = summarizeProportion(nB, xB);
        if (a && b) {
          const cs = asymptoticConfidenceSequence({
            estimate: b.mean - a.mean,
            variance: a.variance / nA + b.variance / nB,
            n: nA + nB,
            tuningN: days * perArmPerDay * 2,
            looks: day,
          }).value;
          sequentialRejected ||= cs !== null && cs.pValue <= 0.05;
        }
      }
      fixedEver += fixedRejected ? 1 : 0;
      sequentialEver += sequentialRejected ? 1 : 0;
    }
    expect(sequentialEver / EXPERIMENTS).toBeLessThanOrEqual(0.05);
    expect(fixedEver / EXPERIMENTS).toBeGreaterThan(0.1);
  });

  // Evan Miller's formula takes the null spread from the baseline rate, while the pooled test
  // uses the pooled rate (0.11 here): the exact power at the planned n is 77.7%, not 80%, so
  // this check has less room below than above (simulated: 77.2%).
  it('achieves the planned 80% power within ±3 points at the planned sample size', () => {
    const random = seededRandom(42);
    const plan = proportionSampleSize({ baselineRate: 0.1, mde: 0.02, mdeType: 'absolute' });
    const n = plan.nPerVariant;
    let rejections = 0;
    for (let e = 0; e < EXPERIMENTS; e += 1) {
      if (fixedTestRejects(n, binomial(random, n, 0.1), n, binomial(random, n, 0.12))) {
        rejections += 1;
      }
    }
    expect(Math.abs(rejections / EXPERIMENTS - 0.8)).toBeLessThanOrEqual(0.03);
  });
});
