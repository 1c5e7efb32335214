import { sqlInstant } from '../../../src/db/dialect';
import { fromGlobalId } from '../../../src/graphql/global-id';
import { type ActionGain, actionGain, inHoldout } from '../../../src/predictions/next-best-action';
import { CREATE_EXPERIMENT, MOVE, purchaseExperiment } from '../experiments/experiment-fixtures';
import { describeEachDialect } from '../support/dialects';
import { expectError } from '../support/expect-error';
import { createCustomers, insertPredictions, unique } from '../support/factories';
import type { TestPulse } from '../support/start-pulse';

const DAY = 86_400_000;
const ASSIGN = `mutation Assign($key: String!) { assignSegment(experimentKey: $key) { inTraffic } }`;
const CONCLUDE = `mutation Conclude($id: ID!) {
  concludeExperiment(id: $id) { experiment { status } }
}`;
const MEASURE = `mutation Measure($id: ID!) {
  measureActionEffect(id: $id) { action { effect effectSource effectMeasuredAt version } }
}`;
const CREATE_ACTION = `mutation Create($input: CreateActionInput!) {
  createAction(input: $input) { action { id key version effect effectSource } }
}`;
const CREATE_SEGMENT = `mutation Segment($input: CreateSegmentInput!) {
  createSegment(input: $input) { segment { id } }
}`;
const NBA = `query Nba($ids: [ID!]!) {
  nodes(ids: $ids) {
    ... on Customer {
      id
      nextBestAction {
        action { key }
        gain expectedCost baseProbability uplift acceptProbability value reasons
        alternatives { action { key } gain expectedCost reasons }
      }
    }
  }
}`;
const LIST = `query List($segmentId: ID, $budget: Float, $first: Int, $after: String, $over: Boolean) {
  nextBestActions(segmentId: $segmentId, budget: $budget, first: $first, after: $after, includeOverBudget: $over) {
    totalCount budgetUsed
    pageInfo { hasNextPage endCursor }
    edges { cursor node { customer { id email } action { key } gain expectedCost cumulativeCost reasons } }
  }
}`;

interface Nba {
  action: { key: string } | null;
  gain: number | null;
  expectedCost: number | null;
  baseProbability: number | null;
  uplift: number | null;
  acceptProbability: number | null;
  value: number | null;
  reasons: string[];
  alternatives: Array<{ action: { key: string }; gain: number | null; reasons: string[] }>;
}

interface Seeded {
  ids: string[];
  externalIds: string[];
  dbIds: number[];
  segmentId: string;
}

/**
 * Customers in a STATIC segment of their own; every action of a test is limited to that
 * segment, so tests sharing the server never see each other's actions.
 */
async function seed(pulse: TestPulse, count: number): Promise<Seeded> {
  const customers = await createCustomers(pulse, count);
  const segment = await pulse.query<{ createSegment: { segment: { id: string } } }>(
    CREATE_SEGMENT,
    {
      input: {
        name: unique('nba'),
        kind: 'STATIC',
        externalIds: customers.map((c) => c.externalId),
      },
    },
  );

  return {
    ids: customers.map((c) => c.id),
    externalIds: customers.map((c) => c.externalId),
    dbIds: customers.map((c) => fromGlobalId(c.id, 'Customer', 'id')),
    segmentId: segment.data!.createSegment.segment.id,
  };
}

async function createAction(
  pulse: TestPulse,
  input: Record<string, unknown>,
): Promise<{ id: string; key: string; version: number; effect: number; effectSource: string }> {
  const response = await pulse.query<{ createAction: { action: any } }>(CREATE_ACTION, {
    input: {
      key: unique('act').toLowerCase(),
      name: 'An action',
      channel: 'EMAIL',
      ...input,
    },
  });
  if (!response.data) {
    throw new Error(JSON.stringify(response.errors));
  }

  return response.data.createAction.action;
}

