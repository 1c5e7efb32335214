import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Unique indexes on names meant for people, and the columns before each name. */
const NAME_INDEXES = [
  { name: 'uq_segments_name', table: 'segments', before: [] as string[] },
  { name: 'uq_alert_rules_kpi_name', table: 'alert_rules', before: ['kpi_id'] },
];

/**
 * A segment's name, and an alert rule's on its KPI, are unique regardless of case on SQLite
 * too, as MySQL's collation makes them: a name that works on SQLite must not be taken when the
 * same data moves to MySQL. SQLite's NOCASE folds ASCII letters only; names that already differ
 * only so get their id appended (`vip #12`), as the alert rules' own migration did. TypeORM's
 * model of an index has no collation, so a later migration that rebuilds one of these tables
 * through TypeORM must create the index this way again (test/integration/segments and alerts
 * check that case-variants are refused). MySQL is left as it is.
 */
export class CaselessNamesOnSqlite1796000700000 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    if (onMysql(runner)) {
      return;
    }
    for (const index of NAME_INDEXES) {
      await renameCaseVariants(runner, index.table, index.before);
      await runner.query(`DROP INDEX ${index.name}`);
      await runner.query(
        `CREATE UNIQUE INDEX ${index.name} ON ${index.table} (${[...index.before, 'name COLLATE NOCASE'].join(', ')})`,
      );
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    if (onMysql(runner)) {
      return;
    }
    for (const index of NAME_INDEXES) {
      await runner.query(`DROP INDEX ${index.name}`);
      await runner.query(
        `CREATE UNIQUE INDEX ${index.name} ON ${index.table} (${[...index.before, 'name'].join(', ')})`,
      );
    }
  }
}

function onMysql(runner: QueryRunner): boolean {
  return ['mysql', 'mariadb'].includes(runner.connection.options.type);
}

/** Appends ` #id` to every name after the first that NOCASE takes for the same. */
async function renameCaseVariants(
  runner: QueryRunner,
  table: string,
  before: string[],
): Promise<void> {
  const rows: Array<Record<string, unknown> & { id: number; name: string }> = await runner.query(
    `SELECT ${['id', ...before, 'name'].join(', ')} FROM ${table} ORDER BY id`,
  );
  const seen = new Set<string>();
  // NOCASE folds A–Z alone, unlike toLowerCase.
  const keyOf = (row: Record<string, unknown>, name: string) =>
    [
      ...before.map((column) => String(row[column])),
      name.replace(/[A-Z]/g, (c) => c.toLowerCase()),
    ].join('\n');
  for (const row of rows) {
    let name = row.name;
    if (seen.has(keyOf(row, name))) {
      name = `${name.slice(0, 100 - ` #${row.id}`.length)} #${row.id}`;
      await runner.query(`UPDATE ${table} SET name = ? WHERE id = ?`, [name, row.id]);
    }
    seen.add(keyOf(row, name));
  }
}
