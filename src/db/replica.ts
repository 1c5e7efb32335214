import type { DataSource, EntityManager } from 'typeorm';
import { databaseFault } from './faults';

// Analytical reads (aggregates over many rows: KPI values, segment profiles, experiment sums,
// the data quality report) can go to read replicas. A replica answers as of its replication
// lag, so reads that must see writes just acknowledged — a mutation's own result, idempotency
// checks, leases, rate limits, key lookups — never come here and stay on the primary.

/**
 * Runs `read` on one replica connection when PULSE_DB_REPLICA_URLS names replicas, otherwise on
 * the data source's ordinary connections. The replica connection serves every statement of
 * `read` and goes back to its pool when `read` settles. `read` must not write: a replica is
 * not where writes belong, and they would not reach the primary.
 */
export async function onReplica<T>(
  db: DataSource,
  read: (replica: EntityManager) => Promise<T>,
): Promise<T> {
  if (!db.driver.isReplicated) {
    return read(db.manager);
  }
  const runner = db.createQueryRunner('slave');
  try {
    await runner.connect();
  } catch (error) {
    await runner.release();
    // No replica can be reached: the primary answers, so that losing a replica costs the
    // primary load rather than failing every analytical read.
    if (databaseFault(error)?.code === 'DATABASE_UNAVAILABLE') {
      return read(db.manager);
    }
    throw error;
  }
  try {
    return await read(runner.manager);
  } finally {
    await runner.release();
  }
}

/** One analytical SQL statement, on a replica when there are any (see `onReplica`). */
export function analyticalQuery<Row = Record<string, unknown>>(
  db: DataSource,
  sql: string,
  params: unknown[] = [],
): Promise<Row[]> {
  return onReplica(db, (replica) => replica.query(sql, params));
}