async function consent(pulse: TestPulse, customerId: number, channel: string, status: string) {
  const db = pulse.app.db;
  await db.query(
    'INSERT INTO customer_consents (customer_id, channel, status, changed_at, source) VALUES (?, ?, ?, ?, ?)',
    [customerId, channel, status, sqlInstant(db, new Date()), 'test'],
  );
}

async function contact(
  pulse: TestPulse,
  customerId: number,
  channel: string,
  type: string,
  at: Date,
) {
  const db = pulse.app.db;
  await db.query(
    'INSERT INTO interactions (customer_id, channel, type, occurred_at, client_event_id, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    [customerId, channel, type, sqlInstant(db, at), unique('contact'), sqlInstant(db, new Date())],
  );
}

async function nextBestActions(pulse: TestPulse, ids: string[]): Promise<Nba[]> {
  const response = await pulse.query<{ nodes: Array<{ nextBestAction: Nba }> }>(NBA, { ids });
  if (!response.data) {
    throw new Error(JSON.stringify(response.errors));
  }

  return response.data.nodes.map((node) => node.nextBestAction);
}

/**
 * Moves the experiment's exposures 20 days back and plants one order a day after exposure for
 * `tenths[variant]` in ten of each variant's customers (by position); returns each variant's
 * planted purchase rate.
 */
async function plantPurchases(
  pulse: TestPulse,
  experimentKey: string,
  tenths: Record<string, number>,
): Promise<Record<string, number>> {
  const db = pulse.app.db;
  const key = pulse.dialect === 'mysql' ? '`key`' : '"key"';
  const exposedAt = new Date(Date.now() - 20 * DAY);
  await db.query(
    `UPDATE experiment_exposures SET first_exposed_at = ?
     WHERE experiment_id = (SELECT id FROM experiments WHERE ${key} = ?)`,
    [sqlInstant(db, exposedAt), experimentKey],
  );
  const rows: Array<{ customerId: number; variant: string }> = await db.query(
    `SELECT x.customer_id AS customerId, v.${key} AS variant
     FROM experiment_exposures x JOIN experiment_variants v ON v.id = x.variant_id
     JOIN experiments e ON e.id = x.experiment_id
     WHERE e.${key} = ? ORDER BY x.customer_id`,
    [experimentKey],
  );
  const tally = new Map<string, { n: number; buyers: number }>();
  const at = sqlInstant(db, new Date(exposedAt.getTime() + DAY));
  for (const row of rows) {
    const counts = tally.get(row.variant) ?? { n: 0, buyers: 0 };
    // Every 20 customers of a variant, tenths × 2 of them buy (so 2.5 tenths works).
    const buys = counts.n % 20 < tenths[row.variant] * 2;
    counts.n += 1;
    counts.buyers += buys ? 1 : 0;
    tally.set(row.variant, counts);
    if (buys) {
      await db.query(
        `INSERT INTO orders (customer_id, client_order_id, ordered_at, amount, currency, status, created_at, updated_at)
         VALUES (?, ?, ?, 25, 'EUR', 'PAID', ?, ?)`,
        [row.customerId, unique('nba-order'), at, at, at],
      );
    }
  }

  return Object.fromEntries([...tally].map(([variant, c]) => [variant, c.buyers / c.n]));
}

const RETAIN = { objective: 'RETAIN', effect: 0.3, costPerContact: 1, incentiveCost: 20 };
const PURCHASE = { objective: 'PURCHASE', effect: 0.5, costPerContact: 0.5, incentiveCost: 10 };

