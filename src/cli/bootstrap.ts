import type { DataSource } from 'typeorm';
import { loadConfig, type Config } from '../config';
import { openDatabase } from '../db/open';
import { createLog } from '../log';

/**
 * Opens the configured database (migrated) for one command, runs `work`, and closes it, so a
 * command never leaves the process hanging on an open pool.
 */
export async function withDatabase<T>(
  work: (db: DataSource, config: Config) => Promise<T>,
  options = { migrate: true },
): Promise<T> {
  const config = loadConfig();
  // Commands talk to people on stdout; only warnings from the database layer are logged.
  const db = await openDatabase(
    config.database,
    createLog('warn', (line) => process.stderr.write(`${line}\n`)),
    options,
  );
  try {
    return await work(db, config);
  } finally {
    await db.destroy();
  }
}
