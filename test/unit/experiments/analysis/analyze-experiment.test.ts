import { analyzeExperiment } from '../../../../src/experiments/analysis/analyze-experiment';
import type { ArmSums, MetricSums } from '../../../../src/experiments/outcome-sums';
import { chiSquareSurvival } from '../../../../src/experiments/stats/chi-square';
import { adjustPValues } from '../../../../src/experiments/stats/multiple-comparisons';
import { twoProportionZTest } from '../../../../src/experiments/stats/two-proportions';

const KEYS = ['control', 'b', 'c'];
const variants = KEYS.map((key, i) => ({
  key,
  name: key,
  weight: 1,
  isControl: i === 0,
  costPerCustomer: null,
}));
const conversions = (key: string, n: number, converted: number): ArmSums => ({
  variantKey: key,
  n,
  sum: converted,
  sumSquares: converted,
  covariate: null,
  denominator: null,
});
const proportion = (
  metricKey: string,
  counts: number[],
  extra: Partial<MetricSums> = {},
): MetricSums => ({
  metricKey,
  name: metricKey,
  kind: 'PROPORTION',
  role: 'GOAL',
  inverse: false,
  measuresRevenue: false,
  arms: counts.map((converted, i) => conversions(KEYS[i], 2000, converted)),
  ...extra,
});
const input = (metrics: MetricSums[], exposures = [2000, 2000, 2000]) => ({
  status: 'RUNNING' as const,
  variants,
  exposures: exposures.map((n, i) => ({ variantKey: KEYS[i], n })),
  mixedExposures: 0,
  metrics,
  looks: 3,
});

