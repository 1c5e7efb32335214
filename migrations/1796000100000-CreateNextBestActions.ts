import { type MigrationInterface, type QueryRunner, Table, type TableColumnOptions } from 'typeorm';

// Column shapes as they were when this migration was written (migrations never change after
// they ship, so they do not import the entities' helpers).
const int = (name: string, isNullable = false): TableColumnOptions => ({
  name,
  type: 'integer',
  isNullable,
});
const double = (name: string): TableColumnOptions => ({ name, type: 'double' });
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

/** The catalogue of actions the next-best-action rule chooses from. */
export class CreateNextBestActions1796000100000 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(
      new Table({
        name: 'next_best_actions',
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
          varchar('objective', 16),
          varchar('channel', 16),
          double('cost_per_contact'),
          double('incentive_cost'),
          double('effect'),
          int('segment_id', true),
          varchar('contact_type', 64, true),
          int('max_contacts', true),
          int('contact_window_days', true),
          int('experiment_id', true),
          varchar('variant_key', 64, true),
          varchar('metric_key', 64, true),
          varchar('effect_source', 16),
          instant('effect_measured_at', true),
          instant('archived_at', true),
          instant('created_at'),
          instant('updated_at'),
          { name: 'version', type: 'integer', default: 1 },
        ],
        indices: [{ name: 'uq_next_best_actions_key', columnNames: ['key'], isUnique: true }],
      }),
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropTable('next_best_actions');
  }
}
