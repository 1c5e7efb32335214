import { type MigrationInterface, type QueryRunner, TableIndex } from 'typeorm';

const BY_KPI = new TableIndex({ name: 'idx_alert_rules_kpi', columnNames: ['kpi_id'] });
const BY_KPI_AND_NAME = new TableIndex({
  name: 'uq_alert_rules_kpi_name',
  columnNames: ['kpi_id', 'name'],
  isUnique: true,
});

/**
 * An alert rule's name is unique on its KPI: `createAlertRule` retried after a lost answer made
 * a second rule, and every alert then fired twice. Rules that already share a name get their id
 * appended (` #12`), in JavaScript so that the same code renames on MySQL and SQLite. The unique
 * index starts with `kpi_id`, so it also serves the KPI's foreign key and lookups by KPI.
 */
export class UniqueAlertRuleNames1796000500000 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    const rules: Array<{ id: number; kpi_id: number; name: string }> = await runner.query(
      'SELECT id, kpi_id, name FROM alert_rules ORDER BY id',
    );
    // MySQL's collation ignores case and trailing spaces, so "taken" is decided the same way here.
    const seen = new Set<string>();
    const keyOf = (kpiId: number, name: string) => `${kpiId}\n${name.toLowerCase().trimEnd()}`;
    for (const rule of rules) {
      let name = rule.name;
      if (seen.has(keyOf(rule.kpi_id, name))) {
        name = `${name.slice(0, 100 - ` #${rule.id}`.length)} #${rule.id}`;
        await runner.query('UPDATE alert_rules SET name = ? WHERE id = ?', [name, rule.id]);
      }
      seen.add(keyOf(rule.kpi_id, name));
    }
    // The new index first: MySQL refuses to drop the only index its foreign key can use.
    await runner.createIndex('alert_rules', BY_KPI_AND_NAME);
    await runner.dropIndex('alert_rules', BY_KPI.name as string);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.createIndex('alert_rules', BY_KPI);
    await runner.dropIndex('alert_rules', BY_KPI_AND_NAME.name as string);
  }
}
