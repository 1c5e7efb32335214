import { deltaMethodLift } from '../../../../src/experiments/stats/lift';
import {
  asymptoticConfidenceSequence,
  optimalRho,
} from '../../../../src/experiments/stats/sequential';
import { type SufficientStats, summarizeSums } from '../../../../src/experiments/stats/sums';
import { expectWithin, referenceSection, toleranceFor } from './reference-vectors';

// The sequential vectors live in growthbook_reference (sequential_other is empty in the file).
const vectors = referenceSection('growthbook_reference').filter(
  (vector) => vector.formula === 'growthbook_asymptotic_confidence_sequence',
);

describe('asymptotic confidence sequence against the reference vectors', () => {
  it('finds at least one sequential vector to check', () => {
    expect(vectors.length).toBeGreaterThan(0);
  });

  for (const vector of vectors) {
    it(`${vector.id}: reproduces GrowthBook's relative lift, its sd, the interval, p-value and ρ`, () => {
      const inputs = vector.inputs as {
        control: SufficientStats & { sum_squares: number };
        treatment: SufficientStats & { sum_squares: number };
        sequential_tuning_parameter: number;
      };
      const moments = (arm: { n: number; sum: number; sum_squares: number }) => {
        const summary = summarizeSums({ n: arm.n, sum: arm.sum, sumSquares: arm.sum_squares });
        if (summary === null) {
          throw new Error('vector arm has fewer than 2 units');
        }

        return { mean: summary.mean, varianceOfMean: summary.variance / summary.n };
      };
      const lift = deltaMethodLift(moments(inputs.control), moments(inputs.treatment), 1.96).value;
      if (lift === null) {
        throw new Error('relative lift undefined for the vector');
      }
      const { value: cs, reason } = asymptoticConfidenceSequence({
        estimate: lift.lift,
        variance: lift.standardError ** 2,
        n: inputs.control.n + inputs.treatment.n,
        tuningN: inputs.sequential_tuning_parameter,
        looks: 1,
      });
      expect(reason).toBeNull();
      const expected = vector.expected as {
        expected: number;
        uplift_stddev: number;
        ci: [number, number];
        pValue: number;
        rho: number;
      };
      const full = toleranceFor(vector, 'expected (full precision)');
      expectWithin(cs?.estimate, expected.expected, full, 'expected');
      expectWithin(lift.standardError, expected.uplift_stddev, full, 'uplift_stddev');
      expectWithin(cs?.ci[0], expected.ci[0], full, 'ci.lower');
      expectWithin(cs?.ci[1], expected.ci[1], full, 'ci.upper');
      expectWithin(cs?.pValue, expected.pValue, full, 'pValue');
      expectWithin(cs?.rho, expected.rho, full, 'rho');
      expect(cs?.method).toBe('ASYMPTOTIC_CONFIDENCE_SEQUENCE');
    });
  }
});

describe('asymptotic confidence sequence rules', () => {
  const base = { estimate: 0.02, variance: 1e-4, n: 2000, tuningN: 2000, looks: 7 };

  it('echoes the method, the looks and the tuning sample size', () => {
    expect(asymptoticConfidenceSequence(base).value).toMatchObject({
      method: 'ASYMPTOTIC_CONFIDENCE_SEQUENCE',
      looks: 7,
      tuningN: 2000,
      alpha: 0.05,
    });
  });

  it('is wider than the fixed-horizon interval and rejects exactly when 0 is outside it', () => {
    for (const estimate of [0.01, 0.03, 0.05, 0.07, -0.06]) {
      const cs = asymptoticConfidenceSequence({ ...base, estimate }).value;
      expect(cs).not.toBeNull();
      const [lower, upper] = cs?.ci ?? [NaN, NaN];
      expect(upper - estimate).toBeGreaterThan(1.96 * Math.sqrt(base.variance));
      expect({ estimate, rejects: (cs?.pValue ?? 1) <= 0.05 }).toEqual({
        estimate,
        rejects: lower > 0 || upper < 0,
      });
    }
  });

  it('keeps a tiny p-value positive instead of underflowing through 1 − cdf', () => {
    const p = asymptoticConfidenceSequence({ ...base, estimate: 0.3 }).value?.pValue ?? 0;
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(1e-100);
  });

  it('returns null with ZERO_VARIANCE or NOT_ENOUGH_DATA instead of an interval', () => {
    expect(asymptoticConfidenceSequence({ ...base, variance: 0 })).toEqual({
      value: null,
      reason: 'ZERO_VARIANCE',
    });
    expect(asymptoticConfidenceSequence({ ...base, n: 1 })).toEqual({
      value: null,
      reason: 'NOT_ENOUGH_DATA',
    });
  });

  it('computes ρ for α = 0.05 and N* = 1000 as in GrowthBook', () => {
    expect(optimalRho(0.05, 1000)).toBeCloseTo(0.0890850975289, 12);
  });

  it('rejects a non-positive tuning sample size with BAD_USER_INPUT on tuningN', () => {
    expect(() => asymptoticConfidenceSequence({ ...base, tuningN: 0 })).toThrow(
      'tuningN must be positive, got 0',
    );
  });
});
