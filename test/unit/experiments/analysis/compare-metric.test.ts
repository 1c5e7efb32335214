import {
  type Comparison,
  compareMetric,
  judge,
} from '../../../../src/experiments/analysis/compare-metric';
import {
  type AnalysisSettings,
  applySettings,
} from '../../../../src/experiments/analysis/settings';
import type { ArmSums, MetricSums } from '../../../../src/experiments/outcome-sums';
import { summarizeSums } from '../../../../src/experiments/stats/sums';
import { twoProportionZTest } from '../../../../src/experiments/stats/two-proportions';
import { welchTTest } from '../../../../src/experiments/stats/welch';

const sum = (values: number[]) => values.reduce((s, v) => s + v, 0);

const conversions = (variantKey: string, n: number, converted: number): ArmSums => ({
  variantKey,
  n,
  sum: converted,
  sumSquares: converted,
  covariate: null,
  denominator: null,
});

// A MEAN arm from raw values, with the pre-period covariate when given.
const meanArm = (variantKey: string, ys: number[], xs?: number[]): ArmSums => ({
  variantKey,
  n: ys.length,
  sum: sum(ys),
  sumSquares: sum(ys.map((y) => y * y)),
  covariate: xs
    ? {
        sum: sum(xs),
        sumSquares: sum(xs.map((x) => x * x)),
        sumProducts: sum(xs.map((x, i) => x * ys[i])),
      }
    : null,
  denominator: null,
});

const metric = (kind: MetricSums['kind'], extra: Partial<MetricSums> = {}): MetricSums => ({
  metricKey: 'm',
  name: 'm',
  kind,
  role: 'GOAL',
  inverse: false,
  measuresRevenue: false,
  arms: [],
  ...extra,
});

const frequentist = applySettings({ method: 'FREQUENTIST' });
const control = conversions('control', 2000, 200);
const treatment = conversions('b', 2000, 250);

