import { createRandom } from '../../../src/seed/random';
import { rfmGroupOf } from '../../../src/segments/rfm';
import { describeEachDialect } from '../support/dialects';
import {
  customersWithIds,
  deleteCustomer,
  type HistoryOrder,
  ingestOrders,
  NO_BACKGROUND_REFRESH,
} from './order-history';

const DAY = 86_400_000;
const NOW = new Date('2026-04-15T09:30:00.000Z');
const WINDOW_DAYS = 365;
const CUSTOMERS = 63;
const DELETED = 62;

interface Expected {
  recencyDays: number;
  frequency: number;
  monetary: number;
  r: number;
  f: number;
  m: number;
  group: string;
}

/** Generated histories: ties on purpose (identical customers, cent sums), edges of the window. */
function generateOrders(): HistoryOrder[] {
  const random = createRandom(20260415);
  const orders: HistoryOrder[] = [];
  const amounts = [0.1, 0.2, 0.3, 9.99, 10.01, 25.5, 100];
  for (let customer = 0; customer < CUSTOMERS; customer += 1) {
    // Customers 0–4 share one history; 5–9 never bought; 10–13 get theirs below; the rest
    // are random.
    if (customer >= 5 && customer < 14) {
      continue;
    }
    const stream = customer < 5 ? createRandom(7) : random;
    const count = stream.int(1, 8);
    for (let i = 0; i < count; i += 1) {
      orders.push({
        customer,
        daysAgo: stream.int(-20, 500) + stream.int(0, 86_399) / 86_400,
        amount: stream.pick(amounts),
        status: stream.chance(0.15) ? stream.pick(['PLACED', 'REFUNDED'] as const) : 'PAID',
      });
    }
  }
  // The window's first instant counts; the millisecond before it does not.
  orders.push({ customer: 10, daysAgo: WINDOW_DAYS, amount: 1 });
  orders.push({ customer: 11, daysAgo: WINDOW_DAYS + 1 / DAY, amount: 1 });
  // 0.1 + 0.2 and 0.3 are the same spend, whatever floating point says.
  orders.push({ customer: 12, daysAgo: 3, amount: 0.1 }, { customer: 12, daysAgo: 3, amount: 0.2 });
  orders.push({ customer: 13, daysAgo: 3, amount: 0.3 }, { customer: 13, daysAgo: 3, amount: 0 });

  return orders;
}

/** NTILE(buckets) of the row at 0-based `index` among `count`: first buckets take the extras. */
function ntile(index: number, count: number, buckets: number): number {
  const small = Math.floor(count / buckets);
  const extra = count % buckets;

  return index < extra * (small + 1)
    ? Math.floor(index / (small + 1)) + 1
    : extra + Math.floor((index - extra * (small + 1)) / small) + 1;
}

/** The RFM rows computed in JavaScript, independently of the SQL. */
function expectedScores(orders: HistoryOrder[], ids: number[]): Map<number, Expected> {
  const stats = new Map<number, { last: number; frequency: number; spend: number }>();
  const windowStart = NOW.getTime() - WINDOW_DAYS * DAY;
  for (const order of orders) {
    const at = NOW.getTime() - Math.round(order.daysAgo * DAY);
    if (order.customer === DELETED || (order.status ?? 'PAID') !== 'PAID') {
      continue;
    }
    if (at < windowStart || at > NOW.getTime()) {
      continue;
    }
    const id = ids[order.customer];
    const entry = stats.get(id) ?? { last: 0, frequency: 0, spend: 0 };
    stats.set(id, {
      last: Math.max(entry.last, at),
      frequency: entry.frequency + 1,
      spend: entry.spend + order.amount,
    });
  }
  const rows = [...stats].map(([id, s]) => ({ id, ...s, spend: Math.round(s.spend * 100) / 100 }));
  const score = (value: (row: (typeof rows)[number]) => number) => {
    const sorted = [...rows].sort((a, b) => value(a) - value(b) || a.id - b.id);

    return new Map(sorted.map((row, index) => [row.id, ntile(index, sorted.length, 5)]));
  };
  const r = score((row) => row.last);
  const f = score((row) => row.frequency);
  const m = score((row) => row.spend);

  return new Map(
    rows.map((row) => {
      const scores = { r: r.get(row.id)!, f: f.get(row.id)!, m: m.get(row.id)! };

      return [
        row.id,
        {
          recencyDays: Math.floor((NOW.getTime() - row.last) / DAY),
          frequency: row.frequency,
          monetary: row.spend,
          ...scores,
          group: rfmGroupOf(scores.r, scores.f, scores.m),
        },
      ];
    }),
  );
}