describeEachDialect(
  'next best action',
  (pulse) => {
    it('chooses the action with the highest gain, computed as the pure formula does', async () => {
      const { ids, dbIds, segmentId } = await seed(pulse(), 1);
      const retain = await createAction(pulse(), { ...RETAIN, segmentId });
      const purchase = await createAction(pulse(), { ...PURCHASE, segmentId });
      await insertPredictions(pulse(), dbIds[0], { CHURN: 0.4, PROPENSITY: 0.1, CLV: 500 });
      await consent(pulse(), dbIds[0], 'EMAIL', 'GRANTED');

      const [nba] = await nextBestActions(pulse(), ids);

      const expected = actionGain({ ...RETAIN, objective: 'RETAIN' }, 0.4, 500);
      expect(nba.action).toEqual({ key: retain.key });
      expect(nba.reasons).toEqual(['RECOMMENDED']);
      expect(nba.gain).toBeCloseTo(44.6, 9);
      expect(nba.gain).toBeCloseTo(expected.gain, 9);
      expect(nba.expectedCost).toBeCloseTo(15.4, 9);
      expect(nba.baseProbability).toBeCloseTo(0.4, 12);
      expect(nba.uplift).toBeCloseTo(0.12, 12);
      expect(nba.acceptProbability).toBeCloseTo(0.72, 12);
      expect(nba.value).toBe(500);
      // PURCHASE: Δ = 0.05, P(accept) 0.15, gain 25 − 1.5 − 0.5 = 23: second, passing.
      expect(nba.alternatives.slice(0, 2).map((a) => a.action.key)).toEqual([
        retain.key,
        purchase.key,
      ]);
      expect(nba.alternatives.slice(2).every((a) => a.reasons.includes('NOT_ELIGIBLE'))).toBe(true);
      expect(nba.alternatives[1].reasons).toEqual([]);
      expect(nba.alternatives[1].gain).toBeCloseTo(
        actionGain({ ...PURCHASE, objective: 'PURCHASE' }, 0.1, 500).gain,
        9,
      );
    });

    it('recommends nothing through a channel without GRANTED consent, and falls back to one with it', async () => {
      const { ids, dbIds, segmentId } = await seed(pulse(), 3);
      const email = await createAction(pulse(), { ...RETAIN, effect: 0.5, segmentId });
      const sms = await createAction(pulse(), { ...RETAIN, channel: 'SMS', segmentId });
      for (const id of dbIds) {
        await insertPredictions(pulse(), id, { CHURN: 0.4, PROPENSITY: 0.1, CLV: 500 });
      }
      // 0: no consent anywhere; 1: email DENIED, sms GRANTED; 2: both GRANTED.
      await consent(pulse(), dbIds[1], 'EMAIL', 'DENIED');
      await consent(pulse(), dbIds[1], 'SMS', 'GRANTED');
      await consent(pulse(), dbIds[2], 'EMAIL', 'GRANTED');
      await consent(pulse(), dbIds[2], 'SMS', 'GRANTED');

      const [none, smsOnly, both] = await nextBestActions(pulse(), ids);

      expect(none).toMatchObject({ action: null, reasons: ['NO_CONSENT'] });
      // Eligible actions rank before other tests' actions (for other segments).
      expect(none.alternatives.slice(0, 2).map((a) => a.reasons)).toEqual([
        ['NO_CONSENT'],
        ['NO_CONSENT'],
      ]);
      expect(smsOnly.action).toEqual({ key: sms.key });
      expect(smsOnly.alternatives.slice(0, 2).map((a) => [a.action.key, a.reasons])).toEqual([
        [sms.key, ['RECOMMENDED']],
        [email.key, ['NO_CONSENT']],
      ]);
      expect(both.action).toEqual({ key: email.key });
    });

    it('excludes customers with maxContacts contacts of the type on the channel in the window', async () => {
      const { ids, dbIds, segmentId } = await seed(pulse(), 4);
      const capped = await createAction(pulse(), {
        ...RETAIN,
        segmentId,
        contactType: 'email_sent',
        maxContacts: 2,
        contactWindowDays: 7,
      });
      const now = Date.now();
      for (const id of dbIds) {
        await insertPredictions(pulse(), id, { CHURN: 0.4, CLV: 500 });
        await consent(pulse(), id, 'EMAIL', 'GRANTED');
      }
      // 0: two sends in the window (capped); 1: one of them 8 days ago; 2: two sends on SMS;
      // 3: two email opens (another type).
      await contact(pulse(), dbIds[0], 'EMAIL', 'email_sent', new Date(now - 1 * DAY));
      await contact(pulse(), dbIds[0], 'EMAIL', 'email_sent', new Date(now - 6 * DAY));
      await contact(pulse(), dbIds[1], 'EMAIL', 'email_sent', new Date(now - 1 * DAY));
      await contact(pulse(), dbIds[1], 'EMAIL', 'email_sent', new Date(now - 8 * DAY));
      await contact(pulse(), dbIds[2], 'SMS', 'email_sent', new Date(now - DAY));
      await contact(pulse(), dbIds[2], 'SMS', 'email_sent', new Date(now - DAY));
      await contact(pulse(), dbIds[3], 'EMAIL', 'email_opened', new Date(now - DAY));
      await contact(pulse(), dbIds[3], 'EMAIL', 'email_opened', new Date(now - DAY));

      const results = await nextBestActions(pulse(), ids);

      expect(results.map((r) => r.reasons)).toEqual([
        ['CONTACT_CAP_REACHED'],
        ['RECOMMENDED'],
        ['RECOMMENDED'],
        ['RECOMMENDED'],
      ]);
      expect(results[0].action).toBeNull();
      expect(results[1].action).toEqual({ key: capped.key });
    });

    it("gives NOT_ELIGIBLE to customers outside the action's segment", async () => {
      const { ids, externalIds, dbIds } = await seed(pulse(), 2);
      const members = await pulse().query<{ createSegment: { segment: { id: string } } }>(
        CREATE_SEGMENT,
        { input: { name: unique('nba-sub'), kind: 'STATIC', externalIds: [externalIds[0]] } },
      );
      const narrow = members.data!.createSegment.segment.id;
      await createAction(pulse(), { ...RETAIN, segmentId: narrow });
      for (const id of dbIds) {
        await insertPredictions(pulse(), id, { CHURN: 0.4, CLV: 500 });
        await consent(pulse(), id, 'EMAIL', 'GRANTED');
      }

      const [member, outsider] = await nextBestActions(pulse(), ids);

      expect(member.reasons).toEqual(['RECOMMENDED']);
      // The outsider is in the test's own segment but not the action's.
      expect(outsider).toMatchObject({ action: null, reasons: ['NOT_ELIGIBLE'] });
    });

    it('recommends nothing when the best gain is negative, and says NO_PREDICTION without scores', async () => {
      const { ids, dbIds, segmentId } = await seed(pulse(), 3);
      await createAction(pulse(), { ...RETAIN, segmentId });
      await insertPredictions(pulse(), dbIds[0], { CHURN: 0.05, CLV: 100 });
      await insertPredictions(pulse(), dbIds[1], { CHURN: 0.4 });
      for (const id of dbIds) {
        await consent(pulse(), id, 'EMAIL', 'GRANTED');
      }

      const [negative, noClv, nothing] = await nextBestActions(pulse(), ids);

      expect(negative).toMatchObject({ action: null, reasons: ['NO_POSITIVE_GAIN'] });
      expect(negative.gain).toBeCloseTo(-18.8, 9);
      expect(noClv).toMatchObject({ action: null, reasons: ['NO_PREDICTION'], gain: null });
      expect(nothing).toMatchObject({ action: null, reasons: ['NO_PREDICTION'], value: null });
    });

    it('fills the budget in order of gain per expected cost and never exceeds it', async () => {
      const { dbIds, segmentId } = await seed(pulse(), 12);
      await createAction(pulse(), { ...RETAIN, segmentId });
      const churn = [0.9, 0.1, 0.5, 0.3, 0.7, 0.2, 0.6, 0.45, 0.8, 0.35, 0.25, 0.55];
      const value = [400, 900, 300, 1200, 200, 800, 500, 650, 150, 1000, 700, 350];
      const expected: Array<ActionGain & { id: number; ratio: number }> = [];
      for (const [i, id] of dbIds.entries()) {
        await insertPredictions(pulse(), id, { CHURN: churn[i], CLV: value[i] });
        await consent(pulse(), id, 'EMAIL', 'GRANTED');
        const g = actionGain({ ...RETAIN, objective: 'RETAIN' }, churn[i], value[i]);
        if (g.gain > 0) {
          expected.push({ id, ...g, ratio: g.gain / g.expectedCost });
        }
      }
      expected.sort((a, b) => b.ratio - a.ratio);
      const budget = 60;
      const kept: typeof expected = [];
      let spent = 0;
      for (const row of expected) {
        if (spent + row.expectedCost > budget) {
          break;
        }
        spent += row.expectedCost;
        kept.push(row);
      }
      expect(kept.length).toBeGreaterThan(1);
      expect(kept.length).toBeLessThan(expected.length);

      const all = await pulse().query<any>(LIST, { segmentId, budget, first: 100 });
      const list = all.data.nextBestActions;

      expect(
        list.edges.map((e: any) => fromGlobalId(e.node.customer.id, 'Customer', 'id')),
      ).toEqual(kept.map((row) => row.id));
      expect(list.totalCount).toBe(kept.length);
      expect(list.budgetUsed).toBeCloseTo(spent, 9);
      expect(list.budgetUsed).toBeLessThanOrEqual(budget);
      list.edges.forEach((edge: any, i: number) => {
        expect(edge.node.gain).toBeCloseTo(kept[i].gain, 9);
        expect(edge.node.expectedCost).toBeCloseTo(kept[i].expectedCost, 9);
        expect(edge.node.reasons).toEqual(['RECOMMENDED']);
      });
      expect(list.edges.at(-1).node.cumulativeCost).toBeCloseTo(spent, 9);

      // Pages of 2 walk the same list.
      const walked: string[] = [];
      let after: string | null = null;
      for (;;) {
        const page: any = await pulse().query<any>(LIST, { segmentId, budget, first: 2, after });
        walked.push(...page.data.nextBestActions.edges.map((e: any) => e.node.customer.id));
        if (!page.data.nextBestActions.pageInfo.hasNextPage) {
          break;
        }
        after = page.data.nextBestActions.pageInfo.endCursor;
      }
      expect(walked).toEqual(list.edges.map((e: any) => e.node.customer.id));

      // Past the budget, listed on request with OVER_BUDGET; without a budget, everyone.
      const over = await pulse().query<any>(LIST, { segmentId, budget, first: 100, over: true });
      expect(over.data.nextBestActions.edges.map((e: any) => e.node.reasons[0])).toEqual(
        expected.map((_row, i) => (i < kept.length ? 'RECOMMENDED' : 'OVER_BUDGET')),
      );
      expect(over.data.nextBestActions.budgetUsed).toBeCloseTo(spent, 9);
      const unlimited = await pulse().query<any>(LIST, { segmentId, first: 100 });
      expect(unlimited.data.nextBestActions.totalCount).toBe(expected.length);
    });

    it('reads a page of 50 customers with their next best action in a constant number of statements', async () => {
      const { ids, dbIds, segmentId } = await seed(pulse(), 50);
      await createAction(pulse(), { ...RETAIN, segmentId });
      await createAction(pulse(), { ...PURCHASE, segmentId });
      for (const id of dbIds) {
        await insertPredictions(pulse(), id, { CHURN: 0.4, PROPENSITY: 0.1, CLV: 500 });
        await consent(pulse(), id, 'EMAIL', 'GRANTED');
      }

      const five = await pulse().countStatements(() => nextBestActions(pulse(), ids.slice(0, 5)));
      const fifty = await pulse().countStatements(() => nextBestActions(pulse(), ids));

      expect(fifty.result.every((r) => r.reasons[0] === 'RECOMMENDED')).toBe(true);
      expect(fifty.statements).toBe(five.statements);
      // Key lookup, customers, next best actions, actions.
      expect(fifty.statements).toBeLessThanOrEqual(4);
    });

    it('sets the effect from a concluded experiment, and refuses a metric without a significant lift', async () => {
      await createCustomers(pulse(), 600);
      const key = unique('nba-exp').toLowerCase();
      const created = await pulse().query<any>(CREATE_EXPERIMENT, {
        input: purchaseExperiment(key),
      });
      const experimentId = created.data.createExperiment.experiment.id;
      await pulse().query(MOVE('startExperiment'), { id: experimentId });
      await pulse().query(ASSIGN, { key });
      const rates = await plantPurchases(pulse(), key, { banner: 4.5, control: 2.5 });
      await pulse().query(MOVE('stopExperiment'), { id: experimentId });
      const concluded = await pulse().query<any>(CONCLUDE, { id: experimentId });
      expect(concluded.data.concludeExperiment.experiment.status).toBe('CONCLUDED');
      const measured = await createAction(pulse(), {
        ...PURCHASE,
        effect: 0.1,
        experimentId,
        variantKey: 'banner',
        metricKey: 'purchase',
      });
      const flat = await createAction(pulse(), {
        ...PURCHASE,
        effect: 0.1,
        experimentId,
        variantKey: 'banner',
        metricKey: 'refunds',
      });

      const response = await pulse().query<any>(MEASURE, { id: measured.id });

      const action = response.data.measureActionEffect.action;
      expect(action.effect).toBeCloseTo(rates.banner / rates.control - 1, 9);
      expect(action).toMatchObject({ effectSource: 'EXPERIMENT', version: 2 });
      expect(Date.parse(action.effectMeasuredAt)).toBeGreaterThan(Date.now() - 60_000);

      // No refunds in either arm: the lift is undefined, nothing significant.
      const refused = await pulse().query<any>(MEASURE, { id: flat.id });
      expectError(refused, 'BAD_USER_INPUT', 'id');
      expect(refused.errors![0].message).toContain('no significant improvement of "refunds"');
      const after = await pulse().query<any>(
        'query($id: ID!) { action(id: $id) { effect effectSource effectMeasuredAt version } }',
        { id: flat.id },
      );
      expect(after.data.action).toEqual({
        effect: 0.1,
        effectSource: 'MANUAL',
        effectMeasuredAt: null,
        version: 1,
      });
    });
  },
  { nbaHoldoutShare: 0 },
);

