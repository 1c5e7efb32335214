import { Role } from '../../../src/auth/principal';
import { insertSkippingDuplicates, sqlInstant } from '../../../src/db/dialect';
import { fromGlobalId, toGlobalId } from '../../../src/graphql/global-id';
import { describeEachDialect } from '../support/dialects';
import { createKpi } from './kpi-data';
import type { TestPulse } from '../support/start-pulse';
import { collect, wsClient } from '../support/ws';
import { insertOrderRows } from '../support/factories';

const HISTORY = `query History($id: ID!, $at: DateTimeISO!) {
  kpi(id: $id) {
    series(from: "2026-01-01T00:00:00Z", to: "2026-04-01T00:00:00Z") { periodStart value target status }
    previous: compare(period: $at, against: PREVIOUS_PERIOD) { current { value } base { periodStart value } absoluteChange relativeChange }
    lastYear: compare(period: $at, against: SAME_PERIOD_LAST_YEAR) { base { periodStart value } absoluteChange relativeChange }
  }
}`;
const BOARD = `{ kpiBoard(sparklineSize: 3) { kpi { key } current { value status } previous { value } absoluteChange relativeChange status sparkline } }`;
const UPDATED = `subscription Updated($ids: [ID!]) { kpiUpdated(kpiIds: $ids) { kpiId value { periodStart value numerator } } }`;

const now = new Date('2026-03-18T13:30:00Z');

async function addOrders(
  pulse: TestPulse,
  customerId: number,
  orders: Array<[string, number, string]>,
) {
  const { db } = pulse.app;
  await insertOrderRows(
    db.manager,
    orders.map(([at, amount, status]) => ({
      customerId,
      clientOrderId: `board-${at}-${amount}`,
      orderedAt: sqlInstant(db, new Date(at)),
      amount,
      status,
      writtenAt: sqlInstant(db, now),
    })),
  );
}

