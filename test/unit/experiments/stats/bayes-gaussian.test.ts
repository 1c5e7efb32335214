import {
  bayesianEffectTest,
  gaussianEffectPosterior,
} from '../../../../src/experiments/stats/bayes-gaussian';
import { summarizeProportion, summarizeSums } from '../../../../src/experiments/stats/sums';
import { expectFieldsWithin, referenceSection } from './reference-vectors';

interface Counts {
  n: number;
  conversions: number;
}

const bayesianVectors = referenceSection('growthbook_reference').filter(
  (vector) => vector.formula === 'growthbook_gaussian_effect_bayesian',
);

describe('growthbook_reference Bayesian vectors', () => {
  it('finds at least one Bayesian GrowthBook vector in the fixture', () => {
    expect(bayesianVectors.length).toBeGreaterThan(0);
  });

  for (const vector of bayesianVectors) {
    it(`reproduces ${vector.id} to full precision and to GrowthBook's 5 decimals`, () => {
      const inputs = vector.inputs as {
        control: Counts;
        treatment: Counts;
        prior: string;
        difference_type: 'absolute' | 'relative';
      };
      expect(inputs.prior).toBe('improper flat');
      const outcome = bayesianEffectTest(
        summarizeProportion(inputs.control.n, inputs.control.conversions)!,
        summarizeProportion(inputs.treatment.n, inputs.treatment.conversions)!,
        { differenceType: inputs.difference_type },
      );
      expect(outcome.reason).toBeNull();
      const result = outcome.value!;
      const actual: Record<string, number> = {
        expected: result.expected,
        uplift_stddev: result.stddev,
        chanceToWin: result.chanceToWin,
        'ci[0]': result.ci[0],
        'ci[1]': result.ci[1],
        'risk[0]': result.riskControl,
        'risk[1]': result.riskTreatment,
      };
      const sets = [
        [vector.expected, vector.tolerance['expected (full precision)']],
        [vector.growthbook_expected_5dp!, vector.tolerance['growthbook_expected_5dp']],
      ] as const;
      for (const [expected, tolerance] of sets) {
        expectFieldsWithin(actual, expected, tolerance);
      }
    });
  }
});

describe('bayesianEffectTest', () => {
  const control = summarizeSums({ n: 400, sum: 1000, sumSquares: 4000 })!;
  const treatment = summarizeSums({ n: 420, sum: 1134, sumSquares: 4600 })!;

  it('returns null with BASELINE_ZERO for a relative effect when the control mean is 0', () => {
    expect(
      bayesianEffectTest({ n: 10, mean: 0, variance: 1 }, treatment, {
        differenceType: 'relative',
      }),
    ).toEqual({ value: null, reason: 'BASELINE_ZERO' });
  });

  it('returns null with ZERO_VARIANCE when both arms are constant', () => {
    expect(
      bayesianEffectTest(
        { n: 10, mean: 1, variance: 0 },
        { n: 12, mean: 1, variance: 0 },
        {
          differenceType: 'absolute',
        },
      ),
    ).toEqual({ value: null, reason: 'ZERO_VARIANCE' });
  });

  it('returns null with NOT_ENOUGH_DATA when an arm has fewer than 2 units', () => {
    expect(
      bayesianEffectTest({ n: 1, mean: 1, variance: 0 }, treatment, { differenceType: 'absolute' }),
    ).toEqual({ value: null, reason: 'NOT_ENOUGH_DATA' });
  });

  it('computes the absolute effect with variance v_B/n_B + v_A/n_A under the flat prior', () => {
    const result = bayesianEffectTest(control, treatment, { differenceType: 'absolute' }).value!;
    const variance = treatment.variance / 420 + control.variance / 400;
    expect(result.expected).toBeCloseTo(1134 / 420 - 2.5, 14);
    expect(result.stddev).toBeCloseTo(Math.sqrt(variance), 14);
    expect(result.priorApplied).toBe(false);
  });

  it('shrinks the effect toward the prior mean by precision weighting with a proper prior', () => {
    const flat = bayesianEffectTest(control, treatment, { differenceType: 'absolute' }).value!;
    const prior = { mean: 0, variance: 0.01 };
    const shrunk = bayesianEffectTest(control, treatment, {
      differenceType: 'absolute',
      prior,
    }).value!;
    const dataPrecision = 1 / flat.stddev ** 2;
    const postVariance = 1 / (dataPrecision + 1 / prior.variance);
    expect(shrunk.expected).toBeCloseTo(postVariance * flat.expected * dataPrecision, 14);
    expect(shrunk.stddev).toBeCloseTo(Math.sqrt(postVariance), 14);
    expect(shrunk.priorApplied).toBe(true);
  });
});

describe('gaussianEffectPosterior', () => {
  it('gives risk(control) − risk(treatment) = the posterior mean', () => {
    const result = gaussianEffectPosterior(0.03, 0.0004, 'absolute');
    expect(result.riskControl - result.riskTreatment).toBeCloseTo(0.03, 15);
  });

  it('keeps a far-tail risk positive and continuous across the series switch at z = −10', () => {
    const inner = gaussianEffectPosterior(-9.999999, 1, 'absolute').riskControl;
    const outer = gaussianEffectPosterior(-10.000001, 1, 'absolute').riskControl;
    expect(Math.abs(inner / outer - 1)).toBeLessThan(1e-4);
    const far = gaussianEffectPosterior(-30, 1, 'absolute');
    // φ(30)/30² · (1 − 3/900 + 15/810000 − …), leading terms by hand
    const phi30 = Math.exp(-450) / Math.sqrt(2 * Math.PI);
    const series = (phi30 / 900) * (1 - 3 / 900 + 15 / 810_000 - 105 / 729_000_000);
    expect(Math.abs(far.riskControl / series - 1)).toBeLessThan(1e-8);
    expect(far.chanceToWin).toBeGreaterThan(0);
  });

  it('uses the credible level for the interval width', () => {
    const result = gaussianEffectPosterior(0, 1, 'absolute', null, 0.9);
    expect(result.ci[1]).toBeCloseTo(1.6448536269514722, 10);
    expect(result.ci[0]).toBeCloseTo(-1.6448536269514722, 10);
  });

  it('rejects a non-positive prior variance with BAD_USER_INPUT', () => {
    expect(() => gaussianEffectPosterior(0, 1, 'absolute', { mean: 0, variance: 0 })).toThrow(
      'prior variance must be a positive number, got 0',
    );
  });

  it('rejects a credible level of 1 with BAD_USER_INPUT', () => {
    expect(() => gaussianEffectPosterior(0, 1, 'absolute', null, 1)).toThrow(
      'credibleLevel must be between 0 and 1 exclusive, got 1',
    );
  });
});
