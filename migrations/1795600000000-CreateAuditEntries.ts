import {
  type MigrationInterface,
  type QueryRunner,
  Table,
  TableColumn,
  type TableColumnOptions,
} from 'typeorm';

// Column shapes as they were when this migration was written (migrations never change after
// they ship, so they do not import the entities' helpers).
const instant = (name: string, isNullable = false): TableColumnOptions => ({
  name,
  type: 'datetime',
  precision: 3,
  isNullable,
});
const nullableInt = (name: string): TableColumnOptions => ({
  name,
  type: 'integer',
  isNullable: true,
});
const varchar = (name: string, length: number, isNullable = false): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: String(length),
  isNullable,
});
const jsonText = (name: string): TableColumnOptions => ({ name, type: 'text', isNullable: true });

/** The audit log of personal data access, and the erasure mark on customers. */
export class CreateAuditEntries1795600000000 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(
      new Table({
        name: 'audit_entries',
        columns: [
          {
            name: 'id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          instant('occurred_at'),
          nullableInt('api_key_id'),
          varchar('action', 32),
          nullableInt('customer_id'),
          { name: 'customer_count', type: 'integer' },
          jsonText('customer_ids'),
          varchar('operation_name', 200, true),
          varchar('request_id', 128, true),
          jsonText('details'),
        ],
        indices: [
          { name: 'idx_audit_entries_time', columnNames: ['occurred_at'] },
          { name: 'idx_audit_entries_key_time', columnNames: ['api_key_id', 'occurred_at'] },
          { name: 'idx_audit_entries_customer_time', columnNames: ['customer_id', 'occurred_at'] },
          { name: 'idx_audit_entries_action_time', columnNames: ['action', 'occurred_at'] },
        ],
      }),
    );
    await runner.addColumn('customers', new TableColumn(instant('erased_at', true)));
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropColumn('customers', 'erased_at');
    await runner.dropTable('audit_entries');
  }
}
