import path from 'node:path';
import { DataSource, type DataSourceOptions, type Logger } from 'typeorm';
import type { DatabaseConfig } from '../config';
import { MIGRATIONS } from '../../migrations';
import { unitHash } from '../experiments/assignment';
import {
  foldForSearch,
  SQLITE_FOLD,
  SQLITE_LOWER,
  SQLITE_REGEXP,
  SQLITE_UNIT_HASH,
} from './dialect';
import { ENTITIES } from './entities';
import { SqlTimingSubscriber } from './sql-log';

/** The parts of a better-sqlite3 handle that preparing a connection uses. */
interface SqliteHandle {
  pragma(sql: string): unknown;
  function(
    name: string,
    options: { deterministic: boolean },
    fn: (...args: unknown[]) => unknown,
  ): unknown;
}

/** Builds (does not connect) the TypeORM data source for either dialect. */
export function createDataSource(config: DatabaseConfig, logger?: Logger): DataSource {
  const common = {
    entities: ENTITIES,
    migrations: MIGRATIONS,
    subscribers: [SqlTimingSubscriber],
    synchronize: false,
    logger,
  };
  if (config.type === 'sqlite') {
    const inMemory = config.path === ':memory:';
    const options: DataSourceOptions = {
      ...common,
      type: 'better-sqlite3',
      database: inMemory ? config.path : path.resolve(config.path),
      enableWAL: !inMemory,
      // The CLI (imports, seeding) may write while the server runs; wait for the lock briefly
      // instead of failing with SQLITE_BUSY.
      prepareDatabase: (db: SqliteHandle) => {
        db.pragma('busy_timeout = 5000');
        // MySQL assigns experiment variants with SHA2 in SQL; SQLite has no SHA-256 of its own.
        db.function(SQLITE_UNIT_HASH, { deterministic: true }, (salt, purpose, id) =>
          unitHash(String(salt), String(purpose), Number(id)),
        );
        // Lower case beyond A–Z, as MySQL's LOWER (see caselessText in dialect.ts).
        db.function(SQLITE_LOWER, { deterministic: true }, (value) =>
          value === null ? null : String(value).toLowerCase(),
        );
        // Search ignores case and accents, as MySQL's collation does (see searchableText).
        db.function(SQLITE_FOLD, { deterministic: true }, (value) =>
          value === null ? null : foldForSearch(String(value)),
        );
        // Data quality rules (src/quality/quality-rules.ts) match patterns like MySQL's REGEXP;
        // a statement uses few patterns over many rows, so each is compiled once.
        const patterns = new Map<string, RegExp>();
        db.function(SQLITE_REGEXP, { deterministic: true }, (pattern, value) => {
          if (value === null) {
            return null;
          }
          const text = String(pattern);
          const regexp = patterns.get(text) ?? new RegExp(text);
          patterns.set(text, regexp);

          return Number(regexp.test(String(value)));
        });
      },
    };

    return new DataSource(options);
  }

  const replicas = config.replicaUrls ?? [];

  return new DataSource({
    ...common,
    type: config.flavor,
    ...(replicas.length === 0
      ? { url: config.url }
      : {
          replication: {
            master: { url: config.url },
            slaves: replicas.map((url) => ({ url })),
            // TypeORM sends query-builder and repository reads to a replica by default; Pulse
            // reads its own writes there (mutation payloads, leases, key lookups), so only
            // reads asked for explicitly (src/db/replica.ts) go to a replica.
            defaultMode: 'master',
            // mysql2 drops a cluster node for good after 5 failed connects in a row (restore
            // time 0); this takes it out for a second instead, so that a restarted primary or
            // replica is used again without restarting Pulse.
            restoreNodeTimeout: 1000,
          },
        }),
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
    // A full queue refuses at once: under overload, an answer now beats a pile of waiters.
    extra: {
      connectionLimit: config.poolSize,
      queueLimit: config.queueLimit ?? 0,
      decimalNumbers: true,
    },
  });
}
