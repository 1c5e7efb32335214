import {
  betaBinomialTest,
  betaPosterior,
  expectedLoss,
  probabilityEachBest,
  probabilityGreater,
} from '../../../../src/experiments/stats/bayes-binomial';
import { PulseError } from '../../../../src/errors';
import { expectWithin, referenceSection, toleranceFor } from './reference-vectors';

interface Counts {
  n: number;
  conversions: number;
}

describe('bayesian_beta_binomial reference vectors', () => {
  for (const vector of referenceSection('bayesian_beta_binomial')) {
    it(`reproduces ${vector.id} within its tolerances`, () => {
      const inputs = vector.inputs as { control: Counts; treatment: Counts };
      const expected = vector.expected as Record<string, number | { alpha: number; beta: number }>;
      const outcome = betaBinomialTest(inputs.control, inputs.treatment);
      expect(outcome.reason).toBeNull();
      const result = outcome.value!;
      expect(result.posteriorControl).toEqual(expected.posterior_control);
      expect(result.posteriorTreatment).toEqual(expected.posterior_treatment);
      const actual: Record<string, number> = {
        prob_b_beats_a: result.probBBeatsA,
        expected_loss_choose_b: result.expectedLossChooseB,
        expected_loss_choose_a: result.expectedLossChooseA,
        posterior_mean_control: result.posteriorMeanControl,
        posterior_mean_treatment: result.posteriorMeanTreatment,
      };
      for (const [field, value] of Object.entries(actual)) {
        expectWithin(value, expected[field] as number, toleranceFor(vector, field), field);
      }
    });
  }
});

describe('betaBinomialTest', () => {
  it('returns null with NOT_ENOUGH_DATA when an arm has no units', () => {
    expect(betaBinomialTest({ n: 0, conversions: 0 }, { n: 10, conversions: 3 })).toEqual({
      value: null,
      reason: 'NOT_ENOUGH_DATA',
    });
  });

  it('rejects conversions above n with BAD_USER_INPUT naming the field', () => {
    expect.assertions(3);
    try {
      betaBinomialTest({ n: 10, conversions: 2 }, { n: 5, conversions: 6 });
    } catch (error) {
      expect(error).toBeInstanceOf(PulseError);
      expect((error as PulseError).field).toBe('treatment.conversions');
      expect((error as PulseError).message).toBe(
        'conversions must be an integer between 0 and n (5), got 6',
      );
    }
  });

  it('rejects a fractional n with BAD_USER_INPUT', () => {
    expect(() => betaPosterior({ n: 2.5, conversions: 1 }, 'control')).toThrow(
      'n must be a non-negative integer, got 2.5',
    );
  });
});

describe('probabilityGreater', () => {
  it('gives P(B > A) + P(A > B) = 1', () => {
    const a = betaPosterior({ n: 400, conversions: 37 });
    const b = betaPosterior({ n: 380, conversions: 52 });
    expect(probabilityGreater(b, a) + probabilityGreater(a, b)).toBeCloseTo(1, 12);
  });

  it('keeps a tiny probability positive instead of rounding it to 0', () => {
    const a = betaPosterior({ n: 10_000, conversions: 2_000 });
    const b = betaPosterior({ n: 10_000, conversions: 1_500 });
    const c = betaPosterior({ n: 10_000, conversions: 2_500 });
    for (const p of [probabilityGreater(b, a), probabilityGreater(a, c)]) {
      expect(p).toBeGreaterThan(0);
      expect(p).toBeLessThan(1e-15);
    }
  });

  it('agrees with the normal approximation for a million conversions per arm', () => {
    const a = betaPosterior({ n: 2_000_000, conversions: 1_000_000 });
    const b = betaPosterior({ n: 2_000_000, conversions: 1_001_000 });
    // Posteriors are Gaussian to ~1e-6 here: P ≈ Φ(Δmean / √(varA + varB)) = Φ(1.0) = 0.841345
    expect(probabilityGreater(b, a)).toBeCloseTo(0.841345, 5);
  });

  it('equals 1/2 for identical posteriors', () => {
    const a = betaPosterior({ n: 200, conversions: 20 });
    expect(probabilityGreater(a, { ...a })).toBeCloseTo(0.5, 12);
  });
});

describe('expectedLoss', () => {
  it('satisfies loss(A) − loss(B) = E[p_B] − E[p_A]', () => {
    const a = betaPosterior({ n: 300, conversions: 30 });
    const b = betaPosterior({ n: 310, conversions: 41 });
    const meanA = a.alpha / (a.alpha + a.beta);
    const meanB = b.alpha / (b.alpha + b.beta);
    expect(expectedLoss(a, b) - expectedLoss(b, a)).toBeCloseTo(meanB - meanA, 12);
  });
});

describe('probabilityEachBest', () => {
  it('matches the exact two-arm P(B > A) to 1e-9', () => {
    const a = betaPosterior({ n: 1000, conversions: 100 });
    const b = betaPosterior({ n: 1000, conversions: 120 });
    const [bestA, bestB] = probabilityEachBest([a, b]);
    expect(Math.abs(bestB - probabilityGreater(b, a))).toBeLessThan(1e-9);
    expect(Math.abs(bestA - probabilityGreater(a, b))).toBeLessThan(1e-9);
  });

  it('matches the exact P(B > A) to 1e-9 when one arm is a thousand times larger', () => {
    const a = betaPosterior({ n: 1000, conversions: 100 });
    const b = betaPosterior({ n: 1_000_000, conversions: 101_000 });
    expect(Math.abs(probabilityEachBest([a, b])[1] - probabilityGreater(b, a))).toBeLessThan(1e-9);
  });

  it('gives three arms probabilities that sum to 1 and favour the best rate', () => {
    const arms = [
      betaPosterior({ n: 1000, conversions: 100 }),
      betaPosterior({ n: 1000, conversions: 120 }),
      betaPosterior({ n: 1000, conversions: 110 }),
    ];
    const best = probabilityEachBest(arms);
    expect(best.reduce((sum, p) => sum + p, 0)).toBeCloseTo(1, 9);
    expect(best[1]).toBeGreaterThan(best[2]);
    expect(best[2]).toBeGreaterThan(best[0]);
  });

  it('gives four identical arms 1/4 each', () => {
    const arm = betaPosterior({ n: 50, conversions: 0 });
    for (const p of probabilityEachBest([arm, arm, arm, arm])) {
      expect(p).toBeCloseTo(0.25, 9);
    }
  });

  it('rejects a single arm with BAD_USER_INPUT', () => {
    expect(() => probabilityEachBest([{ alpha: 1, beta: 1 }])).toThrow(
      'at least two arms are needed, got 1',
    );
  });
});
