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
const int = (name: string, isNullable = false, defaultValue?: number): TableColumnOptions => ({
  name,
  type: 'integer',
  isNullable,
  ...(defaultValue === undefined ? {} : { default: defaultValue }),
});
const double = (name: string, isNullable = false, defaultValue?: number): TableColumnOptions => ({
  name,
  type: 'double',
  isNullable,
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

/** The model registry, the latest prediction per customer and kind, and scoring runs. */
export class CreatePredictions1796000000000 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(
      new Table({
        name: 'model_versions',
        columns: [
          id(),
          varchar('kind', 16),
          int('number'),
          varchar('algorithm', 24),
          varchar('status', 12),
          jsonText('options'),
          jsonText('features'),
          varchar('feature_hash', 64, true),
          instant('training_from', true),
          instant('training_to', true),
          int('sample_size', true),
          double('positive_rate', true),
          jsonText('metrics'),
          jsonText('reference'),
          jsonText('model'),
          double('progress', false, 0),
          varchar('stage', 100, true),
          varchar('error', 1000, true),
          varchar('created_by', 100, true),
          varchar('promoted_by', 100, true),
          instant('promoted_at', true),
          varchar('promotion_reason', 500, true),
          instant('retired_at', true),
          instant('created_at'),
          instant('finished_at', true),
        ],
        indices: [
          {
            name: 'uq_model_versions_kind_number',
            columnNames: ['kind', 'number'],
            isUnique: true,
          },
          { name: 'idx_model_versions_kind_status', columnNames: ['kind', 'status'] },
        ],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'predictions',
        columns: [
          { name: 'customer_id', type: 'integer', isPrimary: true },
          { name: 'kind', type: 'varchar', length: '16', isPrimary: true },
          int('model_version_id'),
          double('score'),
          { name: 'decile', type: 'smallint' },
          jsonText('contributions'),
          instant('scored_at'),
        ],
        indices: [
          { name: 'idx_predictions_kind_score', columnNames: ['kind', 'score'] },
          { name: 'idx_predictions_kind_decile', columnNames: ['kind', 'decile'] },
        ],
        foreignKeys: [
          {
            name: 'fk_predictions_customer',
            columnNames: ['customer_id'],
            referencedTableName: 'customers',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
            onUpdate: 'NO ACTION',
          },
        ],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'scoring_runs',
        columns: [
          id(),
          varchar('kind', 16),
          int('model_version_id'),
          instant('started_at'),
          instant('finished_at', true),
          int('scored', false, 0),
          double('score_psi', true),
          double('max_feature_psi', true),
          jsonText('feature_psi'),
        ],
        indices: [{ name: 'idx_scoring_runs_kind_time', columnNames: ['kind', 'started_at'] }],
      }),
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropTable('scoring_runs');
    await runner.dropTable('predictions');
    await runner.dropTable('model_versions');
  }
}
