import {
  type SummaryVariant,
  summaryAnalysisInput,
} from '../../../../src/experiments/analysis/summary-input';
import type { PulseError } from '../../../../src/errors';

const variant = (key: string, extra: Partial<SummaryVariant> = {}): SummaryVariant => ({
  key,
  weight: 1,
  isControl: key === 'control',
  n: 100,
  sum: 10,
  sumSquares: null,
  covariate: null,
  denominator: null,
  ...extra,
});
const paired = { sum: 50, sumSquares: 40, sumProducts: 30 };

const failsOn = (run: () => unknown, field: string) =>
  expect(run).toThrow(
    expect.objectContaining({ code: 'BAD_USER_INPUT', field }) as unknown as PulseError,
  );

describe('analysis input from sums given directly', () => {
  it('builds one GOAL metric over the given arms, Σy² defaulting to Σy for a PROPORTION', () => {
    const input = summaryAnalysisInput('PROPORTION', true, [
      variant('control'),
      variant('b', { n: 120, sum: 30 }),
    ]);
    expect(input.status).toBe('STOPPED');
    expect(input.looks).toBe(1);
    expect(input.mixedExposures).toBe(0);
    expect(input.exposures).toEqual([
      { variantKey: 'control', n: 100 },
      { variantKey: 'b', n: 120 },
    ]);
    expect(input.variants.map((v) => [v.key, v.isControl, v.costPerCustomer])).toEqual([
      ['control', true, null],
      ['b', false, null],
    ]);
    expect(input.metrics).toEqual([
      {
        metricKey: 'summary',
        name: 'summary',
        kind: 'PROPORTION',
        role: 'GOAL',
        inverse: true,
        measuresRevenue: false,
        arms: [
          {
            variantKey: 'control',
            n: 100,
            sum: 10,
            sumSquares: 10,
            covariate: null,
            denominator: null,
          },
          { variantKey: 'b', n: 120, sum: 30, sumSquares: 30, covariate: null, denominator: null },
        ],
      },
    ]);
  });

  it('keeps the covariate of a MEAN and drops it for a RATIO, which keeps its denominator', () => {
    const withBoth = (key: string) =>
      variant(key, { sumSquares: 90, covariate: paired, denominator: paired });
    const mean = summaryAnalysisInput('MEAN', false, [withBoth('control'), withBoth('b')]);
    expect(mean.metrics[0].arms[1]).toMatchObject({ covariate: paired, denominator: null });
    const ratio = summaryAnalysisInput('RATIO', false, [withBoth('control'), withBoth('b')]);
    expect(ratio.metrics[0].arms[1]).toMatchObject({ covariate: null, denominator: paired });
  });

  it.each<[string, SummaryVariant[], string]>([
    ['a single variant', [variant('control')], 'input.variants'],
    ['no control', [variant('a'), variant('b')], 'input.variants'],
    ['a bad key', [variant('control'), variant('B!')], 'input.variants[1].key'],
    ['a duplicate key', [variant('control'), variant('control')], 'input.variants[1].key'],
    [
      'a zero weight',
      [variant('control'), variant('b', { weight: 0 })],
      'input.variants[1].weight',
    ],
    ['a negative n', [variant('control', { n: -1 }), variant('b')], 'input.variants[0].n'],
    ['a fractional n', [variant('control'), variant('b', { n: 10.5 })], 'input.variants[1].n'],
    [
      'more conversions than n',
      [variant('control'), variant('b', { sum: 101 })],
      'input.variants[1].sum',
    ],
    [
      'negative conversions',
      [variant('control', { sum: -1 }), variant('b')],
      'input.variants[0].sum',
    ],
    [
      'fractional conversions',
      [variant('control'), variant('b', { sum: 2.5 })],
      'input.variants[1].sum',
    ],
  ])('refuses a PROPORTION with %s, naming %s', (_title, variants, field) => {
    failsOn(() => summaryAnalysisInput('PROPORTION', false, variants), field);
  });

  it('refuses a MEAN without sumSquares, naming the variant', () => {
    failsOn(
      () =>
        summaryAnalysisInput('MEAN', false, [variant('control', { sumSquares: 90 }), variant('b')]),
      'input.variants[1].sumSquares',
    );
  });

  it('refuses a RATIO without denominator sums, naming the variant', () => {
    failsOn(
      () =>
        summaryAnalysisInput('RATIO', false, [
          variant('control', { sumSquares: 90 }),
          variant('b', { sumSquares: 90, denominator: paired }),
        ]),
      'input.variants[0].denominator',
    );
  });

  it('refuses covariate sums on some variants but not all', () => {
    failsOn(
      () =>
        summaryAnalysisInput('MEAN', false, [
          variant('control', { sumSquares: 90, covariate: paired }),
          variant('b', { sumSquares: 90 }),
        ]),
      'input.variants',
    );
  });

  it('accepts non-integer totals for a MEAN', () => {
    const input = summaryAnalysisInput('MEAN', false, [
      variant('control', { sum: 12.5, sumSquares: 90.25 }),
      variant('b', { sum: 13.75, sumSquares: 99.5 }),
    ]);
    expect(input.metrics[0].arms.map((arm) => arm.sumSquares)).toEqual([90.25, 99.5]);
  });

  it('refuses a Σy² below (Σy)²/n, which no data can give, and accepts the equality', () => {
    failsOn(
      () =>
        summaryAnalysisInput('MEAN', false, [
          variant('control', { n: 10, sum: 20, sumSquares: 39 }),
          variant('b', { sumSquares: 500 }),
        ]),
      'input.variants[0].sumSquares',
    );
    expect(() =>
      summaryAnalysisInput('MEAN', false, [
        variant('control', { n: 10, sum: 20, sumSquares: 40 }),
        variant('b', { sumSquares: 500 }),
      ]),
    ).not.toThrow();
  });
});
