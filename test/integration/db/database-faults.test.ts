import { randomBytes } from 'node:crypto';
import { createConnection, type Connection } from 'mysql2/promise';
import type { Config } from '../../../src/config';
import { fromGlobalId } from '../../../src/graphql/global-id';
import { freshDatabase } from '../../support/mariadb-server';
import { createCustomers } from '../support/factories';
import { startTestPulse, type TestPulse } from '../support/start-pulse';

const RENAME = `mutation Rename($input: UpdateCustomerInput!) {
  updateCustomer(input: $input) { customer { name } }
}`;
const PAGE = 'query Page { customers(first: 1) { edges { node { id } } } }';

/** A Pulse on its own MariaDB database with these pool settings. */
async function pulseWithPool(
  pool: Pick<
    Extract<Config['database'], { type: 'mysql' }>,
    'poolSize' | 'statementTimeoutMs' | 'queueLimit'
  >,
): Promise<{ pulse: TestPulse; url: string }> {
  if (!process.env.TEST_MYSQL_URL) {
    throw new Error('TEST_MYSQL_URL is not set: the integration setup starts MariaDB');
  }
  const url = await freshDatabase(
    process.env.TEST_MYSQL_URL,
    `pulse_faults_${randomBytes(4).toString('hex')}`,
  );
  const pulse = await startTestPulse('mysql', {
    database: { type: 'mysql', flavor: 'mysql', url, ...pool },
  });

  return { pulse, url };
}

/** Holds a row lock on a customer from outside Pulse until `release` is called. */
async function lockCustomer(
  url: string,
  customerId: number,
): Promise<{ release(): Promise<void> }> {
  const connection: Connection = await createConnection(url);
  await connection.query('BEGIN');
  await connection.query('SELECT id FROM customers WHERE id = ? FOR UPDATE', [customerId]);

  return {
    release: async () => {
      await connection.query('ROLLBACK');
      await connection.end();
    },
  };
}

/** The pool's connections by state, as /metrics reports them. */
async function poolState(pulse: TestPulse): Promise<Record<string, number>> {
  const text = await (await fetch(pulse.url.replace(/\/graphql$/, '/metrics'))).text();

  return Object.fromEntries(
    [...text.matchAll(/^pulse_db_pool_connections\{state="(\w+)"\} (\d+)$/gm)].map(
      ([, state, value]) => [state, Number(value)],
    ),
  );
}

function rename(pulse: TestPulse, id: string, name: string) {
  return pulse.query<{ updateCustomer: { customer: { name: string } } }>(RENAME, {
    input: { id, version: 1, name },
  });
}

describe('a slow database', () => {
  it('cuts a statement at the time limit with STATEMENT_TIMEOUT and returns its connection', async () => {
    const { pulse, url } = await pulseWithPool({ poolSize: 2, statementTimeoutMs: 500 });
    try {
      const [customer] = await createCustomers(pulse, 1);
      const lock = await lockCustomer(url, fromGlobalId(customer.id, 'Customer', 'id'));
      const started = Date.now();
      const cut = await rename(pulse, customer.id, 'Blocked');
      const waited = Date.now() - started;
      await lock.release();
      expect(cut.errors?.[0]).toMatchObject({
        extensions: { code: 'STATEMENT_TIMEOUT' },
        message: expect.stringContaining('PULSE_DB_STATEMENT_TIMEOUT_MS'),
      });
      expect(waited).toBeGreaterThanOrEqual(450);
      expect(waited).toBeLessThan(5000);
      // Nothing of the cut write stayed, the connection is back, and the same write now passes.
      expect(await poolState(pulse)).toMatchObject({ size: 2, in_use: 0, waiting: 0 });
      const retried = await rename(pulse, customer.id, 'Renamed');
      expect(retried.data?.updateCustomer.customer.name).toBe('Renamed');
    } finally {
      await pulse.stop();
    }
  });

  it('refuses at once with SERVICE_UNAVAILABLE when the pool queue is full', async () => {
    const { pulse, url } = await pulseWithPool({
      poolSize: 1,
      queueLimit: 1,
      statementTimeoutMs: 3000,
    });
    try {
      const [customer] = await createCustomers(pulse, 1);
      // The key lookup is cached after the first request; later requests need no connection
      // for it, so the queue holds exactly the blocked work.
      await pulse.query(PAGE);
      const lock = await lockCustomer(url, fromGlobalId(customer.id, 'Customer', 'id'));
      const holder = rename(pulse, customer.id, 'First');
      await new Promise((resolve) => setTimeout(resolve, 200));
      const queued = pulse.query(PAGE);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const started = Date.now();
      const refused = await pulse.query(PAGE);
      const answeredIn = Date.now() - started;
      expect(refused.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
      expect(answeredIn).toBeLessThan(1000);
      await lock.release();
      expect((await holder).data?.updateCustomer.customer.name).toBe('First');
      expect((await queued).errors).toBeUndefined();
      expect(await poolState(pulse)).toMatchObject({ in_use: 0, waiting: 0 });
    } finally {
      await pulse.stop();
    }
  });
});
