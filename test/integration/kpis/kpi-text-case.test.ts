import { insertSkippingDuplicates, sqlInstant } from '../../../src/db/dialect';
import { describeEachDialect } from '../support/dialects';
import { createKpi } from './kpi-data';
import { insertOrderRows } from '../support/factories';

const CURRENT = `query Current($id: ID!) { kpi(id: $id) { current { value numerator denominator } } }`;

const now = new Date('2026-03-18T13:30:00Z');

// Countries are stored as upper-case alpha-2 codes, interaction types in lower_snake_case and
// order statuses in upper case; MySQL's collation compares them with a KPI's texts ignoring case,
// so SQLite must read a KPI defined with other letter cases the same way.
describeEachDialect('KPI texts in another letter case', (pulse) => {
  const current = async (input: Record<string, unknown>) => {
    const id = await createKpi(pulse(), { granularity: 'MONTH', ...input });
    await pulse().app.services.kpiEvaluation.evaluate(now);
    const response = await pulse().query<{ kpi: { current: unknown } }>(CURRENT, { id });

    return response.data!.kpi.current;
  };

  beforeAll(async () => {
    const { db } = pulse().app;
    const at = (iso: string) => sqlInstant(db, new Date(iso));
    await insertSkippingDuplicates(
      db.manager,
      'customers',
      ['external_id', 'country', 'signed_up_at', 'created_at', 'updated_at', 'version'],
      [
        [
          'case-1',
          'GB',
          at('2025-01-01T00:00:00Z'),
          at('2025-01-01T00:00:00Z'),
          at(now.toISOString()),
          1,
        ],
        [
          'case-2',
          'FR',
          at('2025-01-01T00:00:00Z'),
          at('2025-01-01T00:00:00Z'),
          at(now.toISOString()),
          1,
        ],
      ],
    );
    const rows: Array<{ id: unknown; external_id: string }> = await db.query(
      "SELECT id, external_id FROM customers WHERE external_id IN ('case-1', 'case-2') ORDER BY external_id",
    );
    const [gb, fr] = rows.map((row) => Number(row.id));
    await insertOrderRows(
      db.manager,
      [
        [gb, 100, 'PAID'],
        [fr, 40, 'PAID'],
        [gb, 7, 'REFUNDED'],
      ].map(([customerId, amount, status], i) => ({
        customerId,
        clientOrderId: `case-order-${i}`,
        orderedAt: at('2026-03-05T10:00:00Z'),
        amount: amount as number,
        status: status as string,
        writtenAt: at(now.toISOString()),
      })),
    );
    await insertSkippingDuplicates(
      db.manager,
      'interactions',
      ['customer_id', 'channel', 'type', 'occurred_at', 'client_event_id', 'created_at'],
      [
        [gb, 'WEB', 'product_view', at('2026-03-04T10:00:00Z'), 'case-e1', at(now.toISOString())],
        [gb, 'WEB', 'purchase', at('2026-03-05T10:00:00Z'), 'case-e2', at(now.toISOString())],
        [fr, 'WEB', 'product_view', at('2026-03-04T10:00:00Z'), 'case-e3', at(now.toISOString())],
      ],
    );
  });

  it('scopes a KPI to a country given in lower case like the upper-case code', async () => {
    expect(
      await current({ key: 'case_revenue_gb', metric: 'REVENUE', scope: { country: 'gb' } }),
    ).toEqual({
      value: 100,
      numerator: 100,
      denominator: null,
    });
  });

  it('counts interaction types of a built-in metric given in another case', async () => {
    expect(
      await current({
        key: 'case_conversion',
        metric: 'CONVERSION_RATE',
        metricConfig: { fromType: 'Product_View', toType: 'PURCHASE' },
      }),
    ).toEqual({ value: 0.5, numerator: 1, denominator: 2 });
  });

  it('filters a custom metric by types and order statuses given in another case', async () => {
    expect(
      await current({
        key: 'case_custom_paid',
        metric: 'CUSTOM',
        metricConfig: {
          numerator: {
            source: 'ORDERS',
            fn: 'SUM',
            field: 'amount',
            filter: { statuses: ['paid'] },
          },
          denominator: { source: 'INTERACTIONS', fn: 'COUNT', filter: { types: ['Product_View'] } },
        },
      }),
    ).toEqual({ value: 70, numerator: 140, denominator: 2 });
  });
});
