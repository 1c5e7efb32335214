import type { DataSource, EntityManager } from 'typeorm';
import { insertSkippingDuplicates, quoteIdentifier, runStatement, sqlInstant } from '../db/dialect';
import { inTransaction } from '../db/transaction';
import { DEMO_SEED, generateDemoBatch, type DemoBatch, type DemoConsentRow } from './demo-data';
import { INTERACTION_COLUMNS } from '../interactions/interaction.service';
import { LINE_COLUMNS, ORDER_COLUMNS } from '../orders/order.service';

export interface SeedOptions {
  /** How many demo customers: indexes 0 to `customers` − 1, at most 10,000,000. */
  customers: number;
  /** Seed of the generator; the same seed gives the same data set. Defaults to 42 (DEMO_SEED). */
  seed?: number;
  /**
   * Customers generated and written per transaction, at most 10,000. Defaults to 500: about
   * 25,000 interactions, large enough that per-statement overhead vanishes, small enough that
   * a batch's rows fit comfortably in memory and in one MySQL transaction.
   */
  batchSize?: number;
  /** Called after each committed batch with the customers done so far and the total. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Rows this call inserted; rows already present are not counted. A type alias, not an
 * interface, so that it passes as log fields (`Record<string, unknown>`).
 */
export type SeedCounts = {
  customers: number;
  interactions: number;
  orders: number;
};

const MAX_CUSTOMERS = 10_000_000;
// Each batch reads its customers back with one `IN (…)` list; 10,000 parameters stay well below
// SQLite's 32,766 and MySQL's 65,535.
const MAX_BATCH_SIZE = 10_000;

const CUSTOMER_COLUMNS = [
  'external_id',
  'name',
  'email',
  'phone',
  'country',
  'city',
  'birth_date',
  'gender',
  'signed_up_at',
  'attributes',
  'created_at',
  'updated_at',
  'deleted_at',
  'version',
];
const CONSENT_COLUMNS = ['customer_id', 'channel', 'status', 'changed_at', 'source'];

/** Whether the database holds any customer at all (deleted ones included). */
export async function hasCustomers(db: DataSource): Promise<boolean> {
  const rows: unknown[] = await db.query('SELECT id FROM customers LIMIT 1');

  return rows.length > 0;
}

/**
 * Writes the deterministic demo data set (see `demo-data.ts`) in batches of customers, each
 * batch in one transaction with multi-row inserts. Customers already in the database (by
 * external id) are skipped with everything that belongs to them, so a rerun inserts nothing
 * and an interrupted run resumes where it stopped.
 */
export async function seedDemoData(db: DataSource, options: SeedOptions): Promise<SeedCounts> {
  const customers = validCount('customers', options.customers, 0, MAX_CUSTOMERS);
  const seed = validCount('seed', options.seed ?? DEMO_SEED, 0, 0xffffffff);
  const batchSize = validCount('batchSize', options.batchSize ?? 500, 1, MAX_BATCH_SIZE);
  const counts: SeedCounts = { customers: 0, interactions: 0, orders: 0 };
  for (let from = 0; from < customers; from += batchSize) {
    const to = Math.min(customers, from + batchSize);
    const batch = generateDemoBatch(seed, from, to);
    const inserted = await inTransaction(db, (tx) => insertBatch(tx, batch));
    counts.customers += inserted.customers;
    counts.interactions += inserted.interactions;
    counts.orders += inserted.orders;
    options.onProgress?.(to, customers);
  }

  return counts;
}

function validCount(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${String(value)}`);
  }

  return value;
}

async function insertBatch(tx: EntityManager, batch: DemoBatch): Promise<SeedCounts> {
  const at = (date: Date) => sqlInstant(tx, date);
  const customerIds = await insertCustomers(tx, batch);
  // Only customers created by this transaction get rows below: the consent history and the
  // order lines have no natural key that would make a second insert harmless.
  const own = <T extends { externalId: string }>(rows: T[]) =>
    rows.flatMap((row) => {
      const id = customerIds.get(row.externalId);

      return id === undefined ? [] : [{ id, row }];
    });
  const consentRow = ({ id, row }: { id: number; row: DemoConsentRow }) => [
    id,
    row.channel,
    row.status,
    at(row.changedAt),
    row.source,
  ];
  await insertRows(tx, 'customer_consents', CONSENT_COLUMNS, own(batch.consents).map(consentRow));
  await insertRows(
    tx,
    'consent_changes',
    CONSENT_COLUMNS,
    own(batch.consentChanges).map(consentRow),
  );
  const interactions = await insertSkippingDuplicates(
    tx,
    'interactions',
    INTERACTION_COLUMNS,
    own(batch.interactions).map(({ id, row }) => [
      id,
      row.channel,
      row.type,
      at(row.occurredAt),
      row.value,
      row.score,
      row.properties ? JSON.stringify(row.properties) : null,
      row.clientEventId,
      at(row.occurredAt),
    ]),
  );
  const orders = own(batch.orders);
  const ordersInserted = await insertSkippingDuplicates(
    tx,
    'orders',
    ORDER_COLUMNS,
    orders.map(({ id, row }) => [
      id,
      row.clientOrderId,
      at(row.orderedAt),
      row.amount,
      row.currency,
      row.status,
      at(row.orderedAt),
      at(row.updatedAt),
    ]),
  );
  // Read back by customer, not by client order id: one parameter per customer instead of about
  // ten, and every order of a customer created in this transaction is one just inserted.
  const orderIds = await idsByKey(
    tx,
    'SELECT id, client_order_id AS k FROM orders WHERE customer_id IN',
    [...customerIds.values()],
  );
  await insertRows(
    tx,
    'order_lines',
    LINE_COLUMNS,
    orders.flatMap(({ row }) => {
      const orderId = orderIds.get(row.clientOrderId);

      return orderId === undefined
        ? []
        : row.lines.map((line) => [
            orderId,
            line.productId,
            line.productName,
            line.category,
            line.quantity,
            line.unitPrice,
          ]);
    }),
  );

  return { customers: customerIds.size, interactions, orders: ordersInserted };
}

/**
 * Inserts the batch's customers that are not stored yet and returns the ids of those it
 * created, by external id. A customer whose e-mail address is already taken by another
 * customer is skipped by the insert and therefore missing from the result too.
 */
async function insertCustomers(tx: EntityManager, batch: DemoBatch): Promise<Map<string, number>> {
  const at = (date: Date) => sqlInstant(tx, date);
  const existing = await idsByKey(
    tx,
    'SELECT id, external_id AS k FROM customers WHERE external_id IN',
    batch.customers.map((customer) => customer.externalId),
  );
  const fresh = batch.customers.filter((customer) => !existing.has(customer.externalId));
  await insertSkippingDuplicates(
    tx,
    'customers',
    CUSTOMER_COLUMNS,
    fresh.map((customer) => [
      customer.externalId,
      customer.name,
      customer.email,
      customer.phone,
      customer.country,
      customer.city,
      customer.birthDate,
      customer.gender,
      at(customer.signedUpAt),
      JSON.stringify(customer.attributes),
      at(customer.signedUpAt),
      at(customer.updatedAt),
      null,
      1,
    ]),
  );
  if (fresh.length === 0) {
    return new Map();
  }

  return idsByKey(
    tx,
    'SELECT id, external_id AS k FROM customers WHERE external_id IN',
    fresh.map((customer) => customer.externalId),
  );
}

/** Runs `select (?, ?, …)` with `values` and maps each row's `k` to its `id`. */
async function idsByKey(
  tx: EntityManager,
  select: string,
  values: Array<string | number>,
): Promise<Map<string, number>> {
  if (values.length === 0) {
    return new Map();
  }
  const rows: Array<{ id: number | string; k: string }> = await tx.query(
    `${select} (${values.map(() => '?').join(', ')})`,
    values,
  );

  return new Map(rows.map((row) => [row.k, Number(row.id)]));
}

/**
 * A plain multi-row insert, 500 rows per statement. Used for the rows of freshly created
 * customers and orders, which cannot collide with anything; `customer_consents` also has no
 * `id` column for the duplicate-skipping form to name.
 */
async function insertRows(
  tx: EntityManager,
  table: string,
  columns: string[],
  rows: unknown[][],
): Promise<void> {
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const head = `INSERT INTO ${quoteIdentifier(tx, table)} (${columns
    .map((column) => quoteIdentifier(tx, column))
    .join(', ')}) VALUES `;
  for (let start = 0; start < rows.length; start += 500) {
    const chunk = rows.slice(start, start + 500);
    await runStatement(tx, head + chunk.map(() => tuple).join(', '), chunk.flat());
  }
}
