import type { DataSource } from 'typeorm';
import type { PoolUsage } from '../observability/metrics';
import { mysqlPools } from './pools';

/** The parts of a mysql2 pool that say how busy it is (mysql2 keeps them as queues). */
interface Mysql2Pool {
  config: { connectionLimit: number };
  _allConnections: { length: number };
  _freeConnections: { length: number };
  _connectionQueue: { length: number };
}

/**
 * The primary's MySQL pool's connections right now, or null for SQLite (one connection, no
 * pool). Replicas' pools are left out, so that each state stays one series: every request needs
 * the primary, replicas serve only analytical reads. mysql2 has no public accessor for these
 * counts; its queues are read directly, and a mysql2 that renames them makes this report
 * nothing rather than fail a scrape.
 */
export function poolUsage(db: DataSource): PoolUsage | null {
  const pool = mysqlPools<Partial<Mysql2Pool> | undefined>(db)?.primary;
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
