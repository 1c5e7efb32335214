import { sqlInstant } from '../../../src/db/dialect';
import { describeEachDialect } from '../support/dialects';
import { createCustomers } from '../support/factories';

// Constructed data in the reporting time zone America/New_York (EST, UTC−5, until 02:00 on
// Sunday 8 March 2026, then EDT, UTC−4); every expected figure is worked out by hand below from
// the README's definitions, never from the code.
//
// Months: February = [02-01T05:00Z, 03-01T05:00Z), March = [03-01T05:00Z, 04-01T04:00Z).
// Days: 8 March = [03-08T05:00Z, 03-09T04:00Z) (23 hours), 9 March = [03-09T04:00Z, …).
//
// Customers: c1 US (VIP), c2 US, c3 FR (VIP), c4 US (deleted), c5 US (erased).
// Orders (PAID unless said):
//   c1 100 at 02-28 23:30 EST (February), 30 REFUNDED in Feb, 50 at 03-01 00:30 EST (March)
//   c2 20 and 40 in February;  c3 70 at 03-08 23:30 EDT (March, 8 March);  c4 1000, c5 500 Feb
//   February: revenue 160, orders 3, AOV 160/3, repeat 1 (c2) of 2 buyers
//   March:    revenue 120, orders 2, AOV 60,    repeat 0 of 2 buyers
// Interactions:
//   January: c1, c2, c3, c4 active.
//   February: c1 (NPS 9 at 02-28 23:30 EST, 8, 0; CSAT 4, 3, 0), c3 (NPS 10, 6, 9, 7; CSAT 5, 1),
//     c5 NPS 10, c4 NPS 0, c1 a `feedback` with survey nps 0 (not the type), all others type
//     survey_response. NPS: promoters 9, 10, 9 (3), detractors 0, 6 (2), of 7 → 100/7.
//     CSAT (1–5): 4–5 are 4, 5 (2) of 4, 3, 5, 1 (4) → 0.5 (the 0 is no answer on the scale).
//   March: c1 page view at 03-01 00:30 EST and two support tickets; c2 page view at 03-08
//     23:30 EDT and a support ticket at 03-09 00:30 EDT.
//   Active: Jan {c1, c2, c3}, Feb {c1, c3}, Mar {c1, c2} (c4, c5 never count).
//   Retention Feb: {c1, c3} of Jan's {c1, c2, c3} = 2/3; March: {c1} of {c1, c3} = 1/2.
//   Tickets per customer, March: 3 tickets / 2 active.
// Scope FR (c3): NPS Feb (10, 6, 9, 7) = 100·(2 − 1)/4 = 25, revenue Feb 0, March 70.
// Scope VIP (c1, c3): retention Feb 2/2, March 1/2; tickets March 2 / 1.

const FEB = '2026-02-01T05:00:00.000Z';
const MAR = '2026-03-01T05:00:00.000Z';
const APR = '2026-04-01T04:00:00.000Z';
const FEB_LAST_HOUR = '2026-03-01T04:30:00Z'; // 28 February, 23:30 EST
const MAR_FIRST_HOUR = '2026-03-01T05:30:00Z'; // 1 March, 00:30 EST
const DST_DAY_LATE = '2026-03-09T03:30:00Z'; // 8 March, 23:30 EDT
const DAY_AFTER_EARLY = '2026-03-09T04:30:00Z'; // 9 March, 00:30 EDT

const SERIES = `query($id: ID!, $from: DateTimeISO!, $to: DateTimeISO!) {
  kpi(id: $id) { series(from: $from, to: $to) { periodStart periodEnd value numerator denominator } }
}`;

type Row = [string, number | null, number, number | null];

