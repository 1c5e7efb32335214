import type {
  MetricDefinition,
  VariantDefinition,
} from '../../../src/experiments/experiment-definition';
import { checkTransition } from '../../../src/experiments/experiment-definition';
import {
  checkKey,
  checkMetrics,
  checkTrafficShare,
  checkVariants,
} from '../../../src/experiments/experiment-input';

const variant = (key: string, extra: Partial<VariantDefinition> = {}): VariantDefinition => ({
  key,
  name: key,
  weight: 1,
  isControl: false,
  costPerCustomer: null,
  ...extra,
});
const metric = (extra: Partial<MetricDefinition> = {}): MetricDefinition => ({
  key: 'm',
  name: 'm',
  role: 'GOAL',
  kind: 'MEAN',
  numerator: { source: 'ORDERS', aggregate: 'COUNT' },
  denominator: null,
  windowDays: 7,
  inverse: false,
  cuped: false,
  ...extra,
});
const failsOn = (work: () => void, field: string) =>
  expect(work).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', field }) as never);

describe('experiment definition checks', () => {
  it('accepts a control and a treatment', () => {
    expect(() =>
      checkVariants([variant('a', { isControl: true }), variant('b')], 'v'),
    ).not.toThrow();
    expect(() => checkMetrics([metric()], 'm')).not.toThrow();
  });

  it.each<[string, VariantDefinition[], string]>([
    ['no control', [variant('a'), variant('b')], 'v'],
    [
      'eleven variants',
      Array.from({ length: 11 }, (_, i) => variant(`v${i}`, { isControl: i === 0 })),
      'v',
    ],
    [
      'a negative cost',
      [variant('a', { isControl: true }), variant('b', { costPerCustomer: -1 })],
      'v[1].costPerCustomer',
    ],
    [
      'an infinite cost',
      [variant('a', { isControl: true }), variant('b', { costPerCustomer: Infinity })],
      'v[1].costPerCustomer',
    ],
    [
      'a cost above the largest order amount',
      [variant('a', { isControl: true }), variant('b', { costPerCustomer: 1e10 })],
      'v[1].costPerCustomer',
    ],
    [
      'weights whose sum overflows',
      [variant('a', { isControl: true, weight: 1e308 }), variant('b', { weight: 1e308 })],
      'v',
    ],
    [
      'an infinite weight',
      [variant('a', { isControl: true }), variant('b', { weight: Infinity })],
      'v[1].weight',
    ],
    ['an upper-case key', [variant('A', { isControl: true }), variant('b')], 'v[0].key'],
    ['a single variant', [variant('a', { isControl: true })], 'v'],
    ['two controls', [variant('a', { isControl: true }), variant('b', { isControl: true })], 'v'],
    ['a duplicate key', [variant('a', { isControl: true }), variant('a')], 'v[1].key'],
    [
      'a zero weight',
      [variant('a', { isControl: true }), variant('b', { weight: 0 })],
      'v[1].weight',
    ],
    [
      'a NaN weight',
      [variant('a', { isControl: true }), variant('b', { weight: NaN })],
      'v[1].weight',
    ],
  ])('refuses variants with %s', (_title, variants, field) => {
    failsOn(() => checkVariants(variants, 'v'), field);
  });

  it.each<[string, MetricDefinition[], string]>([
    [
      'a denominator on a MEAN',
      [metric({ denominator: { source: 'ORDERS', aggregate: 'COUNT' } })],
      'm[0].denominator',
    ],
    [
      'statuses on interactions',
      [metric({ numerator: { source: 'INTERACTIONS', aggregate: 'COUNT', statuses: ['PAID'] } })],
      'm[0].numerator.statuses',
    ],
    [
      'an unknown channel',
      [metric({ numerator: { source: 'INTERACTIONS', aggregate: 'COUNT', channel: 'FAX' } })],
      'm[0].numerator.channel',
    ],
    [
      'an empty type list',
      [metric({ numerator: { source: 'INTERACTIONS', aggregate: 'COUNT', types: [] } })],
      'm[0].numerator.types',
    ],
    ['a 366-day window', [metric({ windowDays: 366 })], 'm[0].windowDays'],
    ['duplicate keys', [metric(), metric()], 'm[1].key'],
    ['no metric', [], 'm'],
    ['21 metrics', Array.from({ length: 21 }, (_, i) => metric({ key: `m${i}` })), 'm'],
    [
      'a denominator on a MEAN',
      [metric({ denominator: { source: 'ORDERS', aggregate: 'COUNT' } })],
      'm[0].denominator',
    ],
    [
      'a blank status',
      [metric({ numerator: { source: 'ORDERS', aggregate: 'COUNT', statuses: [' '] } })],
      'm[0].numerator.statuses',
    ],
    ['an upper-case metric key', [metric({ key: 'Revenue' })], 'm[0].key'],
    ['no GOAL metric', [metric({ role: 'GUARDRAIL' })], 'm'],
    ['a 0-day window', [metric({ windowDays: 0 })], 'm[0].windowDays'],
    ['a fractional window', [metric({ windowDays: 1.5 })], 'm[0].windowDays'],
    ['a RATIO without denominator', [metric({ kind: 'RATIO' })], 'm[0].denominator'],
    [
      'CUPED on a RATIO',
      [
        metric({
          kind: 'RATIO',
          cuped: true,
          denominator: { source: 'ORDERS', aggregate: 'COUNT' },
        }),
      ],
      'm[0].cuped',
    ],
    [
      'types on orders',
      [metric({ numerator: { source: 'ORDERS', aggregate: 'COUNT', types: ['click'] } })],
      'm[0].numerator.types',
    ],
    [
      'a channel on orders',
      [metric({ numerator: { source: 'ORDERS', aggregate: 'COUNT', channel: 'WEB' } })],
      'm[0].numerator.channel',
    ],
    [
      'a bad denominator measure',
      [
        metric({
          kind: 'RATIO',
          denominator: { source: 'INTERACTIONS', aggregate: 'COUNT', statuses: ['PAID'] },
        }),
      ],
      'm[0].denominator.statuses',
    ],
  ])('refuses metrics with %s', (_title, metrics, field) => {
    failsOn(() => checkMetrics(metrics, 'm'), field);
  });

  it('accepts keys of 1 to 64 lower-case letters, digits, - and _ and refuses others', () => {
    for (const key of ['a', '0abc', 'checkout_2026-b', 'a'.repeat(64)]) {
      expect(() => checkKey(key, 'k')).not.toThrow();
    }
    for (const key of ['', 'Upper', '-lead', '_lead', 'with space', 'a.b', 'a'.repeat(65)]) {
      failsOn(() => checkKey(key, 'k'), 'k');
    }
  });

  it('accepts a traffic share in (0, 1] and refuses 0, negatives, above 1 and NaN', () => {
    for (const share of [0.001, 0.5, 1]) {
      expect(() => checkTrafficShare(share, 't')).not.toThrow();
    }
    for (const share of [0, -0.1, 1.0001, NaN]) {
      failsOn(() => checkTrafficShare(share, 't'), 't');
    }
  });

  it('allows only the lifecycle moves, naming the allowed ones', () => {
    expect(() => checkTransition('DRAFT', 'RUNNING')).not.toThrow();
    expect(() => checkTransition('STOPPED', 'CONCLUDED')).not.toThrow();
    expect(() => checkTransition('DRAFT', 'CONCLUDED')).toThrow(
      expect.objectContaining({
        code: 'BAD_USER_INPUT',
        field: 'status',
        details: { from: 'DRAFT', to: 'CONCLUDED', allowed: ['RUNNING', 'ARCHIVED'] },
      }) as never,
    );
    expect(() => checkTransition('ARCHIVED', 'RUNNING')).toThrow(
      expect.objectContaining({ field: 'status' }) as never,
    );
  });
});
