import { type CupedArmSums, cuped } from '../../../../src/experiments/stats/cuped';
import { expectWithin, referenceSection, type Tolerance } from './reference-vectors';

interface Rows {
  pre: number[];
  post: number[];
}

type ArmSums = Record<
  'n' | 'sum_pre' | 'sum_pre_sq' | 'sum_post' | 'sum_post_sq' | 'sum_pre_post',
  number
>;

function fromFixture(s: ArmSums): CupedArmSums {
  return {
    n: s.n,
    sumPre: s.sum_pre,
    sumPreSquares: s.sum_pre_sq,
    sumPost: s.sum_post,
    sumPostSquares: s.sum_post_sq,
    sumPrePost: s.sum_pre_post,
  };
}

function fromRows({ pre, post }: Rows): CupedArmSums {
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

  return {
    n: pre.length,
    sumPre: sum(pre),
    sumPreSquares: sum(pre.map((x) => x * x)),
    sumPost: sum(post),
    sumPostSquares: sum(post.map((y) => y * y)),
    sumPrePost: sum(pre.map((x, i) => x * post[i])),
  };
}

const ARM_FIELDS = {
  n: 'n',
  mean_pre: 'meanPre',
  mean_post: 'meanPost',
  var_pre: 'varPre',
  var_post: 'varPost',
  cov_pre_post: 'covPrePost',
  adjusted_mean_uncentered: 'adjustedMeanUncentered',
  adjusted_mean_centered: 'adjustedMeanCentered',
  adjusted_var: 'adjustedVar',
  variance_reduction: 'varianceReduction',
} as const;

describe('CUPED against the reference vectors', () => {
  for (const vector of referenceSection('cuped')) {
    const inputs = vector.inputs as {
      control: Rows;
      treatment: Rows;
      sufficient_statistics: { control: ArmSums; treatment: ArmSums };
    };
    const expected = vector.expected as Record<string, number> & {
      per_arm: Record<'control' | 'treatment', Record<string, number>>;
    };
    const tol = vector.tolerance.all_except_p;
    const pTol = vector.tolerance['p_two_sided_*'];

    const check = (control: CupedArmSums, treatment: CupedArmSums, t: Tolerance) => {
      const { value: result, reason } = cuped(control, treatment);
      expect(reason).toBeNull();
      expectWithin(result?.theta, expected.theta, t, 'theta');
      expectWithin(result?.pooledPreMean, expected.pooled_pre_mean, t, 'pooled_pre_mean');
      for (const arm of ['control', 'treatment'] as const) {
        for (const [key, field] of Object.entries(ARM_FIELDS)) {
          expectWithin(result?.[arm][field], expected.per_arm[arm][key], t, `${arm}.${key}`);
        }
      }
      expectWithin(result?.unadjusted.effect, expected.effect_unadjusted, t, 'effect_unadjusted');
      expectWithin(result?.adjusted.effect, expected.effect_adjusted, t, 'effect_adjusted');
      expectWithin(result?.unadjusted.se, expected.se_unadjusted, t, 'se_unadjusted');
      expectWithin(result?.adjusted.se, expected.se_adjusted, t, 'se_adjusted');
      expectWithin(result?.unadjusted.z.value, expected.z_unadjusted, t, 'z_unadjusted');
      expectWithin(result?.adjusted.z.value, expected.z_adjusted, t, 'z_adjusted');
      expectWithin(
        result?.effectVarianceReduction,
        expected.effect_variance_reduction,
        t,
        'effect_variance_reduction',
      );
      expectWithin(
        result?.unadjusted.pTwoSided.value,
        expected.p_two_sided_normal_unadjusted,
        pTol,
        'p_unadjusted',
      );
      expectWithin(
        result?.adjusted.pTwoSided.value,
        expected.p_two_sided_normal_adjusted,
        pTol,
        'p_adjusted',
      );
    };

    it(`${vector.id}: reproduces θ, adjusted moments, effects and p-values from sufficient statistics`, () => {
      const sums = inputs.sufficient_statistics;
      check(fromFixture(sums.control), fromFixture(sums.treatment), tol);
    });

    it(`${vector.id}: gives the same result from sums of the raw rows`, () => {
      check(fromRows(inputs.control), fromRows(inputs.treatment), tol);
    });
  }
});

describe('CUPED guards', () => {
  const arm = (pre: number[], post: number[]) => fromRows({ pre, post });

  it('sets θ to 0 with reason ZERO_VARIANCE and equals the unadjusted result when the covariate is constant', () => {
    const { value: result } = cuped(
      arm([0.1, 0.1, 0.1], [1, 2, 4]),
      arm([0.1, 0.1, 0.1], [2, 3, 7]),
    );
    expect(result?.theta).toBe(0);
    expect(result?.thetaReason).toBe('ZERO_VARIANCE');
    expect(result?.adjusted.effect).toBeCloseTo(result?.unadjusted.effect ?? NaN, 12);
    expect(result?.adjusted.se).toBeCloseTo(result?.unadjusted.se ?? NaN, 12);
    expect(result?.effectVarianceReduction).toBeCloseTo(0, 12);
  });

  it('returns null with NOT_ENOUGH_DATA when an arm has fewer than 2 units', () => {
    expect(cuped(arm([1], [2]), arm([1, 2], [3, 4]))).toEqual({
      value: null,
      reason: 'NOT_ENOUGH_DATA',
    });
  });

  it('returns null z and p with ZERO_VARIANCE and a null variance reduction when the metric is constant', () => {
    const { value: result } = cuped(arm([1, 2, 3], [5, 5, 5]), arm([2, 3, 4], [5, 5, 5]));
    expect(result?.unadjusted).toEqual({
      effect: 0,
      se: 0,
      z: { value: null, reason: 'ZERO_VARIANCE' },
      pTwoSided: { value: null, reason: 'ZERO_VARIANCE' },
    });
    expect(result?.control.varianceReduction).toBeNull();
    expect(result?.effectVarianceReduction).toBeNull();
  });

  it('keeps a small true variance of a large-offset covariate instead of clamping it to 0', () => {
    // X = 1e6 + {0, 1, 2}: Σx² ≈ 3e12 while Σ(x − x̄)² = 2, well above rounding noise.
    const offset = 1e6;
    const { value: result } = cuped(
      arm([offset, offset + 1, offset + 2], [0, 1, 2]),
      arm([offset, offset + 1, offset + 2], [1, 2, 3]),
    );
    expect(result?.theta).toBeCloseTo(1, 6);
    expect(result?.control.adjustedVar).toBeCloseTo(0, 6);
  });
});
