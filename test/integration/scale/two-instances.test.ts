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
import { sample } from '../support/prometheus';
import { collect } from '../support/ws';

const UPSERT = `mutation($input: UpsertCustomersInput!) {
  upsertCustomers(input: $input) { customers { id } } }`;
const BY_EXTERNAL_ID = `query($externalId: String!) { customerByExternalId(externalId: $externalId) { id name } }`;
const CREATE_KEY = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key } }`;
const CREATE_KPI = `mutation($input: CreateKpiInput!) { createKpi(input: $input) { kpi { id } } }`;
const CREATE_RULE = `mutation($input: CreateAlertRuleInput!) {
  createAlertRule(input: $input) { alertRule { id } } }`;
const INGEST_ORDERS = `mutation($input: IngestOrdersInput!) { ingestOrders(input: $input) { accepted } }`;
const ALERT_EVENTS = `subscription($filter: AlertEventFilter) { alertEvents(filter: $filter) { type ruleId } }`;
const PAGE = 'query Page { customers(first: 5) { edges { node { id } } } }';

type AlertEventResult = { data: { alertEvents: { type: string; ruleId: string } } };

/** KPI evaluation every 3 s, so that periods, leases and take-overs fit in a test. */
const PERIOD_SECONDS = 3;
const KPI_JOB = { job: 'kpis.schedule' };

const describeRedis = redisAvailable() ? describe : describe.skip;

/** Runs of the KPI job on an instance, by outcome. */
async function kpiRuns(instance: PulseProcess, outcome: 'success' | 'skipped'): Promise<number> {
  return sample(await instance.metrics(), 'pulse_job_runs_total', { ...KPI_JOB, outcome });
}

async function asKey(instance: PulseProcess, key: string, query: string) {
  const response = await fetch(instance.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query }),
  });

  return (await response.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
}

// Two Pulse processes and Redis on one MariaDB database, as operators run them behind a load
// balancer.
describeRedis('two instances on one MariaDB with Redis', () => {
  let redis: LocalRedis;
  let databaseUrl: string;
  let first: PulseProcess;
  let second: PulseProcess;
  const clients: Client[] = [];

  beforeAll(async () => {
    requireBuild('observability/metrics.js');
    if (!process.env.TEST_MYSQL_URL) {
      throw new Error('TEST_MYSQL_URL is not set: the integration setup starts MariaDB');
    }
    redis = await startLocalRedis();
    databaseUrl = await freshDatabase(
      process.env.TEST_MYSQL_URL,
      `pulse_two_${randomBytes(4).toString('hex')}`,
    );
    const env = {
      DATABASE_URL: databaseUrl,
      REDIS_URL: redis.url,
      PULSE_KPI_EVALUATION_MINUTES: String(PERIOD_SECONDS / 60),
      PULSE_RATE_LIMIT_PARTNER: '30/86400',
    };
    // One after the other: the first runs the migrations, the second finds them done.
    first = await startPulseProcess(env);
    second = await startPulseProcess(env);
  }, 90_000);

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await Promise.all([first?.stop(), second?.stop()]);
    await redis?.stop();
  });

  it('reads on one instance what was written on the other', async () => {
    const externalId = unique('two');
    await first.query(UPSERT, {
      input: { customers: [{ externalId, name: 'Written on the first', country: 'GB' }] },
    });
    const read = await second.query<{ customerByExternalId: { name: string } | null }>(
      BY_EXTERNAL_ID,
      { externalId },
    );
    expect(read.customerByExternalId?.name).toBe('Written on the first');
  });

  it('spends one rate-limit budget on both instances', async () => {
    const { createApiKey } = await first.query<{ createApiKey: { key: string } }>(CREATE_KEY, {
      input: { role: 'PARTNER', name: 'shared budget' },
    });
    let refusedOnFirst = false;
    for (let i = 0; i < 40 && !refusedOnFirst; i++) {
      const answer = await asKey(first, createApiKey.key, PAGE);
      refusedOnFirst = answer.errors?.[0]?.extensions?.code === 'RATE_LIMITED';
    }
    expect(refusedOnFirst).toBe(true);
    const onSecond = await asKey(second, createApiKey.key, PAGE);
    expect(onSecond.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
  });

  it('fires an alert once, from whichever instance evaluates, to subscribers of both', async () => {
    const { upsertCustomers } = await first.query<{
      upsertCustomers: { customers: Array<{ id: string }> };
    }>(UPSERT, { input: { customers: [{ externalId: unique('buyer'), name: 'Buyer' }] } });
    const yesterday = new Date(Date.now() - 86_400_000).toISOString();
    await first.query(INGEST_ORDERS, {
      input: {
        orders: [
          {
            customerId: upsertCustomers.customers[0].id,
            clientOrderId: unique('order'),
            orderedAt: yesterday,
            amount: 120,
            currency: 'EUR',
            status: 'PAID',
          },
        ],
      },
    });
    const { createKpi } = await first.query<{ createKpi: { kpi: { id: string } } }>(CREATE_KPI, {
      input: {
        key: `revenue_${randomBytes(3).toString('hex')}`,
        metric: 'REVENUE',
        granularity: 'DAY',
      },
    });
    const { createAlertRule } = await second.query<{
      createAlertRule: { alertRule: { id: string } };
    }>(CREATE_RULE, {
      input: {
        kpiId: createKpi.kpi.id,
        name: 'Any revenue',
        severity: 'INFO',
        condition: { kind: 'THRESHOLD', threshold: { operator: 'ABOVE', value: 0 } },
      },
    });
    const ruleId = createAlertRule.alertRule.id;
    const subscribe = (instance: PulseProcess) => {
      const client = instance.wsClient();
      clients.push(client);

      // Up to 2 events in 5 periods: the first must come, a second must not.
      return collect<AlertEventResult>(
        client,
        ALERT_EVENTS,
        { filter: { ruleIds: [ruleId] } },
        2,
        5 * PERIOD_SECONDS * 1000,
      );
    };
    const [onFirst, onSecond] = [subscribe(first), subscribe(second)];
    const [onFirstEvents, onSecondEvents] = await Promise.all([onFirst.results, onSecond.results]);
    const fired = [{ type: 'FIRED', ruleId }];
    expect(onFirstEvents.map((result) => result.data.alertEvents)).toEqual(fired);
    expect(onSecondEvents.map((result) => result.data.alertEvents)).toEqual(fired);
  });

  it('runs the KPI job on one instance at a time, and the other takes over a killed holder', async () => {
    const runs = async () => (await kpiRuns(first, 'success')) + (await kpiRuns(second, 'success'));
    const before = await runs();
    const windowSeconds = 4 * PERIOD_SECONDS;
    await sleep(windowSeconds * 1000);
    // Each run holds the lease for 0.9 of a period: two instances ticking every period would
    // run about twice per period without it.
    expect((await runs()) - before).toBeLessThanOrEqual(
      Math.floor(windowSeconds / (0.9 * PERIOD_SECONDS)) + 1,
    );
    expect((await kpiRuns(first, 'skipped')) + (await kpiRuns(second, 'skipped'))).toBeGreaterThan(
      0,
    );

    const connection = await createConnection(databaseUrl);
    const [rows] = await connection.query(
      "SELECT holder FROM job_leases WHERE name = 'kpis.schedule'",
    );
    await connection.end();
    const holderPid = Number(String((rows as Array<{ holder: string }>)[0].holder).split(':')[1]);
    const [holder, survivor] = holderPid === first.pid ? [first, second] : [second, first];
    expect([first.pid, second.pid]).toContain(holderPid);
    const survivorRuns = await kpiRuns(survivor, 'success');
    const killedAt = Date.now();
    await holder.kill();
    let tookOverAfter: number | null = null;
    while (Date.now() - killedAt < 4 * PERIOD_SECONDS * 1000) {
      await sleep(200);
      if ((await kpiRuns(survivor, 'success')) > survivorRuns) {
        tookOverAfter = Date.now() - killedAt;
        break;
      }
    }
    // At worst: the lease's 0.9 of a period, then the survivor's next tick.
    expect(tookOverAfter).not.toBeNull();
    expect(tookOverAfter as number).toBeLessThanOrEqual(2 * PERIOD_SECONDS * 1000 + 1000);
  });
});
