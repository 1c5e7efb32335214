import { sqlInstant } from '../../../src/db/dialect';
import { toGlobalId } from '../../../src/graphql/global-id';
import { describeEachDialect } from '../support/dialects';
import { expectError } from '../support/expect-error';
import { createCustomers } from '../support/factories';

// Constructed data, answers worked by hand below (reporting time zone UTC, monthly KPIs).
// Revenue, PAID orders only (a REFUNDED one of 500 never counts):
//   customer   country  Feb 2025  Jan 2026  Feb 2026
//   r1         DE             50       100       200
//   r2         DE              -        50       100
//   r3         FR              -        80        40
//   r4         GB              -        20        20
//   r5         (none)          -        30        10
//   total                     50       280       370
// Segment VIP = r1, r3. Conversion (product_view → purchase, per customer and channel),
// every customer on one channel per month:
//   Jan: EMAIL 2/4, WEB 1/4 (3/8)   Feb: EMAIL 6/12, WEB 1/4 (7/16): rates kept, shares move
//   Mar: EMAIL 2/4, WEB 1/4 (3/8)   Apr: EMAIL 3/4, WEB 1/4 (4/8):   shares kept, a rate moves

const KPI = (fields: string, variables = '') =>
  `query($id: ID!${variables}) { kpi(id: $id) { ${fields} } }`;
const BREAKDOWN = KPI(
  `breakdown(period: $period, by: $by) {
    by periodStart periodEnd value numerator denominator
    items { dimension { value label segment { id name } } value numerator denominator share }
  }`,
  ', $period: DateTimeISO!, $by: KpiDimension!',
);
const EXPLAIN = KPI(
  `explainChange(period: $period, against: $against, by: $by) {
    by periodStart basePeriodStart basePeriodEnd fromValue toValue totalChange summary
    items { dimension { value label } rank fromValue toValue fromShare toShare contribution rateEffect mixEffect }
  }`,
  ', $period: DateTimeISO!, $by: KpiDimension!, $against: KpiComparisonBase!',
);
const FEB_2026 = '2026-02-15T12:00:00Z';
const APR_2026 = '2026-04-15T12:00:00Z';
const PREVIOUS = 'PREVIOUS_PERIOD';

