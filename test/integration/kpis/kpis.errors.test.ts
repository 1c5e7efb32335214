import { Role } from '../../../src/auth/principal';
import { describeEachDialect } from '../support/dialects';
import { expectError } from '../support/expect-error';

const CREATE = `mutation Create($input: CreateKpiInput!) { createKpi(input: $input) { kpi { id version } } }`;
const UPDATE = `mutation Update($input: UpdateKpiInput!) { updateKpi(input: $input) { kpi { version } } }`;
const DELETE = `mutation Delete($input: DeleteKpiInput!) { deleteKpi(input: $input) { deletedId } }`;
const SERIES = `query Series($id: ID!, $from: DateTimeISO!, $to: DateTimeISO!) {
  kpi(id: $id) { series(from: $from, to: $to) { value } }
}`;

const ratio = { source: 'INTERACTIONS', fn: 'COUNT' };

describeEachDialect('KPI errors', (pulse) => {
  let kpi: { id: string; version: number };

  beforeAll(async () => {
    const response = await pulse().query<{ createKpi: { kpi: typeof kpi } }>(CREATE, {
      input: { key: 'errors_revenue', metric: 'REVENUE' },
    });
    kpi = response.data!.createKpi.kpi;
  });

  it.each([
    ['a key with capitals', { key: 'Revenue' }, 'input.key'],
    ['a negative tolerance', { tolerance: -0.1 }, 'input.tolerance'],
    ['CUSTOM without metricConfig', { metric: 'CUSTOM' }, 'input.metricConfig'],
    [
      'an unknown option of a built-in metric',
      { metric: 'CSAT', metricConfig: { scale: 5 } },
      'input.metricConfig.scale',
    ],
    [
      'an unknown source',
      { metric: 'CUSTOM', metricConfig: { numerator: { source: 'CARTS', fn: 'COUNT' } } },
      'input.metricConfig.numerator.source',
    ],
    [
      'SUM without a field',
      { metric: 'CUSTOM', metricConfig: { numerator: { source: 'ORDERS', fn: 'SUM' } } },
      'input.metricConfig.numerator.field',
    ],
    [
      'a field of another source',
      {
        metric: 'CUSTOM',
        metricConfig: { numerator: { source: 'ORDERS', fn: 'AVG', field: 'score' } },
      },
      'input.metricConfig.numerator.field',
    ],
    [
      'AVG as the numerator of a RATIO (it would be summed)',
      {
        metric: 'CUSTOM',
        metricConfig: {
          numerator: { source: 'INTERACTIONS', fn: 'AVG', field: 'score' },
          denominator: { source: 'ORDERS', fn: 'COUNT' },
        },
      },
      'input.metricConfig.numerator.fn',
    ],
    [
      'AVG as the denominator of a RATIO',
      {
        metric: 'CUSTOM',
        metricConfig: {
          numerator: { source: 'ORDERS', fn: 'COUNT' },
          denominator: { source: 'ORDERS', fn: 'AVG', field: 'amount' },
        },
      },
      'input.metricConfig.denominator.fn',
    ],
    [
      'a channel filter on orders',
      {
        metric: 'CUSTOM',
        metricConfig: { numerator: { source: 'ORDERS', fn: 'COUNT', filter: { channel: 'WEB' } } },
      },
      'input.metricConfig.numerator.filter.channel',
    ],
    [
      'an empty channel filter',
      { metric: 'CUSTOM', metricConfig: { numerator: { ...ratio, filter: { channel: '' } } } },
      'input.metricConfig.numerator.filter.channel',
    ],
    [
      'an empty types list',
      {
        metric: 'CUSTOM',
        metricConfig: { numerator: ratio, denominator: { ...ratio, filter: { types: [] } } },
      },
      'input.metricConfig.denominator.filter.types',
    ],
    [
      'a property path that is not $.name',
      {
        metric: 'CUSTOM',
        metricConfig: {
          numerator: { ...ratio, filter: { property: { path: 'survey', equals: 'x' } } },
        },
      },
      'input.metricConfig.numerator.filter.property.path',
    ],
    [
      'a channel scope on an order metric',
      { metric: 'REVENUE', scope: { channel: 'WEB' } },
      'input.scope.channel',
    ],
    [
      'a scope segment that does not exist',
      { metric: 'ACTIVE_CUSTOMERS', scope: { segmentId: 'U2VnbWVudDo5OTk5OQ' } },
      'input.scope.segmentId',
    ],
    [
      'a target whose periodStart does not start a period of the granularity',
      {
        granularity: 'MONTH',
        targets: [
          { periodStart: '2026-02-01T00:00:00Z', value: 1 },
          { periodStart: '2026-03-15T00:00:00Z', value: 2 },
        ],
      },
      'input.targets[1].periodStart',
    ],
    [
      'two targets for the same period',
      {
        granularity: 'WEEK',
        targets: [
          { periodStart: '2026-03-02T00:00:00Z', value: 1 },
          { periodStart: '2026-03-02T00:00:00.000Z', value: 2 },
        ],
      },
      'input.targets[1].periodStart',
    ],
    ['a null metric', { metric: null }, 'input.metric'],
    ['a null granularity', { granularity: null }, 'input.granularity'],
    ['a null target direction', { targetDirection: null }, 'input.targetDirection'],
    ['a null tolerance', { tolerance: null }, 'input.tolerance'],
    ['a null name', { name: null }, 'input.name'],
  ])('rejects %s with BAD_USER_INPUT naming the field', async (_title, patch, field) => {
    const response = await pulse().query(CREATE, { input: { key: 'errors_new', ...patch } });
    expectError(response, 'BAD_USER_INPUT', field);
    expect(response.data).toBeNull();
  });

  it('rejects a key already used with CONFLICT, as a retried create meets it', async () => {
    const response = await pulse().query(CREATE, {
      input: { key: 'errors_revenue', metric: 'REVENUE' },
    });
    expectError(response, 'CONFLICT', 'input.key');
    expect(response.data).toBeNull();
  });

  it('rejects an update at a stale version with CONFLICT', async () => {
    const response = await pulse().query(UPDATE, {
      input: { id: kpi.id, version: kpi.version + 1, name: 'x' },
    });
    expectError(response, 'CONFLICT', 'input.version');
  });

  it('rejects deleting an unknown KPI with NOT_FOUND', async () => {
    const response = await pulse().query(DELETE, { input: { id: 'S3BpOjk5OTk5', version: 1 } });
    expectError(response, 'NOT_FOUND', 'input.id');
  });

  it('resolves a KPI by its global id through node(id) and nodes(ids), as every Node', async () => {
    const NODE = `query($id: ID!) {
      node(id: $id) { id ... on Kpi { key } }
      nodes(ids: [$id]) { id }
    }`;
    for (const role of [Role.ADMIN, Role.PARTNER]) {
      const response = await pulse().query(NODE, { id: kpi.id }, { role });
      expect(response.errors).toBeUndefined();
      expect(response.data).toEqual({
        node: { id: kpi.id, key: 'errors_revenue' },
        nodes: [{ id: kpi.id }],
      });
    }
  });

  it('rejects a series whose to is not after from with BAD_USER_INPUT on to', async () => {
    const response = await pulse().query(SERIES, {
      id: kpi.id,
      from: '2026-02-01T00:00:00Z',
      to: '2026-01-01T00:00:00Z',
    });
    expectError(response, 'BAD_USER_INPUT', 'to');
  });

  it('rejects createKpi from PARTNER with FORBIDDEN and KPI reads from ALERTS with FORBIDDEN', async () => {
    expectError(
      await pulse().query(CREATE, { input: { key: 'errors_partner' } }, { role: Role.PARTNER }),
      'FORBIDDEN',
    );
    expectError(
      await pulse().query('{ kpiBoard { kpi { key } } }', {}, { role: Role.ALERTS }),
      'FORBIDDEN',
    );
  });
});
