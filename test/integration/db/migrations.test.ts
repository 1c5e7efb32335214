import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { UniqueAlertRuleNames1796000500000 as UniqueAlertRuleNames } from '../../../migrations/1796000500000-UniqueAlertRuleNames';
import { CaselessNamesOnSqlite1796000700000 as CaselessNamesOnSqlite } from '../../../migrations/1796000700000-CaselessNamesOnSqlite';
import { AlertRuleEntity } from '../../../src/alerts/alert-rule.entity';
import { SegmentEntity } from '../../../src/segments/segment.entity';
import type { DatabaseConfig } from '../../../src/config';
import { createDataSource } from '../../../src/db/data-source';
import { openDatabase } from '../../../src/db/open';
import { createLog } from '../../../src/log';
import { insertKpiRow } from '../alerts/alert-support';
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

  it('give alert rules that share a name on a KPI their id before names become unique', async () => {
    for (const [dialect, config] of await databases()) {
      const db = await openDatabase(config, createLog('silent'));
      try {
        const position = db.migrations.findIndex((m) => m instanceof UniqueAlertRuleNames);
        for (let undone = db.migrations.length; undone > position; undone -= 1) {
          await db.undoLastMigration();
        }
        const kpis = [await insertKpiRow(db), await insertKpiRow(db)];
        const long = 'x'.repeat(100);
        const names = ['Churn', 'churn', 'Churn ', long, long, 'Other'];
        const ids: number[] = [];
        for (const name of names) {
          ids.push(await insertRule(db, kpis[0], name));
        }
        ids.push(await insertRule(db, kpis[1], 'Churn'));

        await db.runMigrations({ transaction: 'each' });

        const stored = await db.query('SELECT id, name FROM alert_rules ORDER BY id');
        expect({ dialect, names: stored.map((row: { name: string }) => row.name) }).toEqual({
          dialect,
          names: [
            'Churn',
            `churn #${ids[1]}`,
            `Churn  #${ids[2]}`,
            long,
            `${long.slice(0, 100 - ` #${ids[4]}`.length)} #${ids[4]}`,
            'Other',
            'Churn',
          ],
        });
      } finally {
        await db.destroy();
      }
    }
  });

  it('give SQLite names that differ only in ASCII case their id before such names are taken', async () => {
    const db = await openDatabase({ type: 'sqlite', path: ':memory:' }, createLog('silent'));
    try {
      const position = db.migrations.findIndex((m) => m instanceof CaselessNamesOnSqlite);
      for (let undone = db.migrations.length; undone > position; undone -= 1) {
        await db.undoLastMigration();
      }
      const segmentNames = [
        'VIP',
        'vip',
        'Vip ',
        'Épique',
        'épique',
        'X'.repeat(100),
        'x'.repeat(100),
      ];
      const segmentIds: number[] = [];
      for (const name of segmentNames) {
        segmentIds.push(await insertSegment(db, name));
      }
      const kpis = [await insertKpiRow(db), await insertKpiRow(db)];
      const ruleIds = [
        await insertRule(db, kpis[0], 'Churn'),
        await insertRule(db, kpis[0], 'CHURN'),
        await insertRule(db, kpis[1], 'churn'),
      ];

      await db.runMigrations({ transaction: 'each' });

      const names = async (table: string) =>
        (await db.query(`SELECT name FROM ${table} ORDER BY id`)).map(
          (row: { name: string }) => row.name,
        );
      expect(await names('segments')).toEqual([
        'VIP',
        `vip #${segmentIds[1]}`,
        'Vip ',
        'Épique',
        'épique',
        'X'.repeat(100),
        `${'x'.repeat(100 - ` #${segmentIds[6]}`.length)} #${segmentIds[6]}`,
      ]);
      expect(await names('alert_rules')).toEqual(['Churn', `CHURN #${ruleIds[1]}`, 'churn']);
      await expect(insertSegment(db, 'vIp')).rejects.toThrow(/UNIQUE/);
    } finally {
      await db.destroy();
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

async function insertRule(db: DataSource, kpiId: number, name: string): Promise<number> {
  const now = new Date();
  const rule = await db.getRepository(AlertRuleEntity).save({
    kpiId,
    name,
    kind: 'THRESHOLD',
    params: { operator: 'ABOVE', value: 1 },
    severity: 'INFO',
    state: 'OK',
    webhookUrl: null,
    webhookSecret: null,
    createdAt: now,
    updatedAt: now,
  });

  return rule.id;
}

async function insertSegment(db: DataSource, name: string): Promise<number> {
  const now = new Date();
  const segment = await db
    .getRepository(SegmentEntity)
    .save({ name, kind: 'STATIC', definition: null, createdAt: now, updatedAt: now });

  return segment.id;
}
