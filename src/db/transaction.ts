import type { DataSource, EntityManager } from 'typeorm';
import { dialectOf } from './dialect';

// better-sqlite3 gives TypeORM one connection for the whole process, so two transactions
// started by concurrent requests would nest as savepoints of one another. On SQLite, writes
// therefore queue behind each other; MySQL gets a pooled connection per transaction.
const sqliteQueues = new WeakMap<DataSource, Promise<unknown>>();

/** Options of one transaction. */
export interface TransactionOptions {
  /**
   * Run at READ COMMITTED on MySQL, where REPEATABLE READ would lock the gaps between index
   * records: set-based writes over neighbouring key ranges (one segment's memberships next to
   * another's) then deadlock each other. SQLite runs one writer at a time and ignores it.
   * Defaults to false (the server's REPEATABLE READ).
   */
  readCommitted?: boolean;
}

/** Runs `work` in one transaction: all of its writes land, or none do. */
export function inTransaction<T>(
  db: DataSource,
  work: (tx: EntityManager) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  if (options.readCommitted && dialectOf(db) === 'mysql') {
    return db.transaction('READ COMMITTED', work);
  }

  return serialized(db, () => db.transaction(work));
}

/**
 * Runs a write that needs no transaction of its own. On SQLite it waits for the transactions
 * queued before it: run while another request's transaction is open on the one connection, it
 * would commit or roll back with that transaction.
 */
export function serialized<T>(db: DataSource, work: () => Promise<T>): Promise<T> {
  if (dialectOf(db) === 'mysql') {
    return work();
  }
  const previous = sqliteQueues.get(db) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(work);
  sqliteQueues.set(db, next);

  return next;
}