const RFM_PAGE = `{ customers(first: 100) { edges { node { id
  rfm { recencyDays frequency monetary r f m group computedAt } } } } }`;

describeEachDialect(
  'RFM scores',
  (pulse) => {
    let customers: Array<{ id: string; dbId: number }>;
    let expected: Map<number, Expected>;
    let scored: number;

    beforeAll(async () => {
      customers = await customersWithIds(pulse(), CUSTOMERS);
      const orders = generateOrders();
      await ingestOrders(pulse(), customers, NOW, orders);
      await deleteCustomer(pulse(), customers[DELETED].id);
      expected = expectedScores(
        orders,
        customers.map((customer) => customer.dbId),
      );
      ({ scored } = await pulse().app.services.rfm.refresh(NOW));
    });

    it('scores exactly the live customers with a paid order in the window', () => {
      expect(scored).toBe(expected.size);
      expect(expected.size).toBeGreaterThan(40);
      expect(expected.has(customers[10].dbId)).toBe(true);
      expect(expected.has(customers[11].dbId)).toBe(false);
    });

    it('gives every customer the figures, NTILE quintiles and group of the independent computation', async () => {
      const response = await pulse().query<{
        customers: { edges: Array<{ node: { id: string; rfm: Record<string, unknown> | null } }> };
      }>(RFM_PAGE);
      expect(response.errors).toBeUndefined();
      const byId = new Map(customers.map((customer) => [customer.id, customer.dbId]));
      const nodes = response.data!.customers.edges.map((edge) => edge.node);
      expect(nodes).toHaveLength(CUSTOMERS - 1);
      for (const node of nodes) {
        const dbId = byId.get(node.id)!;
        const want = expected.get(dbId);
        expect({ dbId, rfm: node.rfm }).toEqual({
          dbId,
          rfm: want ? { ...want, computedAt: NOW.toISOString() } : null,
        });
      }
    });

    it('fills quintiles whose sizes differ by at most one, the first ones larger', () => {
      const sizes = [1, 2, 3, 4, 5].map(
        (score) => [...expected.values()].filter((row) => row.f === score).length,
      );
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    });

    it('splits ties by customer id, so identical customers get ordered scores', async () => {
      const tied = customers.slice(0, 5).map((customer) => expected.get(customer.dbId)!);
      expect(new Set(tied.map((row) => row.monetary)).size).toBe(1);
      const { data } = await pulse().query<{ customers: { edges: Array<{ node: any }> } }>(
        RFM_PAGE,
      );
      const rfmOf = new Map(data!.customers.edges.map((edge) => [edge.node.id, edge.node.rfm]));
      const fs = customers.slice(0, 5).map((customer) => rfmOf.get(customer.id).f);
      expect(fs).toEqual([...fs].sort((a, b) => a - b));
      // 0.1 + 0.2 and 0.3 tie on spend, and on frequency and recency: the lower id comes first.
      const [a, b] = [rfmOf.get(customers[12].id), rfmOf.get(customers[13].id)];
      expect([a.monetary, b.monetary]).toEqual([0.3, 0.3]);
      expect([a.m <= b.m, a.f <= b.f, a.r <= b.r]).toEqual([true, true, true]);
    });

    it('replaces all scores at the next refresh, dropping customers whose orders left the window', async () => {
      const later = new Date(NOW.getTime() + 400 * DAY);
      const { scored: stillScored } = await pulse().app.services.rfm.refresh(later);
      // Only orders dated in the future of NOW (up to 20 days) fall in [later − 365 d, later].
      expect(stillScored).toBeLessThan(expected.size);
      const { data } = await pulse().query<{ customers: { edges: Array<{ node: any }> } }>(
        RFM_PAGE,
      );
      const withRfm = data!.customers.edges.filter((edge) => edge.node.rfm !== null);
      expect(withRfm).toHaveLength(stillScored);
      expect(withRfm.every((edge) => edge.node.rfm.computedAt === later.toISOString())).toBe(true);
      await pulse().app.services.rfm.refresh(NOW);
    });

    it('serves RFM scores and lifecycle stages of a page of customers with one query each', async () => {
      await pulse().app.services.lifecycle.refresh(NOW);
      const plain = '{ customers(first: 100) { edges { node { id } } } }';
      await pulse().query(plain);
      const base = await pulse().countStatements(() => pulse().query(plain));
      const withScores = await pulse().countStatements(() =>
        pulse().query(
          '{ customers(first: 100) { edges { node { id rfm { r group } lifecycleStage { stage } } } } }',
        ),
      );
      expect(withScores.result.errors).toBeUndefined();
      expect(withScores.statements - base.statements).toBe(2);
    });
  },
  NO_BACKGROUND_REFRESH,
);
