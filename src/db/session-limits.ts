import type { DataSource } from 'typeorm';
import { mysqlPools } from './pools';

/** The parts of a mysql2 pool that this file uses. */
interface Mysql2Pool {
  on(event: 'connection', listener: (connection: Mysql2Connection) => void): void;
  _allConnections: { toArray(): Mysql2Connection[] };
}

interface Mysql2Connection {
  query(sql: string, callback: (error: Error | null) => void): void;
}

/**
 * The session settings that make the server cut a statement after `timeoutMs`: MariaDB's
 * `max_statement_time` covers every statement, lock waits included; MySQL's
 * `max_execution_time` covers reads only, so writes get the same bound on row-lock waits.
 */
export function statementTimeoutSql(flavor: 'mysql' | 'mariadb', timeoutMs: number): string {
  return flavor === 'mariadb'
    ? `SET SESSION max_statement_time = ${timeoutMs / 1000}`
    : `SET SESSION max_execution_time = ${Math.round(timeoutMs)}, ` +
        `SESSION innodb_lock_wait_timeout = ${Math.max(1, Math.ceil(timeoutMs / 1000))}`;
}

/**
 * Applies `sql` to every connection of the primary's and the replicas' pools, open or to come.
 * Applied after migrations, which may rightly take long. A connection runs its commands in
 * order, so the setting is in place before the first statement of whoever receives a new
 * connection.
 */
export function applyToEveryConnection(
  db: DataSource,
  sql: string,
  onError: (error: Error) => void,
): void {
  const pools = mysqlPools<Mysql2Pool>(db);
  const apply = (connection: Mysql2Connection) =>
    connection.query(sql, (error) => {
      if (error) {
        onError(error);
      }
    });
  for (const pool of pools ? [pools.primary, ...pools.replicas] : []) {
    pool.on('connection', apply);
    for (const connection of pool._allConnections.toArray()) {
      apply(connection);
    }
  }
}
