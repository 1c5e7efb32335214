import { Role } from '../../../src/auth/principal';
import { describeEachDialect } from '../support/dialects';
import { expectError } from '../support/expect-error';
import {
  customersWithIds,
  deleteCustomer,
  ingestOrders,
  NO_BACKGROUND_REFRESH,
} from './order-history';

const DAY = 86_400_000;
// 08:30 on 2 March in Tokyo, the reporting time zone of this suite: UTC days and months would
// put both refreshes in March, Tokyo's put the second in April.
const T1 = new Date('2026-03-01T23:30:00.000Z');
const T2 = new Date(T1.getTime() + 30 * DAY);

// Customer A (index 0) never orders.
const [B, C, D, E, F, G, H] = [1, 2, 3, 4, 5, 6, 7];

const STAGES = `query($ids: [ID!]!) { nodes(ids: $ids) { ... on Customer { id
  lifecycleStage { stage since } } } }`;

const MOVES = `query($period: ReportingPeriod!, $from: DateTimeISO!, $to: DateTimeISO!) {
  lifecycleMoves(period: $period, from: $from, to: $to) {
    periodStart periodEnd fromStage toStage count } }`;

describeEachDialect(
  'lifecycle stages',
  (pulse) => {
    let customers: Array<{ id: string; dbId: number }>;
    const moved: number[] = [];

    async function stages(): Promise<Array<{ stage: string; since: string } | null>> {
      const response = await pulse().query<{ nodes: Array<{ lifecycleStage: any }> }>(STAGES, {
        ids: customers.map((customer) => customer.id),
      });
      expect(response.errors).toBeUndefined();

      return response.data!.nodes.map((node) => node?.lifecycleStage ?? null);
    }

    beforeAll(async () => {
      customers = await customersWithIds(pulse(), 8);
      await ingestOrders(pulse(), customers, T1, [
        { customer: B, daysAgo: 5, amount: 10 },
        { customer: C, daysAgo: 200, amount: 10 },
        { customer: C, daysAgo: 100, amount: 10 },
        { customer: D, daysAgo: 400, amount: 10 },
        { customer: E, daysAgo: 100, amount: 10 },
        { customer: E, daysAgo: 60, amount: 10 },
        { customer: F, daysAgo: 10, amount: 10, status: 'PLACED' },
        { customer: G, daysAgo: 50, amount: 10 },
        // Ordered after T1: not seen by the refresh at T1.
        { customer: H, daysAgo: -5, amount: 10 },
      ]);
      moved.push((await pulse().app.services.lifecycle.refresh(T1)).moved);
    });

    it('gives every live customer a stage at the first refresh, since that refresh', async () => {
      expect(moved[0]).toBe(8);
      const since = T1.toISOString();
      expect(await stages()).toEqual([
        { stage: 'PROSPECT', since },
        { stage: 'NEW', since },
        { stage: 'AT_RISK', since },
        { stage: 'LAPSED', since },
        { stage: 'ACTIVE', since },
        { stage: 'PROSPECT', since },
        { stage: 'ACTIVE', since },
        { stage: 'PROSPECT', since },
      ]);
    });

    it('moves customers whose history changed by a later refresh, keeping since for the others', async () => {
      await ingestOrders(pulse(), customers, T1, [
        { customer: C, daysAgo: -20, amount: 10 },
        { customer: D, daysAgo: -25, amount: 10 },
      ]);
      await deleteCustomer(pulse(), customers[G].id);
      moved.push((await pulse().app.services.lifecycle.refresh(T2)).moved);
      expect(moved[1]).toBe(5);
      const [t1, t2] = [T1.toISOString(), T2.toISOString()];
      const current = await stages();
      expect(current).toEqual([
        { stage: 'PROSPECT', since: t1 },
        { stage: 'ACTIVE', since: t2 },
        { stage: 'ACTIVE', since: t2 },
        { stage: 'REACTIVATED', since: t2 },
        { stage: 'AT_RISK', since: t2 },
        { stage: 'PROSPECT', since: t1 },
        null,
        { stage: 'NEW', since: t2 },
      ]);
    });

    it('records no move when refreshed again at the same time', async () => {
      expect((await pulse().app.services.lifecycle.refresh(T2)).moved).toBe(0);
    });

    it('counts moves per day of the reporting time zone and per pair of stages', async () => {
      const response = await pulse().query(MOVES, {
        period: 'DAY',
        from: new Date(T1.getTime() - DAY).toISOString(),
        to: new Date(T2.getTime() + DAY).toISOString(),
      });
      expect(response.errors).toBeUndefined();
      const first = {
        periodStart: '2026-03-01T15:00:00.000Z',
        periodEnd: '2026-03-02T15:00:00.000Z',
      };
      const second = {
        periodStart: '2026-03-31T15:00:00.000Z',
        periodEnd: '2026-04-01T15:00:00.000Z',
      };
      expect(response.data).toEqual({
        lifecycleMoves: [
          { ...first, fromStage: null, toStage: 'ACTIVE', count: 2 },
          { ...first, fromStage: null, toStage: 'AT_RISK', count: 1 },
          { ...first, fromStage: null, toStage: 'LAPSED', count: 1 },
          { ...first, fromStage: null, toStage: 'NEW', count: 1 },
          { ...first, fromStage: null, toStage: 'PROSPECT', count: 3 },
          { ...second, fromStage: 'ACTIVE', toStage: 'AT_RISK', count: 1 },
          { ...second, fromStage: 'AT_RISK', toStage: 'ACTIVE', count: 1 },
          { ...second, fromStage: 'LAPSED', toStage: 'REACTIVATED', count: 1 },
          { ...second, fromStage: 'NEW', toStage: 'ACTIVE', count: 1 },
          { ...second, fromStage: 'PROSPECT', toStage: 'NEW', count: 1 },
        ],
      });
    });

    it('counts moves per local month, and only those from `from` on, for a partner', async () => {
      const response = await pulse().query<{ lifecycleMoves: any[] }>(
        MOVES,
        {
          period: 'MONTH',
          from: T2.toISOString(),
          to: new Date(T2.getTime() + 1).toISOString(),
        },
        { role: Role.PARTNER },
      );
      expect(response.errors).toBeUndefined();
      expect(
        response.data!.lifecycleMoves.map((row) => [row.periodStart, row.periodEnd, row.count]),
      ).toEqual(Array(5).fill(['2026-03-31T15:00:00.000Z', '2026-04-30T15:00:00.000Z', 1]));
    });

    it.each([
      ['to equal to from', 'DAY', T1, T1],
      ['more than 1100 days', 'DAY', T1, new Date(T1.getTime() + 1200 * DAY)],
    ])('refuses a range with %s as BAD_USER_INPUT on to', async (_title, period, from, to) => {
      const response = await pulse().query(MOVES, {
        period,
        from: from.toISOString(),
        to: to.toISOString(),
      });
      expectError(response, 'BAD_USER_INPUT', 'to');
    });

    it('refuses move counts to the ALERTS role', async () => {
      const response = await pulse().query(
        MOVES,
        { period: 'DAY', from: T1.toISOString(), to: T2.toISOString() },
        { role: Role.ALERTS },
      );
      expectError(response, 'FORBIDDEN');
    });
  },
  { ...NO_BACKGROUND_REFRESH, reportingTimeZone: 'Asia/Tokyo' },
);
