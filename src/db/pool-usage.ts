import type { DataSource } from 'typeorm';
import type { PoolUsage } from '../observability/metrics';

/** The parts of a mysql2 pool that say how busy it is (mysql2 keeps them as queues). */
interface Mysql2Pool {
  config: { connectionLimit: number };
  _allConnections: { length: number };
  _freeConnections: { length: number };
  _connectionQueue: { length: number };
}

/**
 * The MySQL pool's connections right now, or null for SQLite (one connection, no pool). mysql2
 * has no public accessor for these counts; its queues are read directly, and a mysql2 that
 * renames them makes this report nothing rather than fail a scrape.
 */
export function poolUsage(db: DataSource): PoolUsage | null {
  const pool = (db.driver as unknown as { pool?: Partial<Mysql2Pool> }).pool;
  if (!pool?._allConnections || !pool._freeConnections || !pool._connectionQueue || !pool.config) {
    return null;
  }
  const open = pool._allConnections.length;
  const idle = pool._freeConnections.length;

  return {
    size: pool.config.connectionLimit,
    inUse: open - idle,
    idle,
    waiting: pool._connectionQueue.length,
  };
}
