import {
  type FeatureEncoder,
  type FeatureSpec,
  type RawValue,
  encodeRow,
  featureHash,
  fitEncoder,
} from '../../../src/predictions/models/encoders';
import { PulseError } from '../../../src/errors';

const specs: FeatureSpec[] = [
  { name: 'spend', kind: 'NUMERIC' },
  { name: 'plan', kind: 'CATEGORICAL' },
  { name: 'age', kind: 'NUMERIC' },
];

// spend: 2, 4, 4, 4, 5, 5, 7, 9 has mean 5 and population sd 2 (the textbook example).
const training: Array<Record<string, RawValue>> = [
  { spend: 2, plan: 'gold', age: 30 },
  { spend: 4, plan: 'gold', age: 30 },
  { spend: 4, plan: 'basic', age: 30 },
  { spend: '4', plan: 'basic', age: 30 },
  { spend: 5, plan: 'basic', age: 30 },
  { spend: 5, plan: 'trial', age: 30 },
  { spend: 7, plan: null, age: 30 },
  { spend: 9, plan: 'basic', age: 30 },
  { spend: null, plan: 'gold', age: 30 },
  { spend: 'n/a', plan: 'basic', age: 30 },
];

function vector(values: number[]): Float64Array {
  return Float64Array.from(values);
}

describe('fitEncoder', () => {
  const encoder = fitEncoder(specs, training, { minLevelShare: 0.15 });

  it('standardises numerics with the mean and population sd of non-missing training values', () => {
    expect(encoder.features[0]).toEqual({
      kind: 'NUMERIC',
      name: 'spend',
      mean: 5,
      sd: 2,
      missingIndicator: true,
    });
  });

  it('uses sd 1 and no missing column for a constant, complete numeric', () => {
    expect(encoder.features[2]).toEqual({
      kind: 'NUMERIC',
      name: 'age',
      mean: 30,
      sd: 1,
      missingIndicator: false,
    });
  });

  it('groups levels rarer than minLevelShare into OTHER and lists kept levels by name', () => {
    // trial is 1/10 < 0.15; null is never a level.
    expect(encoder.features[1]).toEqual({
      kind: 'CATEGORICAL',
      name: 'plan',
      levels: ['basic', 'gold'],
    });
  });

  it('lays out columns in spec order with the missing indicator and the OTHER column', () => {
    expect(encoder.columns).toEqual([
      'spend',
      'spend_missing',
      'plan=basic',
      'plan=gold',
      'plan=OTHER',
      'age',
    ]);
  });

  it('keeps at most maxLevels levels, the most frequent ones', () => {
    const capped = fitEncoder([{ name: 'plan', kind: 'CATEGORICAL' }], training, {
      minLevelShare: 0,
      maxLevels: 2,
    });
    // basic (5) and gold (3) beat trial (1).
    expect(capped.columns).toEqual(['plan=basic', 'plan=gold', 'plan=OTHER']);
  });

  it('sends a literal OTHER level to the catch-all column', () => {
    const rows = [{ c: 'OTHER' }, { c: 'OTHER' }, { c: 'x' }];
    const fitted = fitEncoder([{ name: 'c', kind: 'CATEGORICAL' }], rows);
    expect(fitted.columns).toEqual(['c=x', 'c=OTHER']);
    expect(encodeRow(fitted, { c: 'OTHER' })).toEqual(vector([0, 1]));
  });

  it('throws BAD_USER_INPUT on a duplicated feature and on colliding column names', () => {
    expect(() => fitEncoder([specs[0], specs[0]], training)).toThrow(
      new PulseError('BAD_USER_INPUT', 'feature spend appears twice', 'specs'),
    );
    const colliding = fitEncoder.bind(null, [
      { name: 'x', kind: 'NUMERIC' },
      { name: 'x_missing', kind: 'NUMERIC' },
    ]);
    expect(() => colliding([{ x: null, x_missing: 1 }])).toThrow('column x_missing appears twice');
  });

  it('throws BAD_USER_INPUT on out-of-range options', () => {
    expect(() => fitEncoder(specs, training, { minLevelShare: 2 })).toThrow(
      'minLevelShare must be in [0, 1], got 2',
    );
    expect(() => fitEncoder(specs, training, { maxLevels: 1.5 })).toThrow(
      'maxLevels must be a non-negative integer, got 1.5',
    );
  });
});

describe('encodeRow', () => {
  const encoder = fitEncoder(specs, training, { minLevelShare: 0.15 });

  it('standardises a value and one-hot encodes a kept level', () => {
    expect(encodeRow(encoder, { spend: 9, plan: 'gold', age: 31 })).toEqual(
      vector([2, 0, 0, 1, 0, 1]),
    );
  });

  it('parses numeric strings and imputes missing numerics as the mean with the indicator set', () => {
    expect(encodeRow(encoder, { spend: '3', plan: 'basic', age: 30 })).toEqual(
      vector([-1, 0, 1, 0, 0, 0]),
    );
    expect(encodeRow(encoder, { spend: null, plan: 'basic', age: '' })).toEqual(
      vector([0, 1, 1, 0, 0, 0]),
    );
    expect(encodeRow(encoder, { plan: 'basic', age: 30 })).toEqual(vector([0, 1, 1, 0, 0, 0]));
  });

  it('sends rare, unseen and null levels to OTHER', () => {
    for (const plan of ['trial', 'platinum', null]) {
      expect(encodeRow(encoder, { spend: 5, plan, age: 30 })).toEqual(vector([0, 0, 0, 0, 1, 0]));
    }
  });

  it('does not change the encoder when encoding test rows', () => {
    const before = JSON.stringify(encoder);
    encodeRow(encoder, { spend: 1000, plan: 'enterprise', age: -4 });
    expect(JSON.stringify(encoder)).toBe(before);
  });

  it('encodes identically after a JSON round trip of the encoder', () => {
    const reloaded = JSON.parse(JSON.stringify(encoder)) as FeatureEncoder;
    expect(reloaded).toEqual(encoder);
    for (const row of [...training, { spend: 3.3, plan: 'new', age: 1 / 3 }]) {
      expect(encodeRow(reloaded, row)).toEqual(encodeRow(encoder, row));
    }
  });
});

describe('featureHash', () => {
  const encoder = fitEncoder(specs, training, { minLevelShare: 0.15 });

  it('is a 64-character sha-256 hex digest that ignores fitted means', () => {
    const hash = featureHash(encoder);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    const shifted = fitEncoder(
      specs,
      training.map((row) => ({ ...row, age: 50 })),
      { minLevelShare: 0.15 },
    );
    expect(featureHash(shifted)).toBe(hash);
  });

  it('changes when a column, a feature kind or the column order changes', () => {
    const hash = featureHash(encoder);
    const withTrial = fitEncoder(specs, training, { minLevelShare: 0.05 });
    expect(withTrial.columns).toContain('plan=trial');
    expect(featureHash(withTrial)).not.toBe(hash);
    const reordered = fitEncoder([specs[2], specs[0], specs[1]], training, { minLevelShare: 0.15 });
    expect(featureHash(reordered)).not.toBe(hash);
    const ageAsCategory = fitEncoder(
      [specs[0], specs[1], { name: 'age', kind: 'CATEGORICAL' }],
      training,
      { minLevelShare: 0.15 },
    );
    expect(featureHash(ageAsCategory)).not.toBe(hash);
  });
});
