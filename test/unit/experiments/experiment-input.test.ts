import type {
  MetricDefinition,
  VariantDefinition,
} from '../../../src/experiments/experiment-definition';
import { checkTransition } from '../../../src/experiments/experiment-definition';
import { checkMetrics, checkVariants } from '../../../src/experiments/experiment-input';

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
      'a negative cost',
      [variant('a', { isControl: true }), variant('b', { costPerCustomer: -1 })],
      'v[1].costPerCustomer',
    ],
    [
      'an infinite weight',
      [variant('a', { isControl: true }), variant('b', { weight: Infinity })],
      'v[1].weight',
    ],
    ['an upper-case key', [variant('A', { isControl: true }), variant('b')], 'v[0].key'],
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
  ])('refuses metrics with %s', (_title, metrics, field) => {
    failsOn(() => checkMetrics(metrics, 'm'), field);
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
