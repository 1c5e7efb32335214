import type { DataSource } from 'typeorm';

/** The parts of TypeORM's MySQL driver that hold its mysql2 pools. */
interface MysqlDriverPools<Pool> {
  /** The one pool, without replicas. */
  pool?: Pool;
  /** With replicas: a mysql2 PoolCluster whose nodes are MASTER and SLAVE0, SLAVE1, … */
  poolCluster?: { _nodes: Record<string, { pool: Pool }> };
}

/** The node TypeORM names the primary in its PoolCluster. */
const PRIMARY_NODE = 'MASTER';

/**
 * The primary's mysql2 pool and each replica's, typed as the parts the caller reads; null for
 * SQLite or before the driver connects. mysql2 exposes a cluster's pools only through its
 * internal node table, which is read here and nowhere else.
 */
export function mysqlPools<Pool>(db: DataSource): { primary: Pool; replicas: Pool[] } | null {
  const driver = db.driver as unknown as MysqlDriverPools<Pool>;
  if (driver.poolCluster) {
    const { [PRIMARY_NODE]: primary, ...replicas } = driver.poolCluster._nodes;

    return { primary: primary.pool, replicas: Object.values(replicas).map((node) => node.pool) };
  }

  return driver.pool ? { primary: driver.pool, replicas: [] } : null;
}
