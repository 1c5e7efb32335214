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
const int = (name: string): TableColumnOptions => ({ name, type: 'integer' });
const key = (name: string): TableColumnOptions => ({ ...int(name), isPrimary: true });
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
const fk = (column: 'segment_id' | 'customer_id', name: string) => ({
  name,
  columnNames: [column],
  referencedTableName: column === 'segment_id' ? 'segments' : 'customers',
  referencedColumnNames: ['id'],
  onDelete: 'CASCADE',
  onUpdate: 'NO ACTION',
});

/** Segments, their current members, membership history, refresh log and refresh staging. */
export class CreateSegments1795700100000 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(
      new Table({
        name: 'segments',
        columns: [
          id(),
          varchar('name', 100),
          varchar('description', 1000, true),
          varchar('kind', 16),
          { name: 'definition', type: 'text', isNullable: true },
          instant('created_at'),
          instant('updated_at'),
          { name: 'version', type: 'integer', default: 1 },
          instant('last_refreshed_at', true),
          { name: 'size', type: 'integer', default: 0 },
        ],
        indices: [{ name: 'uq_segments_name', columnNames: ['name'], isUnique: true }],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'segment_memberships',
        columns: [key('segment_id'), key('customer_id'), instant('entered_at')],
        indices: [{ name: 'idx_segment_memberships_customer', columnNames: ['customer_id'] }],
        foreignKeys: [
          fk('segment_id', 'fk_segment_memberships_segment'),
          fk('customer_id', 'fk_segment_memberships_customer'),
        ],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'segment_membership_history',
        columns: [
          id(),
          int('segment_id'),
          int('customer_id'),
          instant('entered_at'),
          instant('left_at', true),
        ],
        indices: [
          { name: 'idx_segment_history_entered', columnNames: ['segment_id', 'entered_at'] },
          { name: 'idx_segment_history_left', columnNames: ['segment_id', 'left_at'] },
          { name: 'idx_segment_history_customer', columnNames: ['customer_id'] },
        ],
        foreignKeys: [fk('segment_id', 'fk_segment_history_segment')],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'segment_refreshes',
        columns: [
          id(),
          int('segment_id'),
          instant('refreshed_at'),
          int('size'),
          int('entered_count'),
          int('left_count'),
          int('duration_ms'),
          varchar('triggered_by', 16),
        ],
        indices: [
          {
            name: 'idx_segment_refreshes_segment_time',
            columnNames: ['segment_id', 'refreshed_at'],
          },
        ],
        foreignKeys: [fk('segment_id', 'fk_segment_refreshes_segment')],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'segment_refresh_staging',
        columns: [key('segment_id'), key('customer_id')],
      }),
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of [
      'segment_refresh_staging',
      'segment_refreshes',
      'segment_membership_history',
      'segment_memberships',
      'segments',
    ]) {
      await runner.dropTable(table);
    }
  }
}