describeEachDialect('KPI breakdown and explainChange', (pulse) => {
  let revenueId: string;
  let conversionId: string;
  let vipId: string;

  beforeAll(async () => {
    const countries = ['DE', 'DE', 'FR', 'GB', null];
    const buyers = await createCustomers(pulse(), 5, (i) => ({ country: countries[i] }));
    const [r1, r2, r3, r4, r5] = buyers.map((customer) => customer.id);
    let orderNumber = 0;
    const order = (customerId: string, amount: number, at: string, status = 'PAID') => {
      orderNumber += 1;

      return {
        customerId,
        clientOrderId: `drivers-order-${orderNumber}`,
        orderedAt: at,
        amount,
        currency: 'EUR',
        status,
      };
    };
    const jan = '2026-01-10T12:00:00Z';
    const feb = '2026-02-10T12:00:00Z';
    const orders = await pulse().query(
      `mutation($input: IngestOrdersInput!) { ingestOrders(input: $input) { accepted } }`,
      {
        input: {
          orders: [
            order(r1, 50, '2025-02-10T12:00:00Z'),
            order(r1, 100, jan),
            order(r1, 500, jan, 'REFUNDED'),
            order(r2, 50, jan),
            order(r3, 80, jan),
            order(r4, 20, jan),
            order(r5, 30, jan),
            order(r1, 200, feb),
            order(r2, 100, feb),
            order(r3, 40, feb),
            order(r4, 20, feb),
            order(r5, 10, feb),
          ],
        },
      },
    );
    expect(orders.errors).toBeUndefined();

    const visitors = (await createCustomers(pulse(), 16)).map((customer) => customer.id);
    let event = 0;
    const interaction = (customerId: string, channel: string, type: string, at: string) => {
      event += 1;

      return { customerId, channel, type, occurredAt: at, clientEventId: `drivers-evt-${event}` };
    };
    // Customers first..first+viewers−1 view on `channel`, the first `buyers` of them purchase.
    const month = (at: string, channel: string, first: number, viewers: number, bought: number) =>
      visitors
        .slice(first, first + viewers)
        .flatMap((id, i) => [
          interaction(id, channel, 'product_view', at),
          ...(i < bought ? [interaction(id, channel, 'purchase', at)] : []),
        ]);
    const interactions = await pulse().query(
      `mutation($input: IngestInteractionsInput!) { ingestInteractions(input: $input) { accepted } }`,
      {
        input: {
          interactions: [
            ...month('2026-01-12T10:00:00Z', 'EMAIL', 0, 4, 2),
            ...month('2026-01-12T10:00:00Z', 'WEB', 4, 4, 1),
            ...month('2026-02-12T10:00:00Z', 'EMAIL', 0, 12, 6),
            ...month('2026-02-12T10:00:00Z', 'WEB', 12, 4, 1),
            ...month('2026-03-12T10:00:00Z', 'EMAIL', 0, 4, 2),
            ...month('2026-03-12T10:00:00Z', 'WEB', 4, 4, 1),
            ...month('2026-04-12T10:00:00Z', 'EMAIL', 0, 4, 3),
            ...month('2026-04-12T10:00:00Z', 'WEB', 4, 4, 1),
          ],
        },
      },
    );
    expect(interactions.errors).toBeUndefined();

    const db = pulse().app.db;
    const now = sqlInstant(db, new Date('2026-03-01T00:00:00Z'));
    await db.query(
      `INSERT INTO segments (name, description, kind, definition, created_at, updated_at, version, last_refreshed_at, size)
       VALUES ('VIP', NULL, 'STATIC', NULL, ?, ?, 1, ?, 2)`,
      [now, now, now],
    );
    const [segment] = await db.query("SELECT id FROM segments WHERE name = 'VIP'");
    vipId = toGlobalId('Segment', Number(segment.id));
    for (const customer of [buyers[0], buyers[2]]) {
      await db.query(
        `INSERT INTO segment_memberships (segment_id, customer_id, entered_at)
         SELECT ?, id, ? FROM customers WHERE external_id = ?`,
        [segment.id, now, customer.externalId],
      );
    }

    const kpis = pulse().app.services.kpis;
    const common = {
      granularity: 'MONTH' as const,
      targetDirection: 'HIGHER_IS_BETTER' as const,
      tolerance: 0.05,
    };
    const revenue = await kpis.create({
      key: 'revenue',
      name: 'Revenue',
      metric: 'REVENUE',
      ...common,
    });
    const conversion = await kpis.create({
      key: 'conversion',
      name: 'Conversion rate',
      metric: 'CONVERSION_RATE',
      ...common,
    });
    revenueId = toGlobalId('Kpi', revenue.id);
    conversionId = toGlobalId('Kpi', conversion.id);
  });

  it('breaks revenue down by country with shares of the total and "other" for customers without one', async () => {
    const { data, errors } = await pulse().query<any>(BREAKDOWN, {
      id: revenueId,
      period: FEB_2026,
      by: 'COUNTRY',
    });

    expect(errors).toBeUndefined();
    const item = (value: string | null, label: string, amount: number) => ({
      dimension: { value, label, segment: null },
      value: amount,
      numerator: amount,
      denominator: null,
      share: amount / 370,
    });
    expect(data.kpi.breakdown).toEqual({
      by: 'COUNTRY',
      periodStart: '2026-02-01T00:00:00.000Z',
      periodEnd: '2026-03-01T00:00:00.000Z',
      value: 370,
      numerator: 370,
      denominator: null,
      items: [
        item('DE', 'DE', 300),
        item('FR', 'FR', 40),
        item('GB', 'GB', 20),
        item(null, 'other', 10),
      ],
    });
  });

  it('breaks revenue down by segment, naming the segment and leaving non-members to "other"', async () => {
    const { data, errors } = await pulse().query<any>(BREAKDOWN, {
      id: revenueId,
      period: FEB_2026,
      by: 'SEGMENT',
    });

    expect(errors).toBeUndefined();
    expect(data.kpi.breakdown.items).toEqual([
      {
        dimension: { value: vipId, label: 'VIP', segment: { id: vipId, name: 'VIP' } },
        value: 240,
        numerator: 240,
        denominator: null,
        share: 240 / 370,
      },
      {
        dimension: { value: null, label: 'other', segment: null },
        value: 130,
        numerator: 130,
        denominator: null,
        share: 130 / 370,
      },
    ]);
  });

  it('explains a revenue change against the previous month as each country’s own change', async () => {
    const { data, errors } = await pulse().query<any>(EXPLAIN, {
      against: PREVIOUS,
      id: revenueId,
      period: FEB_2026,
      by: 'COUNTRY',
    });

    expect(errors).toBeUndefined();
    const explanation = data.kpi.explainChange;
    expect(explanation).toMatchObject({
      by: 'COUNTRY',
      periodStart: '2026-02-01T00:00:00.000Z',
      basePeriodStart: '2026-01-01T00:00:00.000Z',
      basePeriodEnd: '2026-02-01T00:00:00.000Z',
      fromValue: 280,
      toValue: 370,
      totalChange: 90,
      summary: 'Revenue rose 90: DE contributed +150 and FR −40.',
    });
    expect(
      explanation.items.map((item: any) => [
        item.dimension.label,
        item.rank,
        item.fromValue,
        item.toValue,
        item.contribution,
        item.rateEffect,
        item.mixEffect,
      ]),
    ).toEqual([
      ['DE', 1, 150, 300, 150, null, null],
      ['FR', 2, 80, 40, -40, null, null],
      ['other', 3, 30, 10, -20, null, null],
      ['GB', 4, 20, 20, 0, null, null],
    ]);
  });

  it('explains a change against the same month last year, with countries absent then', async () => {
    const { data, errors } = await pulse().query<any>(EXPLAIN, {
      id: revenueId,
      period: FEB_2026,
      by: 'COUNTRY',
      against: 'SAME_PERIOD_LAST_YEAR',
    });

    expect(errors).toBeUndefined();
    const explanation = data.kpi.explainChange;
    expect(explanation).toMatchObject({
      basePeriodStart: '2025-02-01T00:00:00.000Z',
      basePeriodEnd: '2025-03-01T00:00:00.000Z',
      fromValue: 50,
      toValue: 370,
      totalChange: 320,
    });
    expect(explanation.items.map((item: any) => [item.dimension.label, item.contribution])).toEqual(
      [
        ['DE', 250],
        ['FR', 40],
        ['GB', 20],
        ['other', 10],
      ],
    );
  });

  it('attributes a conversion change from a pure mix shift entirely to mix', async () => {
    const { data, errors } = await pulse().query<any>(EXPLAIN, {
      against: PREVIOUS,
      id: conversionId,
      period: FEB_2026,
      by: 'CHANNEL',
    });

    expect(errors).toBeUndefined();
    const explanation = data.kpi.explainChange;
    // Average rate (0.375 + 0.4375) / 2 = 0.40625. WEB: (0.25 − 0.40625)·(0.25 − 0.5);
    // EMAIL: (0.5 − 0.40625)·(0.75 − 0.5).
    expect(explanation).toMatchObject({ fromValue: 0.375, toValue: 0.4375, totalChange: 0.0625 });
    expect(explanation.items).toEqual([
      {
        dimension: { value: 'WEB', label: 'WEB' },
        rank: 1,
        fromValue: 0.25,
        toValue: 0.25,
        fromShare: 0.5,
        toShare: 0.25,
        contribution: 0.0390625,
        rateEffect: 0,
        mixEffect: 0.0390625,
      },
      {
        dimension: { value: 'EMAIL', label: 'EMAIL' },
        rank: 2,
        fromValue: 0.5,
        toValue: 0.5,
        fromShare: 0.5,
        toShare: 0.75,
        contribution: 0.0234375,
        rateEffect: 0,
        mixEffect: 0.0234375,
      },
    ]);
    expect(explanation.summary).toBe(
      'Conversion rate rose 6.25 points: WEB contributed +3.91 (rate 0, mix +3.91) and EMAIL +2.34 (rate 0, mix +2.34).',
    );
  });

  it('attributes a conversion change from a pure rate shift entirely to the channel whose rate moved', async () => {
    const { data, errors } = await pulse().query<any>(EXPLAIN, {
      against: PREVIOUS,
      id: conversionId,
      period: APR_2026,
      by: 'CHANNEL',
    });

    expect(errors).toBeUndefined();
    const explanation = data.kpi.explainChange;
    expect(explanation).toMatchObject({ fromValue: 0.375, toValue: 0.5, totalChange: 0.125 });
    expect(
      explanation.items.map((item: any) => [
        item.dimension.label,
        item.contribution,
        item.rateEffect,
        item.mixEffect,
      ]),
    ).toEqual([
      ['EMAIL', 0.125, 0.125, 0],
      ['WEB', 0, 0, 0],
    ]);
    expect(explanation.summary).toBe(
      'Conversion rate rose 12.5 points: EMAIL contributed +12.5 (rate +12.5, mix 0).',
    );
  });

  it.each([
    ['revenue by country', () => revenueId, 'COUNTRY', FEB_2026],
    ['revenue by segment', () => revenueId, 'SEGMENT', FEB_2026],
    ['conversion by channel', () => conversionId, 'CHANNEL', APR_2026],
  ])('sums contributions to the total change exactly (%s)', async (_title, id, by, period) => {
    const { data } = await pulse().query<any>(EXPLAIN, {
      id: id(),
      period,
      by,
      against: PREVIOUS,
    });
    const explanation = data.kpi.explainChange;
    const sum = explanation.items.reduce((acc: number, item: any) => acc + item.contribution, 0);

    expect(sum).toBeCloseTo(explanation.totalChange, 12);
  });

  it('costs the same statements whatever the dimension, its number of values and the base period', async () => {
    const count = async (query: string, variables: Record<string, unknown>) =>
      (await pulse().countStatements(() => pulse().query(query, variables))).statements;
    const kpiOnly = await count(KPI('id'), { id: revenueId });
    const costs = [
      await count(EXPLAIN, { id: revenueId, period: FEB_2026, by: 'COUNTRY', against: PREVIOUS }),
      await count(EXPLAIN, {
        id: revenueId,
        period: FEB_2026,
        by: 'COUNTRY',
        against: 'SAME_PERIOD_LAST_YEAR',
      }),
      await count(EXPLAIN, {
        id: conversionId,
        period: APR_2026,
        by: 'CHANNEL',
        against: PREVIOUS,
      }),
      await count(BREAKDOWN, { id: revenueId, period: FEB_2026, by: 'COUNTRY' }),
    ];

    // The KPI row, the aggregate by dimension and the total aggregate (both periods at once).
    expect(costs).toEqual([kpiOnly + 3, kpiOnly + 3, kpiOnly + 3, kpiOnly + 3]);
    // SEGMENT adds one lookup of the segments' names.
    expect(await count(BREAKDOWN, { id: revenueId, period: FEB_2026, by: 'SEGMENT' })).toBe(
      kpiOnly + 4,
    );
  });

  it('rejects a channel breakdown of an order metric naming the by argument', async () => {
    const response = await pulse().query(BREAKDOWN, {
      id: revenueId,
      period: FEB_2026,
      by: 'CHANNEL',
    });

    expectError(response, 'BAD_USER_INPUT', 'by');
  });
});
