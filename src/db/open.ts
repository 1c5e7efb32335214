import type { DataSource } from 'typeorm';
import { createConnection } from 'mysql2/promise';
import type { DatabaseConfig } from '../config';
import type { Log } from '../log';
import { createDataSource } from './data-source';
import { applyToEveryConnection, statementTimeoutSql } from './session-limits';
import { SqlLogger } from './sql-log';

/**
 * Connects to the configured database and brings its schema up to date. A mysql:// URL that
 * points at MariaDB is recognised here, because TypeORM reads the two catalogs differently.
 */
export async function openDatabase(
  config: DatabaseConfig,
  log: Log,
  options: { migrate: boolean } = { migrate: true },
): Promise<DataSource> {
  const resolved =
    config.type === 'mysql' && config.flavor === 'mysql' ? await detectFlavor(config) : config;
  const db = createDataSource(
    resolved,
    new SqlLogger((level, message, fields) => log[level](message, fields)),
  );
  await db.initialize();
  if (!options.migrate) {
    return db;
  }
  const applied = await db.runMigrations({ transaction: 'each' });
  for (const migration of applied) {
    log.info('migration applied', { migration: migration.name });
  }
  if (resolved.type === 'mysql' && (resolved.statementTimeoutMs ?? 0) > 0) {
    applyToEveryConnection(
      db,
      statementTimeoutSql(resolved.flavor, resolved.statementTimeoutMs as number),
      (error) => log.error('statement timeout not set on a connection', { error: error.message }),
    );
  }

  return db;
}

async function detectFlavor(
  config: Extract<DatabaseConfig, { type: 'mysql' }>,
): Promise<DatabaseConfig> {
  const connection = await createConnection(config.url);
  try {
    const [rows] = await connection.query('SELECT VERSION() AS version');
    const version = String((rows as Array<{ version: string }>)[0]?.version ?? '');

    return { ...config, flavor: version.toLowerCase().includes('mariadb') ? 'mariadb' : 'mysql' };
  } finally {
    await connection.end();
  }
}