describe('comparing a treatment with the control on one metric', () => {
  it('uses the pooled two-proportion z-test for a PROPORTION, with its exact p-value', () => {
    const comparison = compareMetric(metric('PROPORTION'), control, treatment, frequentist, 1);
    const z = twoProportionZTest({
      control: { n: 2000, conversions: 200 },
      treatment: { n: 2000, conversions: 250 },
    }).value!;
    const test = comparison.frequentist.value!;
    expect(test.test).toBe('TWO_PROPORTION_Z');
    expect(test.statistic).toBe(z.zPooled.value);
    expect(test.pValue).toBe(z.pValuePooled.value);
    expect(test.degreesOfFreedom).toBeNull();
    expect(test.welchPValue).toBeGreaterThan(0);
    expect(comparison.difference.value).toBeCloseTo(0.025, 14);
    expect(comparison.decisionPValue).toBe(z.pValuePooled.value);
  });

  it("uses Welch's t-test for a MEAN, with its statistic, degrees of freedom and p-value", () => {
    const ys = [3, 5, 8, 1, 9, 4, 7, 2, 6, 5];
    const a = meanArm('control', ys);
    const b = meanArm(
      'b',
      ys.map((y, i) => y * 1.5 + (i % 4)),
    );
    const comparison = compareMetric(metric('MEAN'), a, b, frequentist, 1);
    const welch = welchTTest({ control: summarizeSums(a)!, treatment: summarizeSums(b)! }).value!;
    const test = comparison.frequentist.value!;
    expect(test.test).toBe('WELCH_T');
    expect(test.statistic).toBe(welch.t);
    expect(test.degreesOfFreedom).toBe(welch.df);
    expect(test.pValue).toBe(welch.pValue);
    expect(test.welchPValue).toBeNull();
    expect(comparison.bayesian.value!.model).toBe('GAUSSIAN');
  });

  it("gives a MEAN the difference interval of Welch's test, consistent with its p-value", () => {
    // scipy.stats.ttest_ind(b, a, equal_var=False): t = 1.97566, ν = 7.71113, p = 0.084956,
    // confidence_interval(0.95) = (−0.384698, 4.784698). A normal critical value would give
    // (0.0175, 4.3825): an interval excluding 0 beside p > 0.05.
    const comparison = compareMetric(
      metric('MEAN'),
      meanArm('control', [1, 2, 3, 4, 5]),
      meanArm('b', [3, 4, 5, 6, 8]),
      frequentist,
      1,
    );
    expect(comparison.frequentist.value!.pValue).toBeCloseTo(0.08495606629724337, 10);
    expect(comparison.differenceInterval.value!.lower).toBeCloseTo(-0.38469822633120376, 8);
    expect(comparison.differenceInterval.value!.upper).toBeCloseTo(4.784698226331204, 8);
  });

  it('flips improvement and chance to be better for an inverse metric', () => {
    const up = compareMetric(metric('PROPORTION'), control, treatment, frequentist, 1);
    const down = compareMetric(
      metric('PROPORTION', { inverse: true }),
      control,
      treatment,
      frequentist,
      1,
    );
    expect(up.improvement).toBeCloseTo(0.025, 14);
    expect(down.improvement).toBeCloseTo(-0.025, 14);
    expect(down.difference.value).toBe(up.difference.value);
    expect(down.bayesian.value!.chanceToBeBetter).toBeCloseTo(
      1 - up.bayesian.value!.chanceToBeBetter,
      12,
    );
    expect(down.bayesian.value!.riskOfShipping).toBe(up.bayesian.value!.riskOfKeeping);
  });

  it.each<[MetricSums['role'], boolean, 'greater' | 'less']>([
    ['GOAL', false, 'greater'],
    ['GOAL', true, 'less'],
    ['GUARDRAIL', false, 'less'],
    ['GUARDRAIL', true, 'greater'],
  ])(
    'tests a %s metric (inverse %s) one-sided towards %s when ONE_SIDED',
    (role, inverse, sided) => {
      const settings = applySettings({ method: 'FREQUENTIST', sidedness: 'ONE_SIDED' });
      const comparison = compareMetric(
        metric('PROPORTION', { role, inverse }),
        control,
        treatment,
        settings,
        1,
      );
      const z = twoProportionZTest({
        control: { n: 2000, conversions: 200 },
        treatment: { n: 2000, conversions: 250 },
        sided,
      }).value!;
      expect(comparison.frequentist.value!.sided).toBe(sided);
      expect(comparison.frequentist.value!.pValue).toBe(z.pValuePooled.value);
    },
  );

  it('tests both directions when TWO_SIDED, whatever the role', () => {
    const comparison = compareMetric(
      metric('PROPORTION', { role: 'GUARDRAIL', inverse: true }),
      control,
      treatment,
      frequentist,
      1,
    );
    expect(comparison.frequentist.value!.sided).toBe('two');
  });

  describe('CUPED', () => {
    // y follows the covariate x closely, so θ ≈ 1 and most of the variance goes.
    const xs = Array.from({ length: 300 }, (_, i) => (i * 7) % 23);
    const ys = (shift: number) => xs.map((x, i) => x + shift + ((i * 5) % 3));
    const a = meanArm('control', ys(0), xs);
    const b = meanArm('b', ys(0.5), xs);

    it('reports θ and a positive variance reduction for a correlated covariate', () => {
      const comparison = compareMetric(metric('MEAN'), a, b, frequentist, 1);
      const cuped = comparison.cuped!.value!;
      expect(cuped.theta).toBeGreaterThan(0.9);
      expect(cuped.theta).toBeLessThan(1.1);
      expect(cuped.thetaReason).toBeNull();
      expect(cuped.varianceReduction).toBeGreaterThan(0.5);
      expect(cuped.adjustedDifference).toBeCloseTo(0.5, 9);
      expect(cuped.unadjustedDifference).toBeCloseTo(0.5, 9);
      // The frequentist decision uses the adjusted p-value, and improvement the adjusted effect.
      expect(comparison.decisionPValue).toBe(cuped.adjustedPValue.value);
      expect(comparison.improvement).toBe(cuped.adjustedDifference);
      expect(cuped.adjustedPValue.value!).toBeLessThan(cuped.unadjustedPValue.value!);
    });

    it('gives the adjusted difference a one-sided interval, open on its untested side, when ONE_SIDED', () => {
      // numpy: θ = 0.99902083 (pooled), y − θx per arm, effect 0.5, se 0.0667759312;
      // lower bound 0.5 − z₀.₉₅·se = 0.3901633673 (scipy.stats.norm.ppf(0.95)).
      const oneSided = applySettings({ method: 'FREQUENTIST', sidedness: 'ONE_SIDED' });
      const cuped = compareMetric(metric('MEAN'), a, b, oneSided, 1).cuped!.value!;
      expect(cuped.adjustedStandardError).toBeCloseTo(0.06677593122322954, 10);
      expect(cuped.adjustedInterval.lower).toBeCloseTo(0.3901633673344088, 9);
      expect(cuped.adjustedInterval.upper).toBeNull();
    });

    it('is null when the arms carry no covariate sums', () => {
      const comparison = compareMetric(
        metric('MEAN'),
        meanArm('control', ys(0)),
        meanArm('b', ys(0.5)),
        frequentist,
        1,
      );
      expect(comparison.cuped).toBeNull();
      expect(comparison.decisionPValue).toBe(comparison.frequentist.value!.pValue);
    });

    it('is null when the settings turn CUPED off, even with covariate sums', () => {
      const off = applySettings({ method: 'FREQUENTIST', cuped: false });
      expect(compareMetric(metric('MEAN'), a, b, off, 1).cuped).toBeNull();
    });
  });

  it.each([
    ['a PROPORTION control with no customers', 'PROPORTION' as const, conversions('control', 0, 0)],
    ['a MEAN control with one customer', 'MEAN' as const, meanArm('control', [4])],
  ])('gives reasons and no numbers for %s', (_title, kind, small) => {
    const other = kind === 'MEAN' ? meanArm('b', [1, 2, 3]) : treatment;
    const comparison = compareMetric(metric(kind), small, other, frequentist, 1);
    const none = { value: null, reason: 'NOT_ENOUGH_DATA' };
    expect(comparison).toEqual({
      variantKey: 'b',
      difference: none,
      differenceInterval: none,
      relativeLift: none,
      relativeLiftFieller: none,
      frequentist: none,
      bayesian: none,
      sequential: none,
      cuped: null,
      power: none,
      improvement: null,
      decisionPValue: null,
      adjustedPValue: null,
      verdict: 'INCONCLUSIVE',
    });
  });

  // One customer's 0/1 has no spread to estimate: without this guard the sequential p-value was
  // ~1e-15 while the z-test said 0.74.
  it('gives reasons and no numbers for a PROPORTION control with one customer', () => {
    const comparison = compareMetric(
      metric('PROPORTION'),
      conversions('control', 1, 0),
      conversions('b', 1000, 100),
      applySettings(),
      1,
    );
    expect(comparison.sequential).toEqual({ value: null, reason: 'NOT_ENOUGH_DATA' });
    expect(comparison.improvement).toBeNull();
  });

  it('decides on the sequential p-value under SEQUENTIAL and on none under BAYESIAN', () => {
    const sequential = compareMetric(
      metric('PROPORTION'),
      control,
      treatment,
      applySettings({ method: 'SEQUENTIAL' }),
      3,
    );
    expect(sequential.sequential.value!.looks).toBe(3);
    expect(sequential.decisionPValue).toBe(sequential.sequential.value!.pValue);
    // The always-valid p-value pays for peeking: it is larger than the fixed-horizon one.
    expect(sequential.decisionPValue!).toBeGreaterThan(sequential.frequentist.value!.pValue);
    const bayesian = compareMetric(
      metric('PROPORTION'),
      control,
      treatment,
      applySettings({ method: 'BAYESIAN' }),
      3,
    );
    expect(bayesian.decisionPValue).toBeNull();
  });
});

