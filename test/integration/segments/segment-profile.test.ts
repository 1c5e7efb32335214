import { Role } from '../../../src/auth/principal';
import { sqlInstant } from '../../../src/db/dialect';
import { toGlobalId } from '../../../src/graphql/global-id';
import { describeEachDialect } from '../support/dialects';
import { expectError } from '../support/expect-error';
import { createCustomers } from '../support/factories';

// Crafted data, figures computed by hand below. Six customers, c6 deleted (never counted).
//   paid orders: c1 100 (Jan) + 50 (Feb), c2 20 (Feb), c3 200 (Dec 2025), c5 30 (Feb), c6 1000;
//                c1 also has a REFUNDED order of 30 (never counted).
//   lifecycle:   c1 ACTIVE, c2 NEW, c3 AT_RISK, c4 PROSPECT, c5 ACTIVE, c6 ACTIVE.
//   interactions: c1 WEB Jan, WEB Feb ×2, EMAIL Feb; c2 WEB Feb, SMS Jan ×2;
//                 c3 CHAT Feb; c4 STORE, PHONE, CHAT Feb; c6 WEB Feb ×5.
//   segments:    A = c1, c2, c4, c6 · B = c3, c5 · C = nobody · D = c1 · E = c5.
// All time, all live customers: 5 members, 5 paid orders, revenue 400.
// February: revenue 100 (c1 50, c2 20, c5 30) in 3 orders.

const PROFILE = `size shareOfCustomers revenue shareOfRevenue orderCount averageOrderValue
  averageSpendPerMember lifecycleMix { stage customers } topChannels { channel interactions customers }`;
const COMPARE = `query($ids: [ID!]!, $window: ProfileWindowInput) {
  compareSegments(ids: $ids, window: $window) {
    baseline { ${PROFILE} }
    segments { segment { id name } profile { ${PROFILE} } }
  }
}`;
const FEBRUARY = { from: '2026-02-01T00:00:00Z', to: '2026-03-01T00:00:00Z' };

const mix = (counts: Record<string, number>) =>
  ['PROSPECT', 'NEW', 'ACTIVE', 'AT_RISK', 'LAPSED', 'REACTIVATED'].map((stage) => ({
    stage,
    customers: counts[stage] ?? 0,
  }));
const channels = (list: Array<[string, number, number]>) =>
  list.map(([channel, interactions, customers]) => ({ channel, interactions, customers }));

