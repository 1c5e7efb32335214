import { type PlanRequest, planSampleSize } from '../../../../src/experiments/analysis/plan';
import type { PulseError } from '../../../../src/errors';
import {
  meanSampleSize,
  proportionSampleSize,
} from '../../../../src/experiments/stats/sample-size';

const request = (extra: Partial<PlanRequest> = {}): PlanRequest => ({
  kind: 'PROPORTION',
  baselineRate: 0.1,
  sd: null,
  baselineMean: null,
  mde: 0.1,
  mdeType: 'RELATIVE',
  alpha: 0.05,
  power: 0.8,
  variants: 2,
  ...extra,
});

const failsOn = (run: () => unknown, field: string) =>
  expect(run).toThrow(
    expect.objectContaining({ code: 'BAD_USER_INPUT', field }) as unknown as PulseError,
  );

describe('planning an experiment', () => {
  it('sizes a PROPORTION as proportionSampleSize does, with the days at the given traffic', () => {
    const plan = planSampleSize(request({ variants: 3 }), 250);
    const expected = proportionSampleSize({
      baselineRate: 0.1,
      mde: 0.1,
      mdeType: 'relative',
      alpha: 0.05,
      power: 0.8,
      arms: 3,
    });
    expect(plan).toMatchObject({
      nPerVariantRaw: expected.nPerVariantRaw,
      nPerVariant: expected.nPerVariant,
      nTotal: expected.nPerVariant * 3,
      mdeAbsolute: expected.deltaAbsolute,
      dailyEntrants: 250,
      expectedDays: Math.ceil((expected.nPerVariant * 3) / 250),
    });
    // Evan Miller's calculator: 14 313 per variant for 10 % → 11 % at α 0.05, power 0.8.
    expect(plan.nPerVariant).toBe(14313);
    expect(plan.mdeAbsolute).toBeCloseTo(0.01, 15);
  });

  it('takes an ABSOLUTE proportion effect in rate points', () => {
    const plan = planSampleSize(request({ mde: 0.01, mdeType: 'ABSOLUTE' }), 0);
    expect(plan.nPerVariant).toBe(14313);
    expect(plan.mdeAbsolute).toBe(0.01);
  });

  it('sizes a MEAN with a RELATIVE effect as meanSampleSize with δ = mde × baselineMean', () => {
    const plan = planSampleSize(
      request({ kind: 'MEAN', baselineRate: null, sd: 40, baselineMean: 50, mde: 0.05 }),
      100,
    );
    const expected = meanSampleSize({ sd: 40, delta: 2.5, alpha: 0.05, power: 0.8, arms: 2 });
    expect(plan.nPerVariantRaw).toBeCloseTo(expected.nPerVariantRaw, 9);
    expect(plan.nPerVariant).toBe(expected.nPerVariant);
    expect(plan.nTotal).toBe(2 * expected.nPerVariant);
    expect(plan.mdeAbsolute).toBeCloseTo(2.5, 12);
    expect(plan.expectedDays).toBe(Math.ceil(plan.nTotal / 100));
  });

  it('sizes a RATIO with an ABSOLUTE negative effect on its absolute value', () => {
    const plan = planSampleSize(
      request({ kind: 'RATIO', baselineRate: null, sd: 2, mde: -0.5, mdeType: 'ABSOLUTE' }),
      7,
    );
    const expected = meanSampleSize({ sd: 2, delta: -0.5 });
    expect(plan.nPerVariant).toBe(expected.nPerVariant);
    expect(plan.mdeAbsolute).toBe(0.5);
    expect(plan.expectedDays).toBe(Math.ceil(plan.nTotal / 7));
  });

  it('gives no duration when there is no traffic', () => {
    expect(planSampleSize(request(), 0)).toMatchObject({ dailyEntrants: 0, expectedDays: null });
  });

  it('rounds the duration up to whole days', () => {
    const plan = planSampleSize(request(), 1000);
    expect(plan.nTotal).toBe(28626);
    // 28 626 / 1000 = 28.6 days: a started day counts.
    expect(plan.expectedDays).toBe(29);
  });

  it.each<[string, string, Partial<PlanRequest>]>([
    ['one variant', 'input.variants', { variants: 1 }],
    ['eleven variants', 'input.variants', { variants: 11 }],
    ['a fractional number of variants', 'input.variants', { variants: 2.5 }],
    ['a PROPORTION without baselineRate', 'input.baselineRate', { baselineRate: null }],
    ['a MEAN without sd', 'input.sd', { kind: 'MEAN', baselineMean: 10 }],
    ['a RELATIVE MEAN effect without baselineMean', 'input.baselineMean', { kind: 'MEAN', sd: 1 }],
    [
      'a RELATIVE MEAN effect on a zero baselineMean',
      'input.baselineMean',
      { kind: 'MEAN', sd: 1, baselineMean: 0 },
    ],
  ])('refuses %s, naming %s', (_title, field, extra) => {
    failsOn(() => planSampleSize(request(extra), 10), field);
  });

  // Values checked inside stats/sample-size.ts are reported with the input path too.
  it.each<[string, string, Partial<PlanRequest>]>([
    ['a baselineRate of 1.5', 'input.baselineRate', { baselineRate: 1.5 }],
    ['an alpha of 0', 'input.alpha', { alpha: 0 }],
    ['a power of 1', 'input.power', { power: 1 }],
    ['an mde of 0', 'input.mde', { mde: 0 }],
    ['a negative sd', 'input.sd', { kind: 'MEAN', sd: -1, mdeType: 'ABSOLUTE' }],
  ])('refuses %s, naming %s', (_title, field, extra) => {
    failsOn(() => planSampleSize(request(extra), 10), field);
  });
});
