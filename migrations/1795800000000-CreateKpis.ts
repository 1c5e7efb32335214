import { type MigrationInterface, type QueryRunner, Table, type TableColumnOptions } from 'typeorm';

// Column shapes as they were when this migration was written (migrations never change after
// they ship, so they do not import the entities' helpers).
const instant = (name: string, isPrimary = false): TableColumnOptions => ({
  name,
  type: 'datetime',
  precision: 3,
  isPrimary,
});
const varchar = (name: string, length: number, isNullable = false): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: String(length),
  isNullable,
});
const double = (name: string, isNullable: boolean): TableColumnOptions => ({
  name,
  type: 'double',
  isNullable,
});
const jsonText = (name: string): TableColumnOptions => ({ name, type: 'text', isNullable: true });

/** KPI definitions and their stored values per period. */
export class CreateKpis1795800000000 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(
      new Table({
        name: 'kpis',
        columns: [
          {
            name: 'id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          varchar('key', 64),
          varchar('name', 100),
          varchar('description', 1000, true),
          varchar('owner', 100, true),
          varchar('metric', 32),
          jsonText('metric_config'),
          jsonText('scope'),
          varchar('granularity', 16),
          double('target_value', true),
          varchar('target_direction', 16),
          jsonText('targets'),
          double('tolerance', false),
          instant('created_at'),
          instant('updated_at'),
          { name: 'version', type: 'integer', default: 1 },
        ],
        indices: [{ name: 'uq_kpis_key', columnNames: ['key'], isUnique: true }],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'kpi_values',
        columns: [
          { name: 'kpi_id', type: 'integer', isPrimary: true },
          instant('period_start', true),
          instant('period_end'),
          double('value', true),
          double('numerator', false),
          double('denominator', true),
          instant('computed_at'),
        ],
        foreignKeys: [
          {
            name: 'fk_kpi_values_kpi',
            columnNames: ['kpi_id'],
            referencedTableName: 'kpis',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
            onUpdate: 'NO ACTION',
          },
        ],
      }),
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropTable('kpi_values');
    await runner.dropTable('kpis');
  }
}