describeEachDialect(
  'next best action holdout',
  (pulse) => {
    it('holds out exactly the customers the pure hash puts under the share', async () => {
      const { ids, dbIds, segmentId } = await seed(pulse(), 200);
      await createAction(pulse(), { ...RETAIN, segmentId });
      for (const id of dbIds) {
        await insertPredictions(pulse(), id, { CHURN: 0.4, CLV: 500 });
        await consent(pulse(), id, 'EMAIL', 'GRANTED');
      }

      // nodes(ids) takes 100 ids at most.
      const results = [
        ...(await nextBestActions(pulse(), ids.slice(0, 100))),
        ...(await nextBestActions(pulse(), ids.slice(100))),
      ];
      const held = dbIds.filter((_id, i) => results[i].reasons[0] === 'HOLDOUT');

      expect(held).toEqual(dbIds.filter((id) => inHoldout(id, 0.5)));
      expect(held.length).toBeGreaterThan(70);
      expect(held.length).toBeLessThan(130);
      results.forEach((r, i) => {
        expect(r.action === null).toBe(inHoldout(dbIds[i], 0.5));
      });
      const list = await pulse().query<any>(LIST, { segmentId, first: 1 });
      expect(list.data.nextBestActions.totalCount).toBe(200 - held.length);
    });
  },
  { nbaHoldoutShare: 0.5 },
);
