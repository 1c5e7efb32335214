import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from 'graphql-ws';
import type { Config } from '../../../src/config';
import { toGlobalId } from '../../../src/graphql/global-id';
import { createAlertBurst } from '../../support/alert-burst';
import { unique } from '../support/factories';
import { collect } from '../support/ws';
import {
  type Dialect,
  mysqlAvailable,
  startTestPulse,
  type TestPulse,
} from '../support/start-pulse';
import { freshDatabase } from '../../support/mariadb-server';
import { redisAvailable, startLocalRedis, type LocalRedis } from '../../support/redis-server';
import { requireBuild, startPulseProcess, type PulseProcess } from './support/pulse-process';

const UPSERT = `mutation($input: UpsertCustomersInput!) {
  upsertCustomers(input: $input) { customers { id } } }`;
const INGEST = `mutation($input: IngestInteractionsInput!) { ingestInteractions(input: $input) { accepted } }`;
const RECORDED = `subscription($ids: [ID!]!) { interactionRecorded(customerIds: $ids) { clientEventId } }`;

const ALERT_EVENTS = `subscription($filter: AlertEventFilter) {
  alertEvents(filter: $filter) { type ruleId value } }`;
const ACKNOWLEDGE = `mutation($input: AcknowledgeAlertInput!) {
  acknowledgeAlert(input: $input) { event { type } } }`;

type Recorded = { data: { interactionRecorded: { clientEventId: string } } };
type AlertEventResult = { data: { alertEvents: { type: string; ruleId: string; value: number } } };

const describeRedis = redisAvailable() ? describe : describe.skip;
const dialects: Dialect[] = mysqlAvailable() ? ['sqlite', 'mysql'] : ['sqlite'];

function databaseConfig(url: string): Config['database'] {
  return url.startsWith('sqlite:')
    ? { type: 'sqlite', path: url.slice('sqlite:'.length) }
    : { type: 'mysql', flavor: 'mysql', url, poolSize: 5 };
}

async function databaseUrl(dialect: Dialect, dir: string): Promise<string> {
  return dialect === 'sqlite'
    ? `sqlite:${path.join(dir, 'pulse.sqlite')}`
    : freshDatabase(
        process.env.TEST_MYSQL_URL as string,
        `pulse_${randomBytes(4).toString('hex')}`,
      );
}

async function ingest(instance: PulseProcess, customerId: string): Promise<string> {
  const clientEventId = unique('redis');
  await instance.query(INGEST, {
    input: {
      interactions: [
        {
          customerId,
          channel: 'WEB',
          type: 'page_view',
          occurredAt: '2026-01-01T00:00:00Z',
          clientEventId,
        },
      ],
    },
  });

  return clientEventId;
}

function eventIds(results: Recorded[]): string[] {
  return results.map((result) => result.data.interactionRecorded.clientEventId);
}

describeRedis.each(dialects)('events between two instances through Redis [%s]', (dialect) => {
  let redis: LocalRedis;
  let dir: string;
  let first: PulseProcess;
  let second: PulseProcess;
  // A third instance, in this process, where a test can fire alerts through AlertService.
  let local: TestPulse;
  const clients: Client[] = [];
  let customerId: string;

  beforeAll(async () => {
    requireBuild('server/pubsub.js');
    requireBuild('alerts/webhook.service.js');
    dir = mkdtempSync(path.join(os.tmpdir(), 'pulse-two-'));
    redis = await startLocalRedis();
    const env = { DATABASE_URL: await databaseUrl(dialect, dir), REDIS_URL: redis.url };
    // One after the other: the first runs the migrations, the others find them done.
    first = await startPulseProcess(env);
    second = await startPulseProcess(env);
    local = await startTestPulse(dialect, {
      database: databaseConfig(env.DATABASE_URL),
      redisUrl: redis.url,
      kpiEvaluationMinutes: 0,
    });
    const created = await first.query<{ upsertCustomers: { customers: Array<{ id: string }> } }>(
      UPSERT,
      { input: { customers: [{ externalId: unique('two'), name: 'Two', country: 'GB' }] } },
    );
    customerId = created.upsertCustomers.customers[0].id;
  }, 90_000);

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await Promise.all([first?.stop(), second?.stop(), local?.stop()]);
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function client(instance: PulseProcess): Client {
    const created = instance.wsClient();
    clients.push(created);

    return created;
  }

  it('delivers an interaction ingested on one instance to a subscriber of the other, once', async () => {
    const onSecond = collect<Recorded>(client(second), RECORDED, { ids: [customerId] }, 2, 3000);
    await onSecond.ready;
    const clientEventId = await ingest(first, customerId);

    // Waits the full 3 s for a second (duplicate) event that must not come.
    expect(eventIds(await onSecond.results)).toEqual([clientEventId]);
  });

  it('delivers an event to subscribers of both instances, the publishing one included', async () => {
    const onFirst = collect<Recorded>(client(first), RECORDED, { ids: [customerId] }, 2, 3000);
    const onSecond = collect<Recorded>(client(second), RECORDED, { ids: [customerId] }, 2, 3000);
    await Promise.all([onFirst.ready, onSecond.ready]);
    const clientEventId = await ingest(second, customerId);

    expect(eventIds(await onFirst.results)).toEqual([clientEventId]);
    expect(eventIds(await onSecond.results)).toEqual([clientEventId]);
  });

  it('delivers an alert fired on one instance, and its acknowledgement on another, to a subscriber of a third', async () => {
    const burst = await createAlertBurst(local.app.services, 1);
    const ruleId = toGlobalId('AlertRule', burst.ruleIds[0]);
    const onSecond = collect<AlertEventResult>(
      client(second),
      ALERT_EVENTS,
      { filter: { ruleIds: [ruleId] } },
      3,
      3000,
    );
    await onSecond.ready;
    await burst.evaluate(42);
    await first.query(ACKNOWLEDGE, { input: { ruleId } });

    expect((await onSecond.results).map((result) => result.data.alertEvents)).toEqual([
      { type: 'FIRED', ruleId, value: 42 },
      { type: 'ACKNOWLEDGED', ruleId, value: 42 },
    ]);
  });
});