describeEachDialect('segment profiles', (pulse) => {
  const segmentIds: Record<string, string> = {};

  beforeAll(async () => {
    const customers = await createCustomers(pulse(), 6);
    const [c1, c2, c3, c4, c5, c6] = customers.map((customer) => customer.id);
    const order = (customerId: string, n: number, amount: number, at: string, status = 'PAID') => ({
      customerId,
      clientOrderId: `profile-order-${n}`,
      orderedAt: at,
      amount,
      currency: 'EUR',
      status,
    });
    const orders = await pulse().query(
      `mutation($input: IngestOrdersInput!) { ingestOrders(input: $input) { accepted } }`,
      {
        input: {
          orders: [
            order(c1, 1, 100, '2026-01-10T12:00:00Z'),
            order(c1, 2, 50, '2026-02-10T12:00:00Z'),
            order(c1, 3, 30, '2026-02-11T12:00:00Z', 'REFUNDED'),
            order(c2, 4, 20, '2026-02-15T12:00:00Z'),
            order(c3, 5, 200, '2025-12-01T12:00:00Z'),
            order(c5, 6, 30, '2026-02-20T12:00:00Z'),
            order(c6, 7, 1000, '2026-02-20T12:00:00Z'),
          ],
        },
      },
    );
    expect(orders.errors).toBeUndefined();
    let event = 0;
    const seen = (customerId: string, channel: string, at: string, times = 1) =>
      Array.from({ length: times }, () => {
        event += 1;

        return {
          customerId,
          channel,
          type: 'visit',
          occurredAt: at,
          clientEventId: `profile-evt-${event}`,
        };
      });
    const jan = '2026-01-15T09:00:00Z';
    const feb = '2026-02-05T09:00:00Z';
    const interactions = await pulse().query(
      `mutation($input: IngestInteractionsInput!) { ingestInteractions(input: $input) { accepted } }`,
      {
        input: {
          interactions: [
            ...seen(c1, 'WEB', jan),
            ...seen(c1, 'WEB', feb, 2),
            ...seen(c1, 'EMAIL', feb),
            ...seen(c2, 'WEB', feb),
            ...seen(c2, 'SMS', jan, 2),
            ...seen(c3, 'CHAT', feb),
            ...seen(c4, 'STORE', feb),
            ...seen(c4, 'PHONE', feb),
            ...seen(c4, 'CHAT', feb),
            ...seen(c6, 'WEB', feb, 5),
          ],
        },
      },
    );
    expect(interactions.errors).toBeUndefined();

    // Lifecycle stages, segments and memberships are written as a refresh would leave them.
    const db = pulse().app.db;
    const now = sqlInstant(db, new Date('2026-03-01T00:00:00Z'));
    const dbIds = await Promise.all(
      [c1, c2, c3, c4, c5, c6].map(async (id) => {
        const [row] = await db.query('SELECT id FROM customers WHERE external_id = ?', [
          customers.find((customer) => customer.id === id)!.externalId,
        ]);

        return Number(row.id);
      }),
    );
    const stages = ['ACTIVE', 'NEW', 'AT_RISK', 'PROSPECT', 'ACTIVE', 'ACTIVE'];
    for (const [index, customerId] of dbIds.entries()) {
      await db.query(
        'INSERT INTO customer_lifecycle (customer_id, stage, since, computed_at) VALUES (?, ?, ?, ?)',
        [customerId, stages[index], now, now],
      );
    }
    await db.query('UPDATE customers SET deleted_at = ? WHERE id = ?', [now, dbIds[5]]);
    const members: Record<string, number[]> = { A: [0, 1, 3, 5], B: [2, 4], C: [], D: [0], E: [4] };
    for (const [name, indexes] of Object.entries(members)) {
      await db.query(
        `INSERT INTO segments (name, description, kind, definition, created_at, updated_at, version, last_refreshed_at, size)
         VALUES (?, NULL, 'STATIC', NULL, ?, ?, 1, ?, ?)`,
        [name, now, now, now, indexes.length],
      );
      const [row] = await db.query('SELECT id FROM segments WHERE name = ?', [name]);
      segmentIds[name] = toGlobalId('Segment', Number(row.id));
      for (const index of indexes) {
        await db.query(
          'INSERT INTO segment_memberships (segment_id, customer_id, entered_at) VALUES (?, ?, ?)',
          [row.id, dbIds[index], now],
        );
      }
    }
  });

  it('profiles a segment over all time: live members only, paid orders only', async () => {
    const { data, errors } = await pulse().query<any>(
      `query($id: ID!) { segment(id: $id) { profile { ${PROFILE} } } }`,
      { id: segmentIds.A },
    );
    expect(errors).toBeUndefined();
    expect(data.segment.profile).toEqual({
      size: 3,
      shareOfCustomers: 0.6,
      revenue: 170,
      shareOfRevenue: 0.425,
      orderCount: 3,
      averageOrderValue: 56.67,
      averageSpendPerMember: 56.67,
      lifecycleMix: mix({ PROSPECT: 1, NEW: 1, ACTIVE: 1 }),
      // Six channels: the five busiest stay, ties by channel name (STORE is cut).
      topChannels: channels([
        ['WEB', 4, 2],
        ['SMS', 2, 1],
        ['CHAT', 1, 1],
        ['EMAIL', 1, 1],
        ['PHONE', 1, 1],
      ]),
    });
  });

  it('counts only orders and interactions inside the window', async () => {
    const { data, errors } = await pulse().query<any>(
      `query($id: ID!, $window: ProfileWindowInput) { segment(id: $id) { profile(window: $window) { ${PROFILE} } } }`,
      { id: segmentIds.A, window: FEBRUARY },
    );
    expect(errors).toBeUndefined();
    expect(data.segment.profile).toEqual({
      size: 3,
      shareOfCustomers: 0.6,
      revenue: 70,
      shareOfRevenue: 0.7,
      orderCount: 2,
      averageOrderValue: 35,
      averageSpendPerMember: 23.33,
      lifecycleMix: mix({ PROSPECT: 1, NEW: 1, ACTIVE: 1 }),
      topChannels: channels([
        ['WEB', 3, 2],
        ['CHAT', 1, 1],
        ['EMAIL', 1, 1],
        ['PHONE', 1, 1],
        ['STORE', 1, 1],
      ]),
    });
  });

  it('compares segments side by side in the order asked, beside all live customers', async () => {
    const { data, errors } = await pulse().query<any>(COMPARE, {
      ids: [segmentIds.B, segmentIds.C, segmentIds.A],
    });
    expect(errors).toBeUndefined();
    const { baseline, segments } = data.compareSegments;
    expect(baseline).toEqual({
      size: 5,
      shareOfCustomers: 1,
      revenue: 400,
      shareOfRevenue: 1,
      orderCount: 5,
      averageOrderValue: 80,
      averageSpendPerMember: 80,
      lifecycleMix: mix({ PROSPECT: 1, NEW: 1, ACTIVE: 2, AT_RISK: 1 }),
      topChannels: channels([
        ['WEB', 4, 2],
        ['CHAT', 2, 2],
        ['SMS', 2, 1],
        ['EMAIL', 1, 1],
        ['PHONE', 1, 1],
      ]),
    });
    expect(segments.map((entry: any) => entry.segment.name)).toEqual(['B', 'C', 'A']);
    expect(segments[0].profile).toEqual({
      size: 2,
      shareOfCustomers: 0.4,
      revenue: 230,
      shareOfRevenue: 0.575,
      orderCount: 2,
      averageOrderValue: 115,
      averageSpendPerMember: 115,
      lifecycleMix: mix({ ACTIVE: 1, AT_RISK: 1 }),
      topChannels: channels([['CHAT', 1, 1]]),
    });
    expect(segments[1].profile).toEqual({
      size: 0,
      shareOfCustomers: 0,
      revenue: 0,
      shareOfRevenue: 0,
      orderCount: 0,
      averageOrderValue: null,
      averageSpendPerMember: null,
      lifecycleMix: mix({}),
      topChannels: [],
    });
    expect(segments[2].profile.revenue).toBe(170);
  });

  it('applies the window to the baseline as well', async () => {
    const { data } = await pulse().query<any>(COMPARE, { ids: [segmentIds.B], window: FEBRUARY });
    expect(data.compareSegments.baseline).toMatchObject({ revenue: 100, orderCount: 3 });
    expect(data.compareSegments.segments[0].profile).toMatchObject({
      revenue: 30,
      shareOfRevenue: 0.3,
      orderCount: 1,
    });
  });

  it('compares five segments with as many statements as one', async () => {
    const one = await pulse().countStatements(() =>
      pulse().query(COMPARE, { ids: [segmentIds.A] }),
    );
    const five = await pulse().countStatements(() =>
      pulse().query(COMPARE, {
        ids: ['A', 'B', 'C', 'D', 'E'].map((name) => segmentIds[name]),
      }),
    );
    expect(five.result.errors).toBeUndefined();
    expect(five.statements).toBe(one.statements);
  });

  it('profiles every segment of a page with as many statements as one segment', async () => {
    const page = (first: number) =>
      pulse().countStatements(() =>
        pulse().query<any>(
          `query($first: Int) { segments(first: $first) { edges { node { name profile { size revenue lifecycleMix { stage } topChannels { channel } } } } } }`,
          { first },
        ),
      );
    const one = await page(1);
    const three = await page(3);
    expect(one.result.errors).toBeUndefined();
    expect(three.result.data.segments.edges.map((edge: any) => edge.node.profile.size)).toEqual([
      3, 2, 0,
    ]);
    expect(three.statements).toBe(one.statements);
  });

  it.each([
    [
      'an unknown segment',
      () => [segmentIds.A, toGlobalId('Segment', 999_999)],
      'NOT_FOUND',
      'ids[1]',
    ],
    ['a segment named twice', () => [segmentIds.A, segmentIds.A], 'BAD_USER_INPUT', 'ids[1]'],
    ['no segment', () => [], 'BAD_USER_INPUT', 'ids'],
    ['the id of a customer', () => [toGlobalId('Customer', 1)], 'BAD_USER_INPUT', 'ids[0]'],
  ])('refuses to compare %s', async (_title, ids, code, field) => {
    expectError(await pulse().query(COMPARE, { ids: ids() }), code, field);
  });

  it('refuses a window that ends before it starts', async () => {
    const response = await pulse().query(COMPARE, {
      ids: [segmentIds.A],
      window: { from: FEBRUARY.to, to: FEBRUARY.from },
    });
    expectError(response, 'BAD_USER_INPUT', 'window.to');
  });

  it('lets partners compare segments but not alert-only keys', async () => {
    const partner = await pulse().query<any>(
      COMPARE,
      { ids: [segmentIds.B] },
      { role: Role.PARTNER },
    );
    expect(partner.data.compareSegments.segments[0].profile.size).toBe(2);
    expectError(
      await pulse().query(COMPARE, { ids: [segmentIds.B] }, { role: Role.ALERTS }),
      'FORBIDDEN',
    );
  });
});