describe('judging a comparison', () => {
  const base = compareMetric(metric('PROPORTION'), control, treatment, frequentist, 1);
  const withNumbers = (
    improvement: number | null,
    adjustedPValue: number | null,
    chanceToBeBetter = 0.5,
  ): Comparison => ({
    ...base,
    improvement,
    adjustedPValue,
    bayesian: { value: { ...base.bayesian.value!, chanceToBeBetter }, reason: null },
  });
  const settings = (method: AnalysisSettings['method']) => applySettings({ method });

  it.each<[AnalysisSettings['method'], number | null, number | null, number, string]>([
    ['FREQUENTIST', 0.01, 0.049, 0.5, 'BETTER'],
    ['FREQUENTIST', -0.01, 0.049, 0.5, 'WORSE'],
    ['FREQUENTIST', 0.01, 0.05, 0.99, 'INCONCLUSIVE'],
    ['FREQUENTIST', 0, 0.001, 0.5, 'INCONCLUSIVE'],
    ['FREQUENTIST', 0.01, null, 0.99, 'INCONCLUSIVE'],
    ['SEQUENTIAL', 0.01, 0.01, 0.5, 'BETTER'],
    ['SEQUENTIAL', -0.01, 0.01, 0.5, 'WORSE'],
    ['SEQUENTIAL', 0.01, 0.2, 0.99, 'INCONCLUSIVE'],
    ['BAYESIAN', -0.01, 0.001, 0.95, 'BETTER'],
    ['BAYESIAN', 0.01, 0.001, 0.05, 'WORSE'],
    ['BAYESIAN', 0.01, 0.001, 0.94, 'INCONCLUSIVE'],
    ['BAYESIAN', 0.01, 0.9, 0.999, 'BETTER'],
  ])(
    '%s with improvement %s, adjusted p %s and chance %s gives %s',
    (method, improvement, p, chance, verdict) => {
      expect(judge(withNumbers(improvement, p, chance), settings(method)).verdict).toBe(verdict);
    },
  );

  it('leaves a Bayesian comparison without a posterior inconclusive', () => {
    const comparison = {
      ...withNumbers(0.01, 0.001),
      bayesian: { value: null, reason: 'NOT_ENOUGH_DATA' as const },
    };
    expect(judge(comparison, settings('BAYESIAN')).verdict).toBe('INCONCLUSIVE');
  });

  it('compares the adjusted p-value with the configured alpha', () => {
    const loose = applySettings({ method: 'FREQUENTIST', alpha: 0.1 });
    expect(judge(withNumbers(0.01, 0.07), loose).verdict).toBe('BETTER');
    expect(judge(withNumbers(0.01, 0.07), settings('FREQUENTIST')).verdict).toBe('INCONCLUSIVE');
  });
});

