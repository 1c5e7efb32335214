import { adjustPValues } from '../../../../src/experiments/stats/multiple-comparisons';
import { expectWithin, referenceSection, toleranceFor } from './reference-vectors';

describe('adjustPValues reference vectors', () => {
  it.each(referenceSection('multiple_comparisons').map((v) => [v.id, v] as const))(
    'reproduces vector %s within its tolerances',
    (_id, vector) => {
      const { p_values: pValues } = vector.inputs as { p_values: number[] };
      const expected = vector.expected as Record<string, number[] | boolean[]>;
      const holm = adjustPValues(pValues, 'HOLM');
      const bh = adjustPValues(pValues, 'BENJAMINI_HOCHBERG');
      const bonferroni = adjustPValues(pValues, 'BONFERRONI');
      const check = (field: string, actual: number[]) =>
        (expected[field] as number[]).forEach((value, i) =>
          expectWithin(actual[i], value, toleranceFor(vector, field), `${field}[${i}]`),
        );
      check('holm', holm.adjusted);
      check('benjamini_hochberg', bh.adjusted);
      check('bonferroni', bonferroni.adjusted);
      expect(holm.rejected).toEqual(expected['rejected_at_0.05_holm']);
      expect(bh.rejected).toEqual(expected['rejected_at_0.05_bh']);
      expect(holm.raw).toEqual(pValues);
      expect(holm.familySize).toBe(pValues.length);
    },
  );
});

describe('adjustPValues', () => {
  it('leaves a family of one unchanged under every method', () => {
    for (const method of ['HOLM', 'BENJAMINI_HOCHBERG', 'BONFERRONI'] as const) {
      expect(adjustPValues([0.03], method).adjusted).toEqual([0.03]);
    }
  });

  it('keeps Holm-adjusted p-values monotone in the raw order and capped at 1', () => {
    expect(adjustPValues([0.5, 0.4, 0.001], 'HOLM').adjusted).toEqual([0.8, 0.8, 0.003]);
    expect(adjustPValues([0.6, 0.7], 'HOLM').adjusted).toEqual([1, 1]);
  });
});