describeEachDialect(
  'KPI formulas on hand-computed data in America/New_York',
  (pulse) => {
    const ids = new Map<string, string>();
    let vip = 0;

    beforeAll(async () => {
      const [c1, c2, c3, c4, c5] = (
        await createCustomers(pulse(), 5, (i) => ({
          country: ['US', 'US', 'FR', 'US', 'US'][i],
          signedUpAt: '2025-06-01T12:00:00Z',
        }))
      ).map((c) => c.id);
      let n = 0;
      const order = (customerId: string, amount: number, at: string, status = 'PAID') => ({
        customerId,
        clientOrderId: `formula-order-${(n += 1)}`,
        orderedAt: at,
        amount,
        currency: 'USD',
        status,
      });
      const orders = await pulse().query(
        `mutation($input: IngestOrdersInput!) { ingestOrders(input: $input) { accepted } }`,
        {
          input: {
            orders: [
              order(c1, 100, FEB_LAST_HOUR),
              order(c1, 30, '2026-02-10T15:00:00Z', 'REFUNDED'),
              order(c1, 50, MAR_FIRST_HOUR),
              order(c2, 20, '2026-02-10T15:00:00Z'),
              order(c2, 40, '2026-02-11T15:00:00Z'),
              order(c3, 70, DST_DAY_LATE),
              order(c4, 1000, '2026-02-10T15:00:00Z'),
              order(c5, 500, '2026-02-10T15:00:00Z'),
            ],
          },
        },
      );
      expect(orders.errors).toBeUndefined();
      const event = (
        customerId: string,
        at: string,
        type: string,
        survey?: string,
        score?: number,
      ) => ({
        customerId,
        channel: 'WEB',
        type,
        occurredAt: at,
        clientEventId: `formula-event-${(n += 1)}`,
        ...(survey ? { properties: { survey }, score } : {}),
      });
      const feb = (day: number) => `2026-02-${String(day).padStart(2, '0')}T15:00:00Z`;
      const answer = (customerId: string, day: number | string, survey: string, score: number) =>
        event(
          customerId,
          typeof day === 'string' ? day : feb(day),
          'survey_response',
          survey,
          score,
        );
      const interactions = await pulse().query(
        `mutation($input: IngestInteractionsInput!) { ingestInteractions(input: $input) { accepted } }`,
        {
          input: {
            interactions: [
              ...[c1, c2, c3, c4].map((id) => event(id, '2026-01-15T15:00:00Z', 'page_view')),
              answer(c1, FEB_LAST_HOUR, 'nps', 9),
              answer(c1, 11, 'nps', 8),
              answer(c1, 12, 'nps', 0),
              answer(c3, 10, 'nps', 10),
              answer(c3, 10, 'nps', 6),
              answer(c3, 11, 'nps', 9),
              answer(c3, 12, 'nps', 7),
              answer(c5, 12, 'nps', 10),
              answer(c4, 12, 'nps', 0),
              event(c1, feb(13), 'feedback', 'nps', 0),
              answer(c1, 14, 'csat', 4),
              answer(c1, 14, 'csat', 3),
              answer(c1, 14, 'csat', 0),
              answer(c3, 13, 'csat', 5),
              answer(c3, 14, 'csat', 1),
              event(c1, feb(15), 'nps_unscored'),
              event(c3, feb(15), 'nps_unscored'),
              event(c1, MAR_FIRST_HOUR, 'page_view'),
              event(c1, '2026-03-10T15:00:00Z', 'support_ticket'),
              event(c1, '2026-03-10T16:00:00Z', 'support_ticket'),
              event(c2, DST_DAY_LATE, 'page_view'),
              event(c2, DAY_AFTER_EARLY, 'support_ticket'),
            ],
          },
        },
      );
      expect(interactions.errors).toBeUndefined();
      const deleted = await pulse().query(
        `mutation($id: ID!) { deleteCustomer(input: { id: $id }) { deletedId } }`,
        { id: c4 },
      );
      expect(deleted.errors).toBeUndefined();
      const erased = await pulse().query(
        `mutation($id: ID!) { eraseCustomer(input: { customerId: $id }) { interactionsKept } }`,
        { id: c5 },
      );
      expect(erased.errors).toBeUndefined();

      const db = pulse().app.db;
      const now = sqlInstant(db, new Date('2026-03-01T00:00:00Z'));
      await db.query(
        `INSERT INTO segments (name, description, kind, definition, created_at, updated_at, version, last_refreshed_at, size)
         VALUES ('Formula VIP', NULL, 'STATIC', NULL, ?, ?, 1, ?, 2)`,
        [now, now, now],
      );
      const [segment] = await db.query("SELECT id FROM segments WHERE name = 'Formula VIP'");
      vip = Number(segment.id);
      await db.query(
        `INSERT INTO segment_memberships (segment_id, customer_id, entered_at)
         SELECT ?, id, ? FROM customers WHERE country = 'FR' OR id = (SELECT MIN(id) FROM customers WHERE country = 'US')`,
        [vip, now],
      );

      const kpis = pulse().app.services.kpis;
      const create = async (key: string, metric: string, extra: Record<string, unknown> = {}) => {
        const kpi = await kpis.create({
          key,
          name: key,
          metric: metric as never,
          granularity: 'MONTH',
          targetDirection: 'HIGHER_IS_BETTER',
          tolerance: 0.05,
          ...extra,
        });
        ids.set(key, String(kpi.id));
      };
      for (const metric of [
        'REVENUE',
        'ORDERS',
        'AVERAGE_ORDER_VALUE',
        'ACTIVE_CUSTOMERS',
        'REPEAT_PURCHASE_RATE',
        'RETENTION_RATE',
        'CHURN_RATE',
        'CSAT',
        'NPS',
        'SUPPORT_TICKETS_PER_CUSTOMER',
      ]) {
        await create(metric.toLowerCase(), metric);
      }
      await create('nps_fr', 'NPS', { scope: { country: 'fr' } });
      await create('revenue_fr', 'REVENUE', { scope: { country: 'FR' } });
      await create('retention_vip', 'RETENTION_RATE', { scope: { segmentId: vip } });
      await create('tickets_vip', 'SUPPORT_TICKETS_PER_CUSTOMER', { scope: { segmentId: vip } });
      await create('daily_active', 'ACTIVE_CUSTOMERS', { granularity: 'DAY' });
      await create('daily_orders', 'ORDERS', { granularity: 'DAY' });
      // February: c1's NPS scores 9, 8, 0, c3's 10, 6, 9, 7 and two answers with no score.
      await create('average_nps_score', 'CUSTOM', {
        metricConfig: {
          numerator: {
            source: 'INTERACTIONS',
            fn: 'AVG',
            field: 'score',
            filter: { types: ['survey_response', 'nps_unscored'] },
          },
        },
      });
      await pulse().app.services.kpiEvaluation.evaluate(new Date('2026-03-20T12:00:00Z'), {
        cold: true,
      });
    });

    async function series(key: string, from: string, to: string): Promise<Row[]> {
      const { data, errors } = await pulse().query<any>(SERIES, {
        id: Buffer.from(`Kpi:${ids.get(key)}`).toString('base64'),
        from,
        to,
      });
      expect(errors).toBeUndefined();

      return data.kpi.series.map((v: any) => [v.periodStart, v.value, v.numerator, v.denominator]);
    }

    const month = (key: string) => series(key, FEB, APR);

    it.each<[string, Row, Row]>([
      ['revenue', [FEB, 160, 160, null], [MAR, 120, 120, null]],
      ['orders', [FEB, 3, 3, null], [MAR, 2, 2, null]],
      ['average_order_value', [FEB, 160 / 3, 160, 3], [MAR, 60, 120, 2]],
      ['active_customers', [FEB, 2, 2, null], [MAR, 2, 2, null]],
      ['repeat_purchase_rate', [FEB, 0.5, 1, 2], [MAR, 0, 0, 2]],
      ['retention_rate', [FEB, 2 / 3, 2, 3], [MAR, 0.5, 1, 2]],
      ['churn_rate', [FEB, 1 / 3, 2, 3], [MAR, 0.5, 1, 2]],
      ['csat', [FEB, 0.5, 2, 4], [MAR, null, 0, 0]],
      ['nps', [FEB, 100 / 7, 1, 7], [MAR, null, 0, 0]],
      ['support_tickets_per_customer', [FEB, 0, 0, 2], [MAR, 1.5, 3, 2]],
      ['nps_fr', [FEB, 25, 1, 4], [MAR, null, 0, 0]],
      ['revenue_fr', [FEB, 0, 0, null], [MAR, 70, 70, null]],
      ['retention_vip', [FEB, 1, 2, 2], [MAR, 0.5, 1, 2]],
      ['tickets_vip', [FEB, 0, 0, 2], [MAR, 2, 2, 1]],
    ])('%s per New York month', async (key, february, march) => {
      const rows = await month(key);
      expect(rows.map((r) => [r[0], r[2], r[3]])).toEqual([
        [february[0], february[2], february[3]],
        [march[0], march[2], march[3]],
      ]);
      [february, march].forEach((expected, i) => {
        if (expected[1] === null) {
          expect(rows[i][1]).toBeNull();
        } else {
          expect(rows[i][1]).toBeCloseTo(expected[1], 9);
        }
      });
    });

    it('averages a field over the rows that have it, as AVG does', async () => {
      // February's scored survey_response rows (live customers): NPS 9, 8, 0, 10, 6, 9, 7 and
      // CSAT 4, 3, 0, 5, 1 — 62 over 12; the two nps_unscored rows have no score.
      const [february] = await month('average_nps_score');
      expect(february.slice(2)).toEqual([62, 12]);
      expect(february[1]).toBeCloseTo(62 / 12, 9);
    });

    it('puts 23:30 local on the day of a DST change into that day', async () => {
      const from = '2026-03-08T05:00:00.000Z';
      expect(await series('daily_active', from, '2026-03-10T00:00:00Z')).toEqual([
        [from, 1, 1, null],
        ['2026-03-09T04:00:00.000Z', 1, 1, null],
      ]);
      expect(await series('daily_orders', from, '2026-03-10T00:00:00Z')).toEqual([
        [from, 1, 1, null],
        ['2026-03-09T04:00:00.000Z', 0, 0, null],
      ]);
    });

    it('explains the retention change by country with contributions that add up exactly', async () => {
      // Feb: US {c1, c2} → {c1} 1/2, FR {c3} → {c3} 1/1 (2/3); Mar: US {c1} → {c1} 1/1,
      // FR {c3} → {} 0/1 (1/2). Change −1/6.
      const explanation = await pulse().app.services.kpiBreakdowns.explainChange(
        Number(ids.get('retention_rate')),
        new Date('2026-03-15T12:00:00Z'),
        'PREVIOUS_PERIOD',
        'COUNTRY',
      );
      expect(explanation.baseSpan.start.toISOString()).toBe(FEB);
      expect(explanation.totalChange).toBeCloseTo(-1 / 6, 12);
      const byKey = Object.fromEntries(explanation.items.map((item) => [item.key, item]));
      expect([byKey.US.base, byKey.US.current, byKey.FR.base, byKey.FR.current]).toEqual([
        { numerator: 1, denominator: 2 },
        { numerator: 1, denominator: 1 },
        { numerator: 1, denominator: 1 },
        { numerator: 0, denominator: 1 },
      ]);
      const sum = explanation.items.reduce((acc, item) => acc + (item.contribution as number), 0);
      expect(sum).toBeCloseTo(-1 / 6, 12);
      // Kitagawa by hand: w US 2/3 → 1/2, FR 1/3 → 1/2; r US 1/2 → 1, FR 1 → 0; V̄ = 7/12.
      expect(byKey.US.rateEffect).toBeCloseTo((7 / 12) * 0.5, 12);
      expect(byKey.US.mixEffect).toBeCloseTo((3 / 4 - 7 / 12) * (1 / 2 - 2 / 3), 12);
      expect(byKey.FR.rateEffect).toBeCloseTo((5 / 12) * -1, 12);
      expect(byKey.FR.mixEffect).toBeCloseTo((1 / 2 - 7 / 12) * (1 / 2 - 1 / 3), 12);
    });
  },
  { reportingTimeZone: 'America/New_York' },
);
