import { welchTTest } from '../../../../src/experiments/stats/welch';
import { summarizeMeanSd, summarizeProportion } from '../../../../src/experiments/stats/sums';
import { expectWithin, referenceSection, toleranceFor } from './reference-vectors';

interface Arm {
  n: number;
  mean: number;
  sd: number;
}

describe('welchTTest reference vectors', () => {
  it.each(referenceSection('welch_t_tests').map((v) => [v.id, v] as const))(
    'reproduces vector %s within its tolerances',
    (_id, vector) => {
      const { control, treatment, alpha } = vector.inputs as {
        control: Arm;
        treatment: Arm;
        alpha: number;
      };
      const r = welchTTest({
        control: summarizeMeanSd(control.n, control.mean, control.sd),
        treatment: summarizeMeanSd(treatment.n, treatment.mean, treatment.sd),
        alpha,
      }).value!;
      const actual: Record<string, number | null> = {
        abs_diff: r.absDiff,
        se: r.se,
        t: r.t,
        df: r.df,
        p_two_sided: r.pValue,
        t_critical_0975: r.tCritical,
        p_two_sided_normal_approx: r.pValueNormalApprox,
      };
      for (const [field, expected] of Object.entries(vector.expected)) {
        const tolerance = toleranceFor(vector, field);
        if (Array.isArray(expected)) {
          expectWithin(r.absDiffInterval.lower, expected[0] as number, tolerance, `${field}[0]`);
          expectWithin(r.absDiffInterval.upper, expected[1] as number, tolerance, `${field}[1]`);
        } else {
          expectWithin(actual[field], expected as number, tolerance, field);
        }
      }
    },
  );
});

describe('welchTTest guards', () => {
  it('returns NOT_ENOUGH_DATA when an arm has fewer than two units', () => {
    expect(
      welchTTest({ control: summarizeMeanSd(1, 3, 0), treatment: summarizeMeanSd(5, 4, 1) }),
    ).toEqual({ value: null, reason: 'NOT_ENOUGH_DATA' });
  });

  it('returns ZERO_VARIANCE when both arms are constant', () => {
    expect(
      welchTTest({ control: summarizeMeanSd(10, 3, 0), treatment: summarizeMeanSd(10, 4, 0) }),
    ).toEqual({ value: null, reason: 'ZERO_VARIANCE' });
  });

  it('tests proportions with the p(1 − p) variance', () => {
    const r = welchTTest({
      control: summarizeProportion(2000, 200)!,
      treatment: summarizeProportion(2000, 250)!,
    }).value!;
    // se equals the unpooled z-test se of reference vector z1.
    expect(r.se).toBeCloseTo(0.00998436277386, 13);
    // scipy.stats.ttest_ind_from_stats(0.1, 0.3, 2000, 0.125, sqrt(0.109375), 2000,
    // equal_var=False) gives df 3960.5973 from the same variances.
    expect(r.df).toBeCloseTo(3960.5973209244376, 6);
    expect(r.relativeLift.value!.lift).toBeCloseTo(0.25, 14);
  });

  it('reports the relative lift as BASELINE_ZERO when the control mean is 0', () => {
    const r = welchTTest({
      control: summarizeMeanSd(50, 0, 1),
      treatment: summarizeMeanSd(50, 0.5, 1),
    }).value!;
    expect(r.relativeLift).toEqual({ value: null, reason: 'BASELINE_ZERO' });
  });
});