describe('analyzing a whole experiment', () => {
  const metrics = [proportion('buy', [200, 250, 215]), proportion('signup', [400, 430, 470])];

  it('corrects goal p-values over metrics × treatments with Holm, as adjustPValues does', () => {
    const analysis = analyzeExperiment(input(metrics), { method: 'FREQUENTIST' });
    const raw = metrics.flatMap((metric) =>
      [1, 2].map(
        (i) =>
          twoProportionZTest({
            control: { n: 2000, conversions: metric.arms[0].sum },
            treatment: { n: 2000, conversions: metric.arms[i].sum },
          }).value!.pValuePooled.value!,
      ),
    );
    const expected = adjustPValues(raw, 'HOLM', 0.05);
    expect(analysis.multipleComparisons).toMatchObject({ method: 'HOLM', familySize: 4 });
    const comparisons = analysis.metrics.flatMap((metric) => metric.comparisons);
    comparisons.forEach((comparison, i) => {
      expect(comparison.decisionPValue).toBeCloseTo(raw[i], 14);
      expect(comparison.adjustedPValue).toBeCloseTo(expected.adjusted[i], 14);
      expect(comparison.adjustedPValue!).toBeGreaterThanOrEqual(comparison.decisionPValue!);
    });
    expect(analysis.settings.correction).toBe('HOLM');
  });

  it('ships the variant with a planted large goal effect when there is enough data', () => {
    const planted = [
      proportion('buy', [200, 300, 205]),
      proportion('signup', [400, 405, 398]),
      proportion('refunds', [100, 102, 99], { role: 'GUARDRAIL', inverse: true }),
    ];
    const analysis = analyzeExperiment(input(planted));
    expect(analysis.settings.method).toBe('SEQUENTIAL');
    expect(analysis.metrics[0].comparisons.map((c) => c.verdict)).toEqual([
      'BETTER',
      'INCONCLUSIVE',
    ]);
    expect(analysis.decision).toEqual({
      decision: 'SHIP',
      variantKey: 'b',
      reasons: ['b wins on goal metric buy', 'no goal or guardrail metric loses for it'],
    });
  });

  it('asks for review with the SRM reason when 1000 and 1200 are exposed at 50/50', () => {
    const buy = proportion('buy', [100, 180], {
      arms: [conversions('control', 1000, 100), conversions('b', 1200, 180)],
    });
    const analysis = analyzeExperiment({
      ...input([buy]),
      variants: variants.slice(0, 2),
      exposures: [
        { variantKey: 'control', n: 1000 },
        { variantKey: 'b', n: 1200 },
      ],
      metrics: [buy],
    });
    // χ² = 2 · 100² / 1100 on one degree of freedom.
    const p = chiSquareSurvival((2 * 100 ** 2) / 1100, 1);
    expect(analysis.health.sampleRatio.flagged).toBe(true);
    expect(analysis.decision).toEqual({
      decision: 'REVIEW',
      variantKey: null,
      reasons: [
        `Sample ratio mismatch: exposures 1000/1200 against expected 1100.0/1100.0 (p = ${p.toExponential(2)} < 0.001)`,
      ],
    });
  });

  it('gives each of three variants a probability of being best that sums to 1', () => {
    const analysis = analyzeExperiment(input(metrics));
    const best = analysis.metrics[0].probabilityBest!;
    expect(best.map((b) => b.variantKey)).toEqual(KEYS);
    expect(best.reduce((s, b) => s + b.probability, 0)).toBeCloseTo(1, 9);
    expect(best[1].probability).toBeGreaterThan(best[2].probability);
  });

  it('reads lower as better for an inverse metric', () => {
    const refunds = proportion('refunds', [200, 150, 200], { inverse: true, role: 'GUARDRAIL' });
    const [comparison] = analyzeExperiment(input([metrics[0], refunds]), { method: 'FREQUENTIST' })
      .metrics[1].comparisons;
    expect(comparison.improvement).toBeCloseTo(0.025, 12);
    expect(comparison.verdict).toBe('BETTER');
    expect(comparison.bayesian.value!.chanceToBeBetter).toBeGreaterThan(0.99);
  });

  it('tests goals for improvement only when one-sided', () => {
    const worse = proportion('buy', [250, 200, 250]);
    const two = analyzeExperiment(input([worse]), { method: 'FREQUENTIST', correction: 'NONE' });
    const one = analyzeExperiment(input([worse]), {
      method: 'FREQUENTIST',
      correction: 'NONE',
      sidedness: 'ONE_SIDED',
    });
    expect(two.metrics[0].comparisons[0].verdict).toBe('WORSE');
    expect(one.metrics[0].comparisons[0].frequentist.value!.sided).toBe('greater');
    expect(one.metrics[0].comparisons[0].decisionPValue).toBeGreaterThan(0.99);
  });

  it('tests goals for improvement and guardrails for harm only, when one-sided and sequential', () => {
    // b converts 8.5 % against 12.5 %: z ≈ −4.14, whose confidence-sequence p-value at
    // N = 4,000 (N* = 5,000) is ≈ 0.0017, so a two-sided sequential test calls it WORSE.
    const worse = proportion('buy', [250, 170, 250]);
    const two = analyzeExperiment(input([worse]), { correction: 'NONE' });
    expect(two.metrics[0].comparisons[0].verdict).toBe('WORSE');
    expect(two.decision.decision).toBe('ROLLBACK');
    const one = analyzeExperiment(input([worse]), { correction: 'NONE', sidedness: 'ONE_SIDED' });
    expect(one.metrics[0].comparisons[0].verdict).toBe('INCONCLUSIVE');
    expect(one.decision.decision).toBe('KEEP_RUNNING');
    // The same harm on a guardrail is what a one-sided guardrail test looks for.
    const guardrail = analyzeExperiment(
      input([proportion('buy', [250, 250, 250]), { ...worse, metricKey: 'g', role: 'GUARDRAIL' }]),
      { correction: 'NONE', sidedness: 'ONE_SIDED' },
    );
    expect(guardrail.metrics[1].comparisons[0].verdict).toBe('WORSE');
    // And an improvement of a goal still wins.
    const better = proportion('buy', [170, 250, 170]);
    const won = analyzeExperiment(input([better]), { correction: 'NONE', sidedness: 'ONE_SIDED' });
    expect(won.metrics[0].comparisons[0].verdict).toBe('BETTER');
  });

  it('reports CUPED beside the unadjusted result and uses its smaller variance', () => {
    const withCovariate = (key: string, shift: number): ArmSums => {
      // y = x + shift + noise-free pattern: the covariate explains most of the variance.
      const xs = Array.from({ length: 500 }, (_, i) => (i % 10) * 3);
      const ys = xs.map((x, i) => x + shift + (i % 3));
      const sum = (values: number[]) => values.reduce((s, v) => s + v, 0);

      return {
        variantKey: key,
        n: 500,
        sum: sum(ys),
        sumSquares: sum(ys.map((y) => y * y)),
        covariate: {
          sum: sum(xs),
          sumSquares: sum(xs.map((x) => x * x)),
          sumProducts: sum(xs.map((x, i) => x * ys[i])),
        },
        denominator: null,
      };
    };
    const revenue: MetricSums = {
      metricKey: 'revenue',
      name: 'revenue',
      kind: 'MEAN',
      role: 'GOAL',
      inverse: false,
      measuresRevenue: true,
      arms: [withCovariate('control', 0), withCovariate('b', 1), withCovariate('c', 0)],
    };
    const [comparison] = analyzeExperiment(input([revenue], [500, 500, 500])).metrics[0]
      .comparisons;
    const cuped = comparison.cuped!.value!;
    expect(cuped.theta).toBeCloseTo(1, 3);
    expect(cuped.varianceReduction).toBeGreaterThan(0.9);
    expect(cuped.adjustedDifference).toBeCloseTo(1, 9);
    expect(cuped.unadjustedDifference).toBeCloseTo(1, 9);
    const off = analyzeExperiment(input([revenue], [500, 500, 500]), { cuped: false });
    expect(off.metrics[0].comparisons[0].cuped).toBeNull();
  });

  it('gives reasons, never numbers, when nothing varies', () => {
    const empty = proportion('buy', [0, 0, 0]);
    const analysis = analyzeExperiment(input([empty]));
    const [comparison] = analysis.metrics[0].comparisons;
    expect(comparison.sequential).toEqual({ value: null, reason: 'ZERO_VARIANCE' });
    expect(comparison.frequentist).toEqual({ value: null, reason: 'ZERO_VARIANCE' });
    expect(comparison.relativeLift).toEqual({ value: null, reason: 'BASELINE_ZERO' });
    expect(comparison.verdict).toBe('INCONCLUSIVE');
    expect(analysis.decision.decision).toBe('KEEP_RUNNING');
  });

  it("applies a proper prior to the posterior of a mean metric's lift", () => {
    const mean = (key: string, total: number): ArmSums => ({
      variantKey: key,
      n: 400,
      sum: total,
      sumSquares: (total * total) / 400 + 399 * 25,
      covariate: null,
      denominator: null,
    });
    const revenue: MetricSums = {
      metricKey: 'revenue',
      name: 'revenue',
      kind: 'MEAN',
      role: 'GOAL',
      inverse: false,
      measuresRevenue: true,
      arms: [mean('control', 4000), mean('b', 4400), mean('c', 4000)],
    };
    const flat = analyzeExperiment(input([revenue], [400, 400, 400]), { method: 'BAYESIAN' });
    const sceptical = analyzeExperiment(input([revenue], [400, 400, 400]), {
      method: 'BAYESIAN',
      priorMean: -0.05,
      priorSd: 0.01,
    });
    const a = flat.metrics[0].comparisons[0].bayesian.value!;
    const b = sceptical.metrics[0].comparisons[0].bayesian.value!;
    expect([a.model, a.priorApplied, b.priorApplied]).toEqual(['GAUSSIAN', false, true]);
    expect(a.chanceToBeBetter).toBeGreaterThan(0.9);
    expect(b.chanceToBeBetter).toBeLessThan(0.1);
    expect(b.liftCredibleInterval!.upper!).toBeLessThan(a.liftCredibleInterval!.upper!);
  });
});
