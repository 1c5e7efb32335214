import { studentTPValue } from '../../../../src/experiments/stats/student-t';
import { summarizeSums } from '../../../../src/experiments/stats/sums';
import { welchTTest } from '../../../../src/experiments/stats/welch';
import { expectFieldsWithin, referenceSection } from './reference-vectors';

interface Sums {
  n: number;
  sum: number;
  sum_squares: number;
}

const ttestVectors = referenceSection('growthbook_reference').filter((vector) =>
  vector.formula.startsWith('growthbook_two_sided_ttest'),
);

describe('growthbook_reference t-test vectors', () => {
  it('finds the GrowthBook t-test vectors in the fixture', () => {
    expect(ttestVectors.length).toBeGreaterThan(0);
  });

  for (const vector of ttestVectors) {
    it(`reproduces ${vector.id} with the Welch test to full precision and to 5 decimals`, () => {
      const inputs = vector.inputs as {
        control: Sums;
        treatment: Sums;
        difference_type: 'absolute' | 'relative';
      };
      const arm = (sums: Sums) =>
        summarizeSums({ n: sums.n, sum: sums.sum, sumSquares: sums.sum_squares })!;
      const result = welchTTest({
        control: arm(inputs.control),
        treatment: arm(inputs.treatment),
      }).value!;
      let actual: Record<string, number>;
      if (inputs.difference_type === 'absolute') {
        actual = {
          expected: result.absDiff,
          uplift_stddev: result.se,
          'ci[0]': result.absDiffInterval.lower!,
          'ci[1]': result.absDiffInterval.upper!,
          pValue: result.pValue,
        };
      } else {
        const lift = result.relativeLift.value!;
        actual = {
          expected: lift.lift,
          uplift_stddev: lift.standardError,
          'ci[0]': lift.interval.lower!,
          'ci[1]': lift.interval.upper!,
          // gbstats tests the relative effect itself: t = lift / se with the Welch df.
          pValue: studentTPValue(lift.lift / lift.standardError, result.df, 'two'),
        };
      }
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
