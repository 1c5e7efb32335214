import { checkSampleRatio } from '../../../../src/experiments/stats/srm';
import { PulseError } from '../../../../src/errors';
import { expectWithin, referenceSection, toleranceFor } from './reference-vectors';

describe('checkSampleRatio reference vectors', () => {
  it.each(referenceSection('srm_chi_square').map((v) => [v.id, v] as const))(
    'reproduces vector %s within its tolerances',
    (_id, vector) => {
      const { observed, weights } = vector.inputs as { observed: number[]; weights: number[] };
      const expected = vector.expected as {
        expected_counts: number[];
        chi2: number;
        df: number;
        p_value: number;
        'flagged_at_0.001': boolean;
        'flagged_at_0.01': boolean;
        g_statistic_reference: number;
      };
      const r = checkSampleRatio({ observed, weights });
      const countTolerance = toleranceFor(vector, 'expected_counts');
      expected.expected_counts.forEach((count, i) =>
        // The fixture prints thirds to 6 decimals; the tolerance's rel part covers that.
        expectWithin(
          r.expected[i],
          count,
          { ...countTolerance, rel: 1e-8 },
          `expected_counts[${i}]`,
        ),
      );
      expectWithin(r.chiSquare, expected.chi2, toleranceFor(vector, 'chi2'), 'chi2');
      expectWithin(r.gStatistic, expected.g_statistic_reference, countTolerance, 'g');
      expectWithin(r.pValue.value, expected.p_value, toleranceFor(vector, 'p_value'), 'p_value');
      expect(r.df).toBe(expected.df);
      expect(r.flagged).toBe(expected['flagged_at_0.001']);
      expect(r.reason).toBe(expected['flagged_at_0.001'] ? 'SRM_DETECTED' : null);
      expect(checkSampleRatio({ observed, weights, threshold: 0.01 }).flagged).toBe(
        expected['flagged_at_0.01'],
      );
    },
  );
});

describe('checkSampleRatio guards', () => {
  it('does not flag and says NOT_ENOUGH_DATA when an arm has fewer than 8 units', () => {
    const r = checkSampleRatio({ observed: [100, 7], weights: [1, 1] });
    expect(r.pValue.value!).toBeLessThan(1e-15);
    expect(r.flagged).toBe(false);
    expect(r.reason).toBe('NOT_ENOUGH_DATA');
  });

  it('gives a null p-value with NOT_ENOUGH_DATA when no unit was exposed', () => {
    const r = checkSampleRatio({ observed: [0, 0], weights: [1, 1] });
    expect(r.pValue).toEqual({ value: null, reason: 'NOT_ENOUGH_DATA' });
    expect(r.flagged).toBe(false);
  });

  it('rejects a non-positive weight with BAD_USER_INPUT on field weights', () => {
    expect(() => checkSampleRatio({ observed: [10, 10], weights: [1, 0] })).toThrow(
      new PulseError('BAD_USER_INPUT', 'Every traffic weight must be positive', 'weights'),
    );
  });

  it('rejects counts and weights of different lengths with BAD_USER_INPUT', () => {
    expect(() => checkSampleRatio({ observed: [10, 10, 10], weights: [1, 1] })).toThrow(
      'SRM needs one weight per arm and at least two arms',
    );
  });
});
