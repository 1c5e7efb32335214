import { assignVariant, unitHash } from '../../../src/experiments/assignment';
import { checkSampleRatio } from '../../../src/experiments/stats/srm';

const VARIANTS = [
  { key: 'control', weight: 50 },
  { key: 'b', weight: 30 },
  { key: 'c', weight: 20 },
];
const IDS = Array.from({ length: 100_000 }, (_, i) => i + 1);

function counts(salt: string, share: number): Map<string | null, number> {
  const result = new Map<string | null, number>();
  for (const id of IDS) {
    const { variantKey } = assignVariant(salt, share, VARIANTS, id);
    result.set(variantKey, (result.get(variantKey) ?? 0) + 1);
  }

  return result;
}

describe('deterministic assignment', () => {
  it('gives the same customer the same variant every time', () => {
    for (const id of [1, 42, 99_999]) {
      const first = assignVariant('exp-salt', 1, VARIANTS, id);
      expect(assignVariant('exp-salt', 1, VARIANTS, id)).toEqual(first);
    }
  });

  it('honours the weights over 100,000 ids within sampling error (chi-square p ≥ 0.001)', () => {
    for (const salt of ['salt-a', 'salt-b', 'salt-c']) {
      const byVariant = counts(salt, 1);
      const observed = VARIANTS.map((variant) => byVariant.get(variant.key) ?? 0);
      const srm = checkSampleRatio({ observed, weights: VARIANTS.map((v) => v.weight) });
      expect([salt, srm.flagged]).toEqual([salt, false]);
      expect(observed.reduce((a, b) => a + b, 0)).toBe(IDS.length);
    }
  });

  it('would notice skewed weights: the same counts fail against a 34/33/33 split', () => {
    const byVariant = counts('salt-a', 1);
    const observed = VARIANTS.map((variant) => byVariant.get(variant.key) ?? 0);
    expect(checkSampleRatio({ observed, weights: [34, 33, 33] }).flagged).toBe(true);
  });

  it('only adds customers when the traffic share grows, and never moves anyone', () => {
    const at = (share: number) => IDS.map((id) => assignVariant('grow', share, VARIANTS, id));
    const small = at(0.2);
    const large = at(0.5);
    small.forEach((assignment, i) => {
      if (assignment.variantKey !== null) {
        expect(large[i].variantKey).toBe(assignment.variantKey);
      }
    });
    const inSmall = small.filter((a) => a.variantKey !== null).length;
    const inLarge = large.filter((a) => a.variantKey !== null).length;
    expect(inSmall / IDS.length).toBeCloseTo(0.2, 1);
    expect(inLarge / IDS.length).toBeCloseTo(0.5, 1);
  });

  it('gives customers outside the traffic no variant and the reason', () => {
    expect(assignVariant('salt', 0, VARIANTS, 7)).toEqual({
      variantKey: null,
      reason: 'OUTSIDE_TRAFFIC',
    });
  });

  it('draws independent numbers for traffic and variant, uniform in [0, 1)', () => {
    const values = IDS.slice(0, 20_000).map((id) => unitHash('s', 'traffic', id));
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    expect(mean).toBeCloseTo(0.5, 2);
    expect(unitHash('s', 'traffic', 5)).not.toBe(unitHash('s', 'variant', 5));
  });

  it.each([
    ['a traffic share above 1', 1.5, VARIANTS, 'trafficShare'],
    ['a negative traffic share', -0.1, VARIANTS, 'trafficShare'],
    ['one variant', 1, [{ key: 'a', weight: 1 }], 'variants'],
    [
      'a zero weight',
      1,
      [
        { key: 'a', weight: 1 },
        { key: 'b', weight: 0 },
      ],
      'variants',
    ],
  ])('rejects %s with BAD_USER_INPUT', (_case, share, variants, field) => {
    expect(() => assignVariant('s', share, variants, 1)).toThrow(
      expect.objectContaining({ code: 'BAD_USER_INPUT', field }),
    );
  });
});
