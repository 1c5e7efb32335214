import { randomBytes } from 'node:crypto';
import type { DatabaseConfig } from '../../../src/config';
import { createDataSource } from '../../../src/db/data-source';
import { openDatabase } from '../../../src/db/open';
import { createLog } from '../../../src/log';
import { freshDatabase } from '../../support/mariadb-server';
import { mysqlAvailable } from '../support/start-pulse';

async function databases(): Promise<Array<[string, DatabaseConfig]>> {
  const list: Array<[string, DatabaseConfig]> = [['sqlite', { type: 'sqlite', path: ':memory:' }]];
  if (mysqlAvailable()) {
    const url = await freshDatabase(
      process.env.TEST_MYSQL_URL as string,
      `pulse_mig_${randomBytes(4).toString('hex')}`,
    );
    list.push(['mysql', { type: 'mysql', flavor: 'mysql', url, poolSize: 2 }]);
  }

  return list;
}

describe('migrations', () => {
  it('build exactly the schema the entities describe, on every dialect', async () => {
    for (const [dialect, config] of await databases()) {
      const db = await openDatabase(config, createLog('silent'));
      try {
        const pending = await db.driver.createSchemaBuilder().log();
        expect({ dialect, drift: pending.upQueries.map((query) => query.query) }).toEqual({
          dialect,
          drift: [],
        });
      } finally {
        await db.destroy();
      }
    }
  });

  it('undo cleanly, so a failed deployment can roll back', async () => {
    for (const [dialect, config] of await databases()) {
      const db = await openDatabase(config, createLog('silent'));
      try {
        for (let undone = 0; undone < db.migrations.length; undone += 1) {
          await db.undoLastMigration();
        }
        const tables = await db
          .createQueryRunner()
          .getTables(['customers', 'interactions', 'orders']);
        expect({ dialect, tables: tables.map((table) => table.name) }).toEqual({
          dialect,
          tables: [],
        });
      } finally {
        await db.destroy();
      }
    }
  });

  it('are recognised as applied by a second start, which changes nothing', async () => {
    const db = createDataSource({ type: 'sqlite', path: ':memory:' });
    await db.initialize();
    expect((await db.runMigrations()).length).toBeGreaterThan(0);
    expect(await db.runMigrations()).toEqual([]);
    await db.destroy();
  });
});
