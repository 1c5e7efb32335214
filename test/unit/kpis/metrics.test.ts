import { type PulseError } from '../../../src/errors';
import { planOf, validateMetric, valueOf } from '../../../src/kpis/metrics';

describe('valueOf', () => {
  it.each([
    ['REVENUE', 1234.5, null, 1234.5],
    ['CONVERSION_RATE', 1, 4, 0.25],
    ['CHURN_RATE', 3, 4, 0.25],
    ['NPS', -1, 4, -25],
    ['CSAT', 0, 0, null],
    ['SUPPORT_TICKETS_PER_CUSTOMER', 6, 4, 1.5],
  ] as const)('gives %s of %d / %s as %s', (metric, numerator, denominator, expected) => {
    expect(valueOf(metric, numerator, denominator)).toBe(expected);
  });
});

describe('planOf', () => {
  it('counts only PAID orders for revenue and uses the configured steps for conversion', () => {
    expect(planOf('REVENUE', null)).toEqual({
      kind: 'TERMS',
      numerator: [
        {
          sign: 1,
          aggregate: {
            source: 'ORDERS',
            fn: 'SUM',
            field: 'amount',
            filter: { statuses: ['PAID'] },
          },
        },
      ],
      denominator: null,
    });
    expect(
      planOf('CONVERSION_RATE', { fromType: 'add_to_cart', toType: 'purchase' }),
    ).toMatchObject({
      kind: 'PER_CUSTOMER',
      base: { types: ['add_to_cart'] },
      hit: { types: ['purchase'] },
      minHits: 1,
    });
  });

  it('turns a custom AVG into SUM over COUNT of the same rows that have the field', () => {
    const filter = { statuses: ['PAID'] };
    expect(
      planOf('CUSTOM', { numerator: { source: 'ORDERS', fn: 'AVG', field: 'amount', filter } }),
    ).toEqual({
      kind: 'TERMS',
      numerator: [{ sign: 1, aggregate: { source: 'ORDERS', fn: 'SUM', field: 'amount', filter } }],
      denominator: [
        { sign: 1, aggregate: { source: 'ORDERS', fn: 'COUNT', field: 'amount', filter } },
      ],
    });
  });
});

describe('validateMetric', () => {
  const fieldOf = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      return [(error as PulseError).code, (error as PulseError).field];
    }

    return null;
  };

  it.each([
    ['CUSTOM', undefined, {}, 'input.metricConfig'],
    [
      'CUSTOM',
      { numerator: { source: 'ORDERS', fn: 'MEDIAN' } },
      {},
      'input.metricConfig.numerator.fn',
    ],
    [
      'CUSTOM',
      { numerator: { source: 'INTERACTIONS', fn: 'COUNT', field: 'value' } },
      {},
      'input.metricConfig.numerator.field',
    ],
    [
      'CUSTOM',
      { numerator: { source: 'ORDERS', fn: 'COUNT', filter: { types: ['x'] } } },
      {},
      'input.metricConfig.numerator.filter.types',
    ],
    [
      'CUSTOM',
      { numerator: { source: 'INTERACTIONS', fn: 'COUNT', filter: { scoreMin: 1.5 } } },
      {},
      'input.metricConfig.numerator.filter.scoreMin',
    ],
    [
      'CUSTOM',
      { numerator: { source: 'INTERACTIONS', fn: 'COUNT' }, extra: 1 },
      {},
      'input.metricConfig.extra',
    ],
    ['CONVERSION_RATE', { fromType: '' }, {}, 'input.metricConfig.fromType'],
    ['ORDERS', null, { channel: 'WEB' }, 'input.scope.channel'],
    ['RETENTION_RATE', [], {}, 'input.metricConfig'],
    ['DATA_QUALITY', null, {}, 'input.metricConfig'],
    ['DATA_QUALITY', { field: 'mood', measure: 'VALID' }, {}, 'input.metricConfig.field'],
    ['DATA_QUALITY', { field: 'email', measure: 'GOOD' }, {}, 'input.metricConfig.measure'],
    ['DATA_QUALITY', { field: 'email', measure: 'VALID', x: 1 }, {}, 'input.metricConfig.x'],
    [
      'DATA_QUALITY',
      { field: 'email', measure: 'VALID' },
      { channel: 'WEB' },
      'input.scope.channel',
    ],
  ] as const)('rejects %s with %j (scope %j) naming %s', (metric, config, scope, field) => {
    expect(fieldOf(() => validateMetric(metric, config, scope))).toEqual(['BAD_USER_INPUT', field]);
  });

  it('accepts a channel scope on an interaction metric and keeps a valid custom ratio as given', () => {
    const ratio = {
      numerator: {
        source: 'INTERACTIONS',
        fn: 'DISTINCT_CUSTOMERS',
        filter: { channel: 'web', types: ['purchase'] },
      },
      denominator: { source: 'INTERACTIONS', fn: 'DISTINCT_CUSTOMERS' },
    };
    expect(validateMetric('ACTIVE_CUSTOMERS', null, { channel: 'WEB' })).toBeNull();
    expect(validateMetric('CUSTOM', ratio, {})).toEqual({
      numerator: {
        source: 'INTERACTIONS',
        fn: 'DISTINCT_CUSTOMERS',
        filter: { channel: 'WEB', types: ['purchase'] },
      },
      denominator: { source: 'INTERACTIONS', fn: 'DISTINCT_CUSTOMERS' },
    });
  });
});
