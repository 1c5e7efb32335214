import { type MigrationInterface, type QueryRunner, Table, type TableColumnOptions } from 'typeorm';

// Column shapes as they were when this migration was written (migrations never change after
// they ship, so they do not import the entities' helpers).
const id = (): TableColumnOptions => ({
  name: 'id',
  type: 'integer',
  isPrimary: true,
  isGenerated: true,
  generationStrategy: 'increment',
});
const int = (name: string, defaultValue?: number): TableColumnOptions => ({
  name,
  type: 'integer',
  ...(defaultValue === undefined ? {} : { default: defaultValue }),
});
const instant = (name: string, isNullable = false): TableColumnOptions => ({
  name,
  type: 'datetime',
  precision: 3,
  isNullable,
});
const varchar = (name: string, length: number, isNullable = false): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: String(length),
  isNullable,
});
const jsonText = (name: string): TableColumnOptions => ({ name, type: 'text', isNullable: true });

/** Alert rules on KPIs and the durable log of their events (the subscription's replay source). */
export class CreateAlerts1795800100000 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(
      new Table({
        name: 'alert_rules',
        columns: [
          id(),
          int('kpi_id'),
          varchar('name', 100),
          varchar('kind', 16),
          jsonText('params'),
          varchar('severity', 16),
          int('for_count', 1),
          { name: 'hysteresis', type: 'double', default: 0 },
          varchar('state', 16),
          int('consecutive', 0),
          instant('last_period_start', true),
          instant('firing_since', true),
          instant('muted_until', true),
          instant('acknowledged_at', true),
          varchar('webhook_url', 2000, true),
          varchar('webhook_secret', 200, true),
          instant('created_at'),
          instant('updated_at'),
          int('version', 1),
        ],
        indices: [{ name: 'idx_alert_rules_kpi', columnNames: ['kpi_id'] }],
        foreignKeys: [
          {
            name: 'fk_alert_rules_kpi',
            columnNames: ['kpi_id'],
            referencedTableName: 'kpis',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
            onUpdate: 'NO ACTION',
          },
        ],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'alert_events',
        columns: [
          id(),
          int('rule_id'),
          int('kpi_id'),
          varchar('type', 16),
          varchar('severity', 16),
          instant('period_start', true),
          { name: 'value', type: 'double', isNullable: true },
          varchar('message', 1000),
          jsonText('details'),
          instant('occurred_at'),
        ],
        indices: [
          { name: 'idx_alert_events_rule', columnNames: ['rule_id', 'id'] },
          { name: 'idx_alert_events_kpi', columnNames: ['kpi_id', 'id'] },
        ],
        foreignKeys: [
          {
            name: 'fk_alert_events_rule',
            columnNames: ['rule_id'],
            referencedTableName: 'alert_rules',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
            onUpdate: 'NO ACTION',
          },
        ],
      }),
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropTable('alert_events');
    await runner.dropTable('alert_rules');
  }
}
