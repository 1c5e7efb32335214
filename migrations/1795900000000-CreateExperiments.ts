import {
  type MigrationInterface,
  type QueryRunner,
  Table,
  type TableColumnOptions,
  type TableForeignKeyOptions,
} from 'typeorm';

// Column shapes as they were when this migration was written (migrations never change after
// they ship, so they do not import the entities' helpers).
const id = (): TableColumnOptions => ({
  name: 'id',
  type: 'integer',
  isPrimary: true,
  isGenerated: true,
  generationStrategy: 'increment',
});
const int = (name: string, isNullable = false, defaultValue?: number): TableColumnOptions => ({
  name,
  type: 'integer',
  isNullable,
  ...(defaultValue === undefined ? {} : { default: defaultValue }),
});
const double = (name: string, isNullable = false): TableColumnOptions => ({
  name,
  type: 'double',
  isNullable,
});
const flag = (name: string): TableColumnOptions => ({ name, type: 'smallint', default: 0 });
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
const reference = (
  table: string,
  column: string,
  referencedTableName: string,
  onDelete: 'CASCADE' | 'SET NULL',
): TableForeignKeyOptions => ({
  name: `fk_${table}_${column.replace(/_id$/, '')}`,
  columnNames: [column],
  referencedTableName,
  referencedColumnNames: ['id'],
  onDelete,
  onUpdate: 'NO ACTION',
});

/** Experiments, their variants and metrics, and the customers exposed to them. */
export class CreateExperiments1795900000000 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(
      new Table({
        name: 'experiments',
        columns: [
          id(),
          varchar('key', 64),
          varchar('name', 100),
          varchar('hypothesis', 2000, true),
          varchar('owner', 100),
          varchar('status', 16),
          int('segment_id', true),
          double('traffic_share'),
          varchar('salt', 64),
          int('kpi_id', true),
          instant('started_at', true),
          instant('stopped_at', true),
          instant('concluded_at', true),
          instant('archived_at', true),
          varchar('last_decision', 16, true),
          instant('srm_detected_at', true),
          int('looks', false, 0),
          jsonText('conclusion'),
          instant('created_at'),
          instant('updated_at'),
          int('version', false, 1),
        ],
        indices: [
          { name: 'uq_experiments_key', columnNames: ['key'], isUnique: true },
          { name: 'idx_experiments_status', columnNames: ['status'] },
        ],
        foreignKeys: [
          reference('experiments', 'segment_id', 'segments', 'SET NULL'),
          reference('experiments', 'kpi_id', 'kpis', 'SET NULL'),
        ],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'experiment_variants',
        columns: [
          id(),
          int('experiment_id'),
          varchar('key', 64),
          varchar('name', 100),
          double('weight'),
          flag('is_control'),
          double('cost_per_customer', true),
          int('position'),
        ],
        indices: [
          {
            name: 'uq_experiment_variants_key',
            columnNames: ['experiment_id', 'key'],
            isUnique: true,
          },
        ],
        foreignKeys: [reference('experiment_variants', 'experiment_id', 'experiments', 'CASCADE')],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'experiment_metrics',
        columns: [
          id(),
          int('experiment_id'),
          varchar('key', 64),
          varchar('name', 100),
          varchar('role', 16),
          varchar('kind', 16),
          jsonText('numerator'),
          jsonText('denominator'),
          int('window_days'),
          flag('inverse'),
          flag('cuped'),
          int('position'),
        ],
        indices: [
          {
            name: 'uq_experiment_metrics_key',
            columnNames: ['experiment_id', 'key'],
            isUnique: true,
          },
        ],
        foreignKeys: [reference('experiment_metrics', 'experiment_id', 'experiments', 'CASCADE')],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'experiment_exposures',
        columns: [
          { ...int('experiment_id'), isPrimary: true },
          { ...int('customer_id'), isPrimary: true },
          int('variant_id'),
          instant('first_exposed_at'),
          flag('mixed_variants'),
        ],
        indices: [
          {
            name: 'idx_experiment_exposures_variant',
            columnNames: ['experiment_id', 'variant_id', 'first_exposed_at'],
          },
          { name: 'idx_experiment_exposures_customer', columnNames: ['customer_id'] },
        ],
        foreignKeys: [
          reference('experiment_exposures', 'experiment_id', 'experiments', 'CASCADE'),
          reference('experiment_exposures', 'customer_id', 'customers', 'CASCADE'),
          reference('experiment_exposures', 'variant_id', 'experiment_variants', 'CASCADE'),
        ],
      }),
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropTable('experiment_exposures');
    await runner.dropTable('experiment_metrics');
    await runner.dropTable('experiment_variants');
    await runner.dropTable('experiments');
  }
}
