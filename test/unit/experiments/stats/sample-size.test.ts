import { PulseError } from '../../../../src/errors';
import {
  meanMde,
  meanPower,
  meanSampleSize,
  proportionMde,
  proportionPower,
  proportionSampleSize,
} from '../../../../src/experiments/stats/sample-size';
import { expectWithin, referenceSection, toleranceFor } from './reference-vectors';

describe('sample size against the reference vectors', () => {
  for (const vector of referenceSection('sample_size')) {
    const inputs = vector.inputs as Record<string, number | string>;
    const expected = vector.expected as Record<string, number>;
    const options = { alpha: inputs.alpha as number, power: inputs.power as number };

    if (vector.formula === 'evan_miller_two_proportion_sample_size') {
      it(`${vector.id}: reproduces Evan Miller's per-variant n, its ceiling and the z quantiles`, () => {
        const plan = proportionSampleSize({
          ...options,
          baselineRate: inputs.baseline_rate as number,
          mde: inputs.mde as number,
          mdeType: inputs.mde_type as 'absolute' | 'relative',
        });
        const raw = toleranceFor(vector, 'n_per_variant_raw');
        expectWithin(plan.nPerVariantRaw, expected.n_per_variant_raw, raw, 'n_per_variant_raw');
        expect(plan.nPerVariant).toBe(expected.n_per_variant);
        expect(plan.nTotal).toBe(expected.n_total_two_arms);
        expectWithin(plan.deltaAbsolute, expected.delta_absolute, raw, 'delta_absolute');
        expectWithin(plan.treatmentRate, expected.treatment_rate, raw, 'treatment_rate');
        const z = toleranceFor(vector, 'z_alpha_2');
        expectWithin(plan.zAlpha2, expected.z_alpha_2, z, 'z_alpha_2');
        expectWithin(plan.zBeta, expected.z_beta, z, 'z_beta');
      });

      it(`${vector.id}: achieved power at the raw n equals the planned power and the MDE at n is the input MDE`, () => {
        const baselineRate = inputs.baseline_rate as number;
        const nPerVariant = expected.n_per_variant_raw;
        const power = proportionPower({
          ...options,
          baselineRate,
          mde: expected.delta_absolute,
          mdeType: 'absolute',
          nPerVariant,
        });
        expect(power).toBeCloseTo(options.power, 10);
        const mde = proportionMde({ ...options, baselineRate, nPerVariant });
        expect(mde.reason).toBeNull();
        expect(mde.value).toBeCloseTo(expected.delta_absolute, 10);
      });
    } else {
      it(`${vector.id}: reproduces the two-sample means per-variant n and its ceiling`, () => {
        const plan = meanSampleSize({
          ...options,
          sd: inputs.sd as number,
          delta: inputs.delta_absolute as number,
        });
        const raw = toleranceFor(vector, 'n_per_variant_raw');
        expectWithin(plan.nPerVariantRaw, expected.n_per_variant_raw, raw, 'n_per_variant_raw');
        expect(plan.nPerVariant).toBe(expected.n_per_variant);
      });

      it(`${vector.id}: achieved power at the raw n equals the planned power and the MDE at n is δ`, () => {
        const sd = inputs.sd as number;
        const nPerVariant = expected.n_per_variant_raw;
        const delta = inputs.delta_absolute as number;
        expect(meanPower({ ...options, sd, delta, nPerVariant })).toBeCloseTo(options.power, 10);
        expect(meanMde({ ...options, sd, nPerVariant })).toBeCloseTo(delta, 10);
      });
    }
  }
});

describe('sample size planning rules', () => {
  it('treats a relative MDE as a fraction of the baseline rate', () => {
    const relative = proportionSampleSize({ baselineRate: 0.2, mde: 0.25, mdeType: 'relative' });
    const absolute = proportionSampleSize({ baselineRate: 0.2, mde: 0.05, mdeType: 'absolute' });
    expect(relative.deltaAbsolute).toBeCloseTo(0.05, 15);
    expect(relative.nPerVariant).toBe(absolute.nPerVariant);
  });

  it('multiplies by the number of arms and derives the duration from daily traffic', () => {
    const plan = meanSampleSize({ sd: 40, delta: 2, arms: 3, dailyUnits: 1000 });
    expect(plan.nTotal).toBe(6280 * 3);
    expect(plan.expectedDays).toBe(19);
    expect(meanSampleSize({ sd: 40, delta: 2 }).expectedDays).toBeNull();
  });

  it('returns a null MDE with NOT_ENOUGH_DATA when even the largest lift needs more units', () => {
    expect(proportionMde({ baselineRate: 0.5, nPerVariant: 2 })).toEqual({
      value: null,
      reason: 'NOT_ENOUGH_DATA',
    });
  });

  it.each([
    ['alpha', { alpha: 1 }, 'alpha must be in (0, 1), got 1'],
    ['power', { power: 0 }, 'power must be in (0, 1), got 0'],
    ['baselineRate', { baselineRate: 0 }, 'baselineRate must be in (0, 1), got 0'],
    ['mde', { mde: 0.9 }, 'the treatment rate 1.1 must be in (0, 1)'],
    ['mde', { mde: 0 }, 'mde must be a non-zero number, got 0'],
    ['arms', { arms: 1 }, 'arms must be an integer ≥ 2, got 1'],
  ])('rejects %s set to %j with BAD_USER_INPUT naming the field', (field, override, message) => {
    const plan = () =>
      proportionSampleSize({ baselineRate: 0.2, mde: 0.05, mdeType: 'absolute', ...override });
    expect(plan).toThrow(new PulseError('BAD_USER_INPUT', message, field));
    try {
      plan();
    } catch (error) {
      expect((error as PulseError).field).toBe(field);
    }
  });
});
