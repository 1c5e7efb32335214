import type { EntityManager } from 'typeorm';
import { insertSkippingDuplicates, sqlInstant } from '../../../src/db/dialect';
import { ORDER_COLUMNS } from '../../../src/orders/order.service';
import type { TestPulse } from './start-pulse';

let sequence = 0;

/** A unique suffix, so that tests sharing one database never collide on external ids. */
export function unique(prefix: string): string {
  sequence += 1;

  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${sequence}`;
}

const UPSERT = `mutation Upsert($input: UpsertCustomersInput!) {
  upsertCustomers(input: $input) { created customers { id externalId } }
}`;

/** Creates `count` customers through the API and returns their ids and external ids. */
export async function createCustomers(
  pulse: TestPulse,
  count: number,
  fields: (i: number) => Record<string, unknown> = () => ({}),
): Promise<Array<{ id: string; externalId: string }>> {
  const prefix = unique('cust');
  const customers = Array.from({ length: count }, (_, i) => ({
    externalId: `${prefix}-${i}`,
    name: `Customer ${i}`,
    email: `${prefix}-${i}@example.com`.toLowerCase(),
    country: 'GB',
    signedUpAt: new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString(),
    ...fields(i),
  }));
  const response = await pulse.query<{
    upsertCustomers: { customers: Array<{ id: string; externalId: string }> };
  }>(UPSERT, { input: { customers } });
  if (!response.data) {
    throw new Error(`creating customers failed: ${JSON.stringify(response.errors)}`);
  }

  return response.data.upsertCustomers.customers;
}

/**
 * Stores a customer's latest predictions directly, as the scoring job would: one row per kind
 * given (CHURN and PROPENSITY probabilities, CLV money), by model version 1.
 */
export async function insertPredictions(
  pulse: TestPulse,
  customerId: number,
  scores: Partial<Record<'CHURN' | 'PROPENSITY' | 'CLV', number>>,
): Promise<void> {
  const db = pulse.app.db;
  const now = sqlInstant(db, new Date());
  for (const [kind, score] of Object.entries(scores)) {
    await db.query(
      `INSERT INTO predictions (customer_id, kind, model_version_id, score, decile, contributions, scored_at)
       VALUES (?, ?, 1, ?, 5, NULL, ?)`,
      [customerId, kind, score, now],
    );
  }
}

/** An order written straight to the table; instants already in the dialect's form. */
export interface OrderRow {
  customerId: unknown;
  clientOrderId: string;
  orderedAt: unknown;
  amount: number;
  status: string;
  /** Its created_at and updated_at. */
  writtenAt: unknown;
}

/** Inserts orders in EUR without the API (test data in bulk), skipping known client order ids. */
export async function insertOrderRows(
  manager: EntityManager,
  rows: readonly OrderRow[],
): Promise<void> {
  await insertSkippingDuplicates(
    manager,
    'orders',
    ORDER_COLUMNS,
    rows.map((row) => [
      row.customerId,
      row.clientOrderId,
      row.orderedAt,
      row.amount,
      'EUR',
      row.status,
      row.writtenAt,
      row.writtenAt,
    ]),
  );
}
