import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createConnection } from 'mysql2/promise';
import {
  findServerBinary,
  freshDatabase,
  type LocalMariaDb,
  startLocalMariaDb,
} from '../../support/mariadb-server';
import { createCustomers } from '../support/factories';
import { startTestPulse, type TestPulse } from '../support/start-pulse';

const describeMariaDb =
  findServerBinary() && process.env.PULSE_TEST_SQLITE_ONLY !== '1' ? describe : describe.skip;

const QUALITY = '{ dataQuality { customers } }';
const CUSTOMERS = '{ customers(first: 1) { totalCount } }';

async function sql(baseUrl: string, statement: string, params: unknown[] = []) {
  const connection = await createConnection(baseUrl);
  try {
    const [rows] = await connection.query(statement, params);

    return rows as Array<Record<string, unknown>>;
  } finally {
    await connection.end();
  }
}

// Two throwaway MariaDB servers, the second replicating the first's binary log, as in
// production: what the replica serves is what replication has brought over, no more.
describeMariaDb('Pulse with a MariaDB replica fed by binlog replication', () => {
  let dir: string;
  let primary: LocalMariaDb;
  let replica: LocalMariaDb;
  let pulse: TestPulse;

  /** Waits until the replica has applied everything the primary has logged so far. */
  async function replicated(): Promise<void> {
    const [{ position }] = await sql(primary.baseUrl, 'SELECT @@gtid_binlog_pos AS position');
    const [{ waited }] = await sql(replica.baseUrl, 'SELECT MASTER_GTID_WAIT(?, 30) AS waited', [
      position,
    ]);
    expect(Number(waited)).toBe(0);
  }

  async function qualityCustomers(): Promise<number> {
    const response = await pulse.query<{ dataQuality: { customers: number } }>(QUALITY);

    return response.data!.dataQuality.customers;
  }

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'pulse-replication-'));
    [primary, replica] = await Promise.all([
      startLocalMariaDb(path.join(dir, 'primary'), undefined, [
        '--log-bin=binlog',
        '--server-id=1',
      ]),
      startLocalMariaDb(path.join(dir, 'replica'), undefined, ['--server-id=2']),
    ]);
    await sql(
      replica.baseUrl,
      `CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = ${primary.port}, MASTER_USER = 'root', MASTER_USE_GTID = slave_pos`,
    );
    await sql(replica.baseUrl, 'START SLAVE');
    // Created on the primary, the database and then Pulse's tables reach the replica by the log.
    const url = await freshDatabase(primary.baseUrl, 'pulse');
    pulse = await startTestPulse('mysql', {
      database: {
        type: 'mysql',
        flavor: 'mysql',
        url,
        poolSize: 4,
        replicaUrls: [`${replica.baseUrl}/pulse`],
      },
      kpiEvaluationMinutes: 0,
      segmentRefreshMinutes: 0,
      experimentMonitorMinutes: 0,
      scoringMinutes: 0,
    });
  });

  afterAll(async () => {
    await pulse?.stop();
    await Promise.all([primary?.stop(), replica?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows a write on the primary in analytical answers once the replica has applied it', async () => {
    await createCustomers(pulse, 3);
    await replicated();
    expect(await qualityCustomers()).toBe(3);
  });

  it("answers analytical queries as of the replica while it lags, and the request's own reads from the primary", async () => {
    await sql(replica.baseUrl, 'STOP SLAVE');
    await createCustomers(pulse, 2);
    expect(await qualityCustomers()).toBe(3);
    const list = await pulse.query<{ customers: { totalCount: number } }>(CUSTOMERS);
    expect(list.data?.customers.totalCount).toBe(5);
    await sql(replica.baseUrl, 'START SLAVE');
    await replicated();
    expect(await qualityCustomers()).toBe(5);
  });
});
