import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../../src/db/data-source';
import { openDatabase } from '../../../src/db/open';
import { createLog } from '../../../src/log';
import { generateDemoBatch } from '../../../src/seed/demo-data';
import { hasCustomers, seedDemoData } from '../../../src/seed/seed.service';
import { freshDatabase } from '../../support/mariadb-server';
import { type Dialect, mysqlAvailable } from '../support/start-pulse';

const TABLES = [
  'customers',
  'customer_consents',
  'consent_changes',
  'interactions',
  'orders',
  'order_lines',
] as const;

/** A migrated, empty database of the dialect: in-memory SQLite, or a fresh MySQL database. */
async function emptyDatabase(dialect: Dialect): Promise<DataSource> {
  if (dialect === 'sqlite') {
    const db = createDataSource({ type: 'sqlite', path: ':memory:' });
    await db.initialize();
    await db.runMigrations();

    return db;
  }
  const url = await freshDatabase(
    process.env.TEST_MYSQL_URL as string,
    `pulse_seed_${randomBytes(4).toString('hex')}`,
  );

  return openDatabase({ type: 'mysql', flavor: 'mysql', url, poolSize: 4 }, createLog('silent'));
}

async function tableCounts(db: DataSource): Promise<Record<(typeof TABLES)[number], number>> {
  const entries = await Promise.all(
    TABLES.map(async (table) => {
      const [row] = await db.query(`SELECT COUNT(*) AS n FROM ${table}`);

      return [table, Number(row.n)] as const;
    }),
  );

  return Object.fromEntries(entries) as Record<(typeof TABLES)[number], number>;
}

const dialects: Dialect[] = mysqlAvailable() ? ['sqlite', 'mysql'] : ['sqlite'];

describe.each(dialects)('pulse seed [%s]', (dialect) => {
  const expected = generateDemoBatch(42, 0, 200);
  let db: DataSource;

  beforeAll(async () => {
    db = await emptyDatabase(dialect);
  });

  afterAll(async () => {
    await db?.destroy();
  });

  it('stores 200 customers with exactly the rows it reports, in batches, reporting progress', async () => {
    expect(await hasCustomers(db)).toBe(false);
    const progress: number[] = [];
    const counts = await seedDemoData(db, {
      customers: 200,
      batchSize: 64,
      onProgress: (done, total) => progress.push(done / total),
    });

    expect(progress).toEqual([64 / 200, 128 / 200, 192 / 200, 1]);
    expect(counts).toEqual({
      customers: 200,
      interactions: expected.interactions.length,
      orders: expected.orders.length,
    });
    expect(await tableCounts(db)).toEqual({
      customers: counts.customers,
      customer_consents: 3 * 200,
      consent_changes: expected.consentChanges.length,
      interactions: counts.interactions,
      orders: counts.orders,
      order_lines: expected.orders.reduce((sum, order) => sum + order.lines.length, 0),
    });
    expect(await hasCustomers(db)).toBe(true);
  });

  it('stores each order with lines that add up to its amount', async () => {
    const [row] = await db.query(
      `SELECT COUNT(*) AS n FROM orders o
        WHERE ABS(o.amount - (SELECT SUM(l.quantity * l.unit_price) FROM order_lines l
                               WHERE l.order_id = o.id)) > 0.001`,
    );

    expect(Number(row.n)).toBe(0);
  });

  it('stores instants in UTC and attributes as JSON that SQL can read', async () => {
    const [row] = await db.query(
      `SELECT c.signed_up_at AS signedUpAt,
              JSON_EXTRACT(c.attributes, '$.acquisitionSource') AS source
         FROM customers c WHERE c.external_id = ?`,
      ['demo-000007'],
    );
    const customer = expected.customers[7]!;
    const stored = row.signedUpAt instanceof Date ? row.signedUpAt : new Date(`${row.signedUpAt}Z`);

    expect(stored.toISOString()).toBe(customer.signedUpAt.toISOString());
    expect(String(row.source).replace(/"/g, '')).toBe(customer.attributes.acquisitionSource);
  });

  it('inserts nothing on a second run with the same seed', async () => {
    const before = await tableCounts(db);
    const counts = await seedDemoData(db, { customers: 200 });

    expect(counts).toEqual({ customers: 0, interactions: 0, orders: 0 });
    expect(await tableCounts(db)).toEqual(before);
  });

  it('adds only the new customers when asked for more than are stored', async () => {
    const more = generateDemoBatch(42, 200, 230);
    const counts = await seedDemoData(db, { customers: 230, batchSize: 100 });

    expect(counts).toEqual({
      customers: 30,
      interactions: more.interactions.length,
      orders: more.orders.length,
    });
  });

  it.each([
    [
      'a negative customer count',
      { customers: -1 },
      'customers must be an integer from 0 to 10000000, got -1',
    ],
    [
      'a fractional seed',
      { customers: 1, seed: 1.5 },
      'seed must be an integer from 0 to 4294967295, got 1.5',
    ],
    [
      'a batch size of 0',
      { customers: 1, batchSize: 0 },
      'batchSize must be an integer from 1 to 10000, got 0',
    ],
  ])('rejects %s before writing anything', async (_title, options, message) => {
    const before = await tableCounts(db);

    await expect(seedDemoData(db, options)).rejects.toThrow(message);
    expect(await tableCounts(db)).toEqual(before);
  });
});
