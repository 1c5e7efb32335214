import { setTimeout as sleep } from 'node:timers/promises';
import { randomBytes } from 'node:crypto';
import type { Client } from 'graphql-ws';
import { createConnection } from 'mysql2/promise';
import { freshDatabase } from '../../support/mariadb-server';
import { redisAvailable, startLocalRedis, type LocalRedis } from '../../support/redis-server';
import {
  requireBuild,
  startPulseProcess,
  type PulseProcess,
} from '../delivery/support/pulse-process';
import { unique } from '../support/factories';
import { follow } from '../support/ws';

const UPSERT = `mutation($input: UpsertCustomersInput!) {
  upsertCustomers(input: $input) { customers { id } } }`;
const INGEST = `mutation($input: IngestInteractionsInput!) { ingestInteractions(input: $input) { accepted } }`;
const INGEST_ORDERS = `mutation($input: IngestOrdersInput!) { ingestOrders(input: $input) { accepted } }`;
const PAGE = 'query Page { customers(first: 5) { edges { node { id } } } }';
const CREATE_KEY = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key } }`;
const CREATE_KPI = `mutation($input: CreateKpiInput!) { createKpi(input: $input) { kpi { id } } }`;
const CREATE_RULE = `mutation($input: CreateAlertRuleInput!) {
  createAlertRule(input: $input) { alertRule { id } } }`;
const HISTORY = `query($filter: AlertEventFilter) {
  alertHistory(first: 10, filter: $filter) { edges { cursor node { type ruleId } } } }`;
const RECORDED = `subscription($ids: [ID!]!) { interactionRecorded(customerIds: $ids) { clientEventId } }`;
const ALERT_EVENTS = `subscription($filter: AlertEventFilter, $since: String) {
  alertEvents(filter: $filter, since: $since) { cursor type ruleId } }`;

type AlertEvent = { cursor: string; type: string; ruleId: string };
type AlertEventResult = { data: { alertEvents: AlertEvent } };
type Recorded = { data: { interactionRecorded: { clientEventId: string } } };
type History = { alertHistory: { edges: Array<{ cursor: string; node: AlertEvent }> } };

/** KPI evaluation every 3 s, so that an alert fires within seconds of its rule. */
const PERIOD_MS = 3000;
// Longer than ioredis' 20 reconnection attempts (about 10.5 s), after which a client fails the
// commands it queued meanwhile: that must not end the process.
const OUTAGE_MS = 12_000;

async function elapsedMs(work: () => Promise<unknown>): Promise<number> {
  const started = Date.now();
  await work();

  return Date.now() - started;
}

const describeRedis = redisAvailable() ? describe : describe.skip;

// Two Pulse processes on one MariaDB lose their Redis for OUTAGE_MS, then get it back on the
// same port. The `it`s run in order and share state: during the outage, then after it.
describeRedis('Redis outage under two instances on one MariaDB', () => {
  let redis: LocalRedis;
  let stoppedAt: number;
  let databaseUrl: string;
  let first: PulseProcess;
  let second: PulseProcess;
  const clients: Client[] = [];
  let customerId: string;
  // The next interaction each instance's subscriber (connected before the outage) receives.
  let nextRecorded: Array<(timeoutMs: number) => Promise<Recorded>>;
  // The cursor an alert consumer kept before the outage; the events fired during it.
  let lastCursor: string;
  // That consumer's subscription (for the first KPI only), and one for every alert event on
  // each instance, all left open through the outage.
  let nextFirstKpiAlert: (timeoutMs: number) => Promise<AlertEventResult>;
  let nextOpenAlert: Array<(timeoutMs: number) => Promise<AlertEventResult>>;
  let firedDuringOutage: AlertEvent[];
  const ingestedDuringOutage: string[] = [];
  let budgetPerInstance: number;

  async function ingest(instance: PulseProcess, clientEventId = unique('event')): Promise<string> {
    const interaction = { customerId, channel: 'WEB', type: 'page_view', clientEventId };
    await instance.query(INGEST, {
      input: { interactions: [{ ...interaction, occurredAt: new Date() }] },
    });

    return clientEventId;
  }

  /**
   * Ingests on the first instance every 500 ms until both subscribers heard one of these
   * interactions; returns what was sent, and everything heard (earlier ones included).
   */
  async function ingestUntilHeard(timeoutMs: number) {
    const sent: string[] = [];
    const heard: string[] = [];
    const hearOne = async (next: (timeoutMs: number) => Promise<Recorded>) => {
      let clientEventId = '';
      while (!sent.includes(clientEventId)) {
        clientEventId = (await next(timeoutMs)).data.interactionRecorded.clientEventId;
        heard.push(clientEventId);
      }
    };
    let done = false;
    const both = Promise.all(nextRecorded.map(hearOne)).finally(() => {
      done = true;
    });
    while (!done) {
      const clientEventId = unique('event');
      sent.push(clientEventId);
      await ingest(first, clientEventId);
      await Promise.race([both.catch(() => undefined), sleep(500)]);
    }
    await both;

    return { sent, heard };
  }

  /** Spends a PARTNER key's budget on `instance`; returns how many requests passed. */
  async function spend(instance: PulseProcess, key: string): Promise<number> {
    for (let passed = 0; passed < 50; passed++) {
      const response = await fetch(instance.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query: PAGE }),
      });
      const { errors } = (await response.json()) as { errors?: [{ extensions: { code: string } }] };
      if (errors?.[0].extensions.code === 'RATE_LIMITED') {
        return passed;
      }
      expect(errors).toBeUndefined();
    }
    throw new Error('50 requests passed: the budget is not enforced');
  }

  async function partnerKey(): Promise<string> {
    const input = { role: 'PARTNER', name: unique('outage') };

    return (await first.query<{ createApiKey: { key: string } }>(CREATE_KEY, { input }))
      .createApiKey.key;
  }

  /** A revenue KPI: the order of beforeAll makes its closed day positive. */
  async function revenueKpi(): Promise<string> {
    const key = `revenue_${randomBytes(3).toString('hex')}`;
    const input = { key, metric: 'REVENUE', granularity: 'DAY' };

    return (await first.query<{ createKpi: { kpi: { id: string } } }>(CREATE_KPI, { input }))
      .createKpi.kpi.id;
  }

  /** A rule that fires at the KPI job's next run. */
  async function firingRule(kpiId: string): Promise<string> {
    const condition = { kind: 'THRESHOLD', threshold: { operator: 'ABOVE', value: 0 } };
    const input = { kpiId, name: unique('rule'), severity: 'INFO', condition };
    const created = await first.query<{ createAlertRule: { alertRule: { id: string } } }>(
      CREATE_RULE,
      { input },
    );

    return created.createAlertRule.alertRule.id;
  }

  function subscribe<T>(instance: PulseProcess, query: string, variables = {}) {
    const client = instance.wsClient();
    clients.push(client);

    return follow<T>(client, query, variables);
  }

  beforeAll(async () => {
    requireBuild('server/pubsub.js');
    if (!process.env.TEST_MYSQL_URL) {
      throw new Error('TEST_MYSQL_URL is not set: the integration setup starts MariaDB');
    }
    redis = await startLocalRedis();
    const name = `pulse_outage_${randomBytes(4).toString('hex')}`;
    databaseUrl = await freshDatabase(process.env.TEST_MYSQL_URL, name);
    const env = {
      DATABASE_URL: databaseUrl,
      REDIS_URL: redis.url,
      PULSE_KPI_EVALUATION_MINUTES: String(PERIOD_MS / 60_000),
      PULSE_RATE_LIMIT_PARTNER: '20/86400',
    };
    // One after the other: the first runs the migrations, the second finds them done.
    first = await startPulseProcess(env);
    second = await startPulseProcess(env);
    const customer = { externalId: unique('outage'), name: 'Buyer' };
    customerId = (
      await first.query<{ upsertCustomers: { customers: Array<{ id: string }> } }>(UPSERT, {
        input: { customers: [customer] },
      })
    ).upsertCustomers.customers[0].id;
    const yesterday = new Date(Date.now() - 86_400_000).toISOString();
    const order = { customerId, clientOrderId: unique('order'), orderedAt: yesterday };
    await first.query(INGEST_ORDERS, {
      input: { orders: [{ ...order, amount: 120, currency: 'EUR', status: 'PAID' }] },
    });
    // An alert consumer on one instance sees an event fired on either, and keeps its cursor.
    const kpiId = await revenueKpi();
    nextFirstKpiAlert = subscribe<AlertEventResult>(second, ALERT_EVENTS, {
      filter: { kpiIds: [kpiId] },
    });
    await sleep(300);
    await firingRule(kpiId);
    lastCursor = (await nextFirstKpiAlert(5 * PERIOD_MS)).data.alertEvents.cursor;
    nextOpenAlert = [first, second].map((instance) =>
      subscribe<AlertEventResult>(instance, ALERT_EVENTS),
    );
    nextRecorded = [first, second].map((instance) =>
      subscribe<Recorded>(instance, RECORDED, { ids: [customerId] }),
    );
    // Both subscribers hear through Redis before it stops.
    await ingestUntilHeard(5000);
  }, 90_000);

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await Promise.all([first?.stop(), second?.stop()]);
    await redis?.stop();
  });

  describe('while Redis is down', () => {
    beforeAll(async () => {
      await redis.stop();
      stoppedAt = Date.now();
    });

    it('answers queries and mutations on both instances within 2 s, and stores the writes', async () => {
      const externalIds = [unique('during'), unique('during')];
      for (const [i, instance] of [first, second].entries()) {
        const input = { customers: [{ externalId: externalIds[i], name: 'During the outage' }] };
        expect(await elapsedMs(() => instance.query(UPSERT, { input }))).toBeLessThan(2000);
        // Ingestion publishes interactionRecorded: the publish must neither hold nor fail it.
        const ingesting = async () => ingestedDuringOutage.push(await ingest(instance));
        expect(await elapsedMs(ingesting)).toBeLessThan(2000);
        expect(await elapsedMs(() => instance.query(PAGE))).toBeLessThan(2000);
      }
      const connection = await createConnection(databaseUrl);
      const count = async (sql: string, values: string[]) =>
        Number(((await connection.query(sql, [values]))[0] as [{ n: number }])[0].n);
      try {
        const customers = 'SELECT COUNT(*) AS n FROM customers WHERE external_id IN (?)';
        const interactions = 'SELECT COUNT(*) AS n FROM interactions WHERE client_event_id IN (?)';
        expect(await count(customers, externalIds)).toBe(2);
        expect(await count(interactions, ingestedDuringOutage)).toBe(2);
      } finally {
        await connection.end();
      }
    });

    it('stays ready: /readyz answers 200, since serving needs no Redis', async () => {
      for (const instance of [first, second]) {
        const response = await fetch(instance.url.replace(/\/graphql$/, '/readyz'));
        expect(response.status).toBe(200);
      }
    });

    it('gives a key one whole budget per instance: requests pass until it is spent, then are refused', async () => {
      const key = await partnerKey();
      budgetPerInstance = await spend(first, key);
      expect(budgetPerInstance).toBeGreaterThan(0);
      expect(await spend(second, key)).toBe(budgetPerInstance);
    });

    it('stores the alert events the KPI job fires', async () => {
      const kpiId = await revenueKpi();
      const ruleIds = [await firingRule(kpiId), await firingRule(kpiId)];
      const deadline = Date.now() + 5 * PERIOD_MS;
      let history: History['alertHistory']['edges'] = [];
      while (history.length < 2 && Date.now() < deadline) {
        await sleep(500);
        const filter = { kpiIds: [kpiId] };
        history = (await second.query<History>(HISTORY, { filter })).alertHistory.edges;
      }
      // History is newest first; a resuming consumer gets them oldest first.
      firedDuringOutage = history.map(({ cursor, node }) => ({ ...node, cursor })).reverse();
      expect(firedDuringOutage).toEqual(
        ruleIds.map((ruleId) => ({ cursor: expect.any(String), type: 'FIRED', ruleId })),
      );
    });
  });

  describe('once Redis is back on the same port', () => {
    beforeAll(async () => {
      await sleep(OUTAGE_MS - (Date.now() - stoppedAt));
      redis = await startLocalRedis(redis.port);
    }, OUTAGE_MS + 15_000);

    it('delivers live events again to the subscribers that stayed connected, on both instances', async () => {
      const { heard } = await ingestUntilHeard(15_000);
      // What was published during the outage was dropped, not delivered late.
      const late = heard.filter((clientEventId) => ingestedDuringOutage.includes(clientEventId));
      expect(late).toEqual([]);
    });

    it('shares the budget again: what one instance spent is spent on the other', async () => {
      // Each instance's rate limiter reconnects on its own schedule: fresh keys until shared.
      const deadline = Date.now() + 10_000;
      let spent = { onFirst: 0, onSecond: -1 };
      while (spent.onSecond !== 0 && Date.now() < deadline) {
        const key = await partnerKey();
        spent = { onFirst: await spend(first, key), onSecond: await spend(second, key) };
      }
      expect(spent).toEqual({ onFirst: budgetPerInstance, onSecond: 0 });
    });

    it('sends the alert events stored during the outage to the subscriptions left open, once each, in order, as their filters allow', async () => {
      for (const next of nextOpenAlert) {
        const events: AlertEvent[] = [];
        for (let i = 0; i < firedDuringOutage.length; i++) {
          events.push((await next(10_000)).data.alertEvents);
        }
        expect(events).toEqual(firedDuringOutage);
        await expect(next(PERIOD_MS)).rejects.toThrow('no event within');
      }
      // The events are of another KPI than this subscription's.
      await expect(nextFirstKpiAlert(1000)).rejects.toThrow('no event within');
    });

    it('replays the alert events stored during the outage to a consumer resuming with since, once each, in order', async () => {
      const next = subscribe<AlertEventResult>(first, ALERT_EVENTS, { since: lastCursor });
      const events: AlertEvent[] = [];
      for (let i = 0; i < firedDuringOutage.length; i++) {
        events.push((await next(5000)).data.alertEvents);
      }
      expect(events).toEqual(firedDuringOutage);
      // Nothing more: no second copy of either.
      await expect(next(PERIOD_MS)).rejects.toThrow('no event within');
    });
  });
});
