import { type MigrationInterface, type QueryRunner, Table, type TableColumnOptions } from 'typeorm';

// Column shapes as they were when this migration was written (migrations never change after
// they ship, so they do not import the entities' helpers).
const int = (name: string): TableColumnOptions => ({ name, type: 'integer' });
const smallint = (name: string): TableColumnOptions => ({ name, type: 'smallint' });
const instant = (name: string): TableColumnOptions => ({ name, type: 'datetime', precision: 3 });
const varchar = (name: string, length: number, isNullable = false): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: String(length),
  isNullable,
});
const customerFk = (table: string) => ({
  name: `fk_${table}_customer`,
  columnNames: ['customer_id'],
  referencedTableName: 'customers',
  referencedColumnNames: ['id'],
  onDelete: 'CASCADE',
  onUpdate: 'NO ACTION',
});

/** RFM scores and lifecycle stages per customer, and the log of lifecycle moves. */
export class CreateRfmAndLifecycle1795700000000 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(
      new Table({
        name: 'customer_rfm',
        columns: [
          { ...int('customer_id'), isPrimary: true },
          int('recency_days'),
          int('frequency'),
          { name: 'monetary', type: 'decimal', precision: 14, scale: 2 },
          smallint('r'),
          smallint('f'),
          smallint('m'),
          varchar('rfm_group', 32),
          instant('computed_at'),
        ],
        indices: [{ name: 'idx_customer_rfm_group', columnNames: ['rfm_group'] }],
        foreignKeys: [customerFk('customer_rfm')],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'customer_lifecycle',
        columns: [
          { ...int('customer_id'), isPrimary: true },
          varchar('stage', 16),
          instant('since'),
          instant('computed_at'),
        ],
        indices: [{ name: 'idx_customer_lifecycle_stage', columnNames: ['stage'] }],
        foreignKeys: [customerFk('customer_lifecycle')],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'lifecycle_moves',
        columns: [
          {
            name: 'id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          int('customer_id'),
          varchar('from_stage', 16, true),
          varchar('to_stage', 16),
          instant('moved_at'),
        ],
        indices: [
          { name: 'idx_lifecycle_moves_time', columnNames: ['moved_at'] },
          { name: 'idx_lifecycle_moves_customer', columnNames: ['customer_id'] },
        ],
        foreignKeys: [customerFk('lifecycle_moves')],
      }),
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropTable('lifecycle_moves');
    await runner.dropTable('customer_lifecycle');
    await runner.dropTable('customer_rfm');
  }
}
