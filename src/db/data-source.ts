import path from 'node:path';
import { DataSource, type DataSourceOptions, type Logger } from 'typeorm';
import type { DatabaseConfig } from '../config';
import { MIGRATIONS } from '../../migrations';
import { ENTITIES } from './entities';

/** Builds (does not connect) the TypeORM data source for either dialect. */
export function createDataSource(config: DatabaseConfig, logger?: Logger): DataSource {
  const common = { entities: ENTITIES, migrations: MIGRATIONS, synchronize: false, logger };
  if (config.type === 'sqlite') {
    const inMemory = config.path === ':memory:';
    const options: DataSourceOptions = {
      ...common,
      type: 'better-sqlite3',
      database: inMemory ? config.path : path.resolve(config.path),
      enableWAL: !inMemory,
      // The CLI (imports, seeding) may write while the server runs; wait for the lock briefly
      // instead of failing with SQLITE_BUSY.
      prepareDatabase: (db: { pragma(sql: string): unknown }) => {
        db.pragma('busy_timeout = 5000');
      },
    };

    return new DataSource(options);
  }

  return new DataSource({
    ...common,
    type: config.flavor,
    url: config.url,
    charset: 'utf8mb4',
    // Instants are UTC end to end: mysql2 converts Dates with this offset.
    timezone: 'Z',
    supportBigNumbers: true,
    bigNumberStrings: false,
    // mysql2 reports rows *found* by ON DUPLICATE KEY UPDATE as affected; without this flag a
    // skipped duplicate would be counted as inserted.
    flags: ['-FOUND_ROWS'],
    // A birth date is a calendar day, not an instant: read it as text so no time zone shifts it.
    dateStrings: ['DATE'],
    extra: { connectionLimit: config.poolSize, decimalNumbers: true },
  });
}
