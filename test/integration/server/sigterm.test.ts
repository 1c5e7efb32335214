import { setTimeout as sleep } from 'node:timers/promises';
import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import { fromGlobalId } from '../../../src/graphql/global-id';
import { freshDatabase } from '../../support/mariadb-server';
import {
  requireBuild,
  startPulseProcess,
  type PulseProcess,
} from '../delivery/support/pulse-process';
import { unique } from '../support/factories';

const UPSERT = `mutation($input: UpsertCustomersInput!) {
  upsertCustomers(input: $input) { customers { id } } }`;
const RENAME = `mutation($input: UpdateCustomerInput!) { updateCustomer(input: $input) { customer { name } } }`;
const PAGE = '{ customers(first: 1) { totalCount } }';
const DRAIN_MS = 1500;

/** A subscription held open, and the close code its socket will get from the server. */
async function openSubscription(instance: PulseProcess): Promise<{ closed: Promise<number> }> {
  const client = instance.wsClient();
  const closed = new Promise<number>((resolve) =>
    client.on('closed', (event) => resolve((event as { code: number }).code)),
  );
  const opened = new Promise<void>((resolve) => client.on('connected', () => resolve()));
  client.subscribe(
    { query: 'subscription { alertEvents { type } }' },
    { next: () => undefined, error: () => undefined, complete: () => undefined },
  );
  await opened;

  // Wrapped: an async function returning the promise itself would wait for it.
  return { closed };
}

/** What an HTTP call got: its status, or the network error that refused it. */
async function attempt(url: string, init?: RequestInit): Promise<number | 'refused'> {
  return fetch(url, init).then(
    (response) => response.status,
    () => 'refused' as const,
  );
}

// An orchestrator stopping an instance under load: readiness says 503 first while requests are
// still served, then the listener closes, in-flight requests finish, WebSockets are told to
// reconnect elsewhere, and the process exits by itself well within 30 s.
describe('SIGTERM under load', () => {
  it('drains, finishes in-flight requests, closes sockets with 1012 and exits', async () => {
    requireBuild('server/app.js');
    if (!process.env.TEST_MYSQL_URL) {
      throw new Error('TEST_MYSQL_URL is not set: the integration setup starts MariaDB');
    }
    const url = await freshDatabase(
      process.env.TEST_MYSQL_URL,
      `pulse_term_${randomBytes(4).toString('hex')}`,
    );
    const instance = await startPulseProcess({
      DATABASE_URL: url,
      PULSE_SHUTDOWN_DRAIN_MS: String(DRAIN_MS),
      PULSE_SHUTDOWN_TIMEOUT_MS: '10000',
    });
    const base = instance.url.replace(/\/graphql$/, '');
    const post = (query: string, variables: Record<string, unknown> = {}) =>
      fetch(instance.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${instance.adminKey}`,
        },
        body: JSON.stringify({ query, variables }),
      });
    const { upsertCustomers } = await instance.query<{
      upsertCustomers: { customers: Array<{ id: string }> };
    }>(UPSERT, { input: { customers: [{ externalId: unique('term'), name: 'Before' }] } });
    const customerId = upsertCustomers.customers[0].id;
    const socket = await openSubscription(instance);

    // A write held in flight by a row lock taken from outside.
    const lock = await createConnection(url);
    await lock.query('BEGIN');
    await lock.query('SELECT id FROM customers WHERE id = ? FOR UPDATE', [
      fromGlobalId(customerId, 'Customer', 'id'),
    ]);
    const inFlight = post(RENAME, { input: { id: customerId, version: 1, name: 'During' } });
    await sleep(200);

    const started = Date.now();
    const exited = instance.terminate();
    await sleep(100);
    // Draining: not ready, but still answering.
    expect(await attempt(`${base}/readyz`)).toBe(503);
    const duringDrain = await post(PAGE);
    expect(duringDrain.status).toBe(200);
    // After the drain the listener is closed: a new connection is refused, not half-served.
    await sleep(DRAIN_MS + 300);
    expect(await attempt(`${base}/readyz`)).toBe('refused');
    expect(await attempt(instance.url, { method: 'POST', body: '{}' })).toBe('refused');

    await lock.query('ROLLBACK');
    await lock.end();
    const finished = await inFlight;
    expect(finished.status).toBe(200);
    expect(await finished.json()).toEqual({
      data: { updateCustomer: { customer: { name: 'During' } } },
    });
    expect(await socket.closed).toBe(1012);
    expect(await exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
