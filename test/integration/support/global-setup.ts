import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  findServerBinary,
  startLocalMariaDb,
  type LocalMariaDb,
} from '../../support/mariadb-server';

declare global {
  var pulseTestMariaDb: (LocalMariaDb & { dir: string }) | undefined;
}

/**
 * MySQL for the integration tests: TEST_MYSQL_URL (a server URL without database name) when
 * given; otherwise a throwaway mariadbd in a temporary directory when the binary exists;
 * otherwise the MySQL runs are skipped, and this says so loudly.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_MYSQL_URL) {
    return;
  }
  if (process.env.PULSE_TEST_SQLITE_ONLY === '1' || !findServerBinary()) {
    process.stderr.write(
      '\n\n*** MySQL SKIPPED: no TEST_MYSQL_URL and no mariadbd/mysqld binary. ' +
        'Integration tests ran on SQLite only. ***\n\n',
    );

    return;
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pulse-mariadb-'));
  globalThis.pulseTestMariaDb = { ...(await startLocalMariaDb(dir)), dir };
  process.env.TEST_MYSQL_URL = globalThis.pulseTestMariaDb.baseUrl;
}