describe('power and minimum detectable effect now', () => {
  // 10 % of 2000 against 12.5 % of 2000: se = √(0.1·0.9/2000 + 0.125·0.875/2000). The reference
  // values come from scipy.stats.norm (never from the code under test):
  //   MDE = (z₁₋α/₂ + z₁₋β)·se two-sided, (z₁₋α + z₁₋β)·se one-sided,
  //   powerAtTarget = Φ(0.05 · 0.1 / se − z₁₋α/₂ or z₁₋α),
  // the inverse of n = (z + z₁₋β)²(σ₁² + σ₂²)/δ² at n = 2000 per arm.
  const powerOf = (extra: Partial<MetricSums>, settings: Partial<AnalysisSettings>) =>
    compareMetric(metric('PROPORTION', extra), control, treatment, applySettings(settings), 1).power
      .value!;

  it('uses z₁₋α/₂ when TWO_SIDED', () => {
    expect(powerOf({}, {})).toEqual({
      mdeAbsolute: expect.closeTo(0.02797204315951777, 12),
      mdeRelative: { value: expect.closeTo(0.2797204315951777, 11), reason: null },
      powerAtTarget: { value: expect.closeTo(0.07225766234897603, 12), reason: null },
    });
  });

  it.each<[string, Partial<MetricSums>]>([
    ['a goal (tested for improvement)', {}],
    ['an inverse goal (tested for a fall)', { inverse: true }],
    ['a guardrail (tested for harm)', { role: 'GUARDRAIL' }],
  ])('uses z₁₋α when ONE_SIDED, for %s', (_label, extra) => {
    expect(powerOf(extra, { sidedness: 'ONE_SIDED' })).toEqual({
      mdeAbsolute: expect.closeTo(0.02482586703555327, 12),
      mdeRelative: { value: expect.closeTo(0.2482586703555327, 11), reason: null },
      powerAtTarget: { value: expect.closeTo(0.12629719179633492, 12), reason: null },
    });
  });

  it('takes alpha and power from the settings when ONE_SIDED', () => {
    const power = powerOf({}, { sidedness: 'ONE_SIDED', alpha: 0.1, power: 0.9 });
    expect(power.mdeAbsolute).toBeCloseTo(0.025590951487605717, 12);
    expect(power.powerAtTarget.value).toBeCloseTo(0.21746933793493628, 12);
  });
});