describeEachDialect('KPI series, compare, board and kpiUpdated', (pulse) => {
  let revenueId: string;
  let customerId: number;

  beforeAll(async () => {
    const { db } = pulse().app;
    await insertSkippingDuplicates(
      db.manager,
      'customers',
      ['external_id', 'country', 'signed_up_at', 'created_at', 'updated_at', 'version'],
      [
        [
          'board-1',
          'GB',
          sqlInstant(db, new Date('2025-01-01T00:00:00Z')),
          sqlInstant(db, now),
          sqlInstant(db, now),
          1,
        ],
      ],
    );
    [{ id: customerId }] = await db.query("SELECT id FROM customers WHERE external_id = 'board-1'");
    customerId = Number(customerId);
    await addOrders(pulse(), customerId, [
      ['2025-03-10T10:00:00Z', 50, 'PAID'],
      ['2026-02-10T10:00:00Z', 80, 'PAID'],
      ['2026-03-05T10:00:00Z', 100, 'PAID'],
      ['2026-03-06T10:00:00Z', 20, 'REFUNDED'],
    ]);
    revenueId = await createKpi(pulse(), {
      key: 'revenue',
      metric: 'REVENUE',
      granularity: 'MONTH',
      targetValue: 150,
      tolerance: 0.2,
      targets: [
        { periodStart: '2026-02-01T00:00:00Z', value: 80 },
        { periodStart: '2026-03-01T00:00:00Z', value: 110 },
      ],
    });
    await pulse().app.services.kpiEvaluation.evaluate(now, { cold: true });
  });

  it('returns one value per month with its target and status, and compares against the previous month and last year', async () => {
    const response = await pulse().query(HISTORY, { id: revenueId, at: '2026-03-10T00:00:00Z' });
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({
      kpi: {
        series: [
          { periodStart: '2026-01-01T00:00:00.000Z', value: 0, target: 150, status: 'OFF_TRACK' },
          { periodStart: '2026-02-01T00:00:00.000Z', value: 80, target: 80, status: 'ON_TRACK' },
          { periodStart: '2026-03-01T00:00:00.000Z', value: 100, target: 110, status: 'AT_RISK' },
        ],
        previous: {
          current: { value: 100 },
          base: { periodStart: '2026-02-01T00:00:00.000Z', value: 80 },
          absoluteChange: 20,
          relativeChange: 0.25,
        },
        lastYear: {
          base: { periodStart: '2025-03-01T00:00:00.000Z', value: 50 },
          absoluteChange: 50,
          relativeChange: 1,
        },
      },
    });
  });

  it('answers kpiBoard with current value, change, status and sparkline in the same number of statements for 3 KPIs as for 20', async () => {
    const count = async () =>
      (await pulse().countStatements(() => pulse().query(BOARD))).statements;
    await createKpi(pulse(), { key: 'board_orders', metric: 'ORDERS' });
    await createKpi(pulse(), { key: 'board_aov', metric: 'AVERAGE_ORDER_VALUE' });
    const three = await count();
    for (let i = 0; i < 17; i += 1) {
      await createKpi(pulse(), { key: `board_extra_${i}`, metric: 'NEW_CUSTOMERS' });
    }
    await pulse().app.services.kpiEvaluation.evaluate(now);
    const twenty = await count();
    expect(twenty).toBe(three);
    const board = await pulse().query<{
      kpiBoard: Array<Record<string, unknown> & { kpi: { key: string } }>;
    }>(BOARD);
    expect(board.data!.kpiBoard).toHaveLength(20);
    expect(board.data!.kpiBoard.find((entry) => entry.kpi.key === 'revenue')).toEqual({
      kpi: { key: 'revenue' },
      current: { value: 100, status: 'AT_RISK' },
      previous: { value: 80 },
      absoluteChange: 20,
      relativeChange: 0.25,
      status: 'AT_RISK',
      sparkline: [0, 80, 100],
    });
  });

  it('publishes kpiUpdated over WebSocket for a value that changed, only to subscribers of that KPI', async () => {
    const client = wsClient(pulse(), pulse().keys[Role.PARTNER]);
    const mine = collect<{ data: { kpiUpdated: unknown } }>(
      client,
      UPDATED,
      { ids: [revenueId] },
      1,
    );
    const other = collect<{ data: unknown }>(
      client,
      UPDATED,
      { ids: [toGlobalId('Kpi', 99999)] },
      1,
      1500,
    );
    await Promise.all([mine.ready, other.ready]);
    await addOrders(pulse(), customerId, [['2026-03-12T10:00:00Z', 30, 'PAID']]);
    await pulse().app.services.kpiEvaluation.evaluate(now, {
      kpiIds: [fromGlobalId(revenueId, 'Kpi', 'id')],
    });
    const [received] = await mine.results;
    expect(received.data.kpiUpdated).toEqual({
      kpiId: revenueId,
      value: { periodStart: '2026-03-01T00:00:00.000Z', value: 130, numerator: 130 },
    });
    expect(await other.results).toEqual([]);
    await client.dispose();
  });
  it('compares 29 February with February of the year before, in compare and explainChange', async () => {
    await addOrders(pulse(), customerId, [
      ['2027-02-10T10:00:00Z', 11, 'PAID'],
      ['2027-03-10T10:00:00Z', 33, 'PAID'],
      ['2028-02-20T10:00:00Z', 22, 'PAID'],
    ]);
    const id = await createKpi(pulse(), {
      key: 'revenue_leap',
      metric: 'REVENUE',
      granularity: 'MONTH',
    });
    await pulse().app.services.kpiEvaluation.evaluate(new Date('2028-03-10T00:00:00Z'), {
      kpiIds: [fromGlobalId(id, 'Kpi', 'id')],
    });
    const response = await pulse().query(
      `query Leap($id: ID!) { kpi(id: $id) {
        compare(period: "2028-02-29T12:00:00Z", against: SAME_PERIOD_LAST_YEAR) {
          current { periodStart value } base { periodStart value } }
        explainChange(period: "2028-02-29T12:00:00Z", against: SAME_PERIOD_LAST_YEAR, by: COUNTRY) {
          fromValue toValue }
      } }`,
      { id },
    );
    expect(response.data).toEqual({
      kpi: {
        compare: {
          current: { periodStart: '2028-02-01T00:00:00.000Z', value: 22 },
          base: { periodStart: '2027-02-01T00:00:00.000Z', value: 11 },
        },
        explainChange: { fromValue: 11, toValue: 22 },
      },
    });
  });
});
