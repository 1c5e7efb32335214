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
const money = (name: string): TableColumnOptions => ({
  name,
  type: 'decimal',
  precision: 12,
  scale: 2,
});
const jsonText = (name: string): TableColumnOptions => ({ name, type: 'text', isNullable: true });
const customerFk = (table: string) => ({
  name: `fk_${table}_customer`,
  columnNames: ['customer_id'],
  referencedTableName: 'customers',
  referencedColumnNames: ['id'],
  onDelete: 'CASCADE',
  onUpdate: 'NO ACTION',
});

export class CreatePlatformTables1795420800000 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(
      new Table({
        name: 'customers',
        columns: [
          id(),
          varchar('external_id', 128),
          varchar('name', 200, true),
          varchar('email', 254, true),
          varchar('phone', 32, true),
          varchar('country', 2, true),
          varchar('city', 100, true),
          { name: 'birth_date', type: 'date', isNullable: true },
          varchar('gender', 16, true),
          instant('signed_up_at'),
          jsonText('attributes'),
          instant('created_at'),
          instant('updated_at'),
          instant('deleted_at', true),
          { name: 'version', type: 'integer', default: 1 },
        ],
        indices: [
          { name: 'uq_customers_external_id', columnNames: ['external_id'], isUnique: true },
          { name: 'uq_customers_email', columnNames: ['email'], isUnique: true },
          { name: 'idx_customers_signed_up_at', columnNames: ['signed_up_at'] },
          { name: 'idx_customers_country', columnNames: ['country'] },
        ],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'customer_consents',
        columns: [
          { ...int('customer_id'), isPrimary: true },
          { ...varchar('channel', 16), isPrimary: true },
          varchar('status', 8),
          instant('changed_at'),
          varchar('source', 100, true),
        ],
        foreignKeys: [customerFk('customer_consents')],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'consent_changes',
        columns: [
          id(),
          int('customer_id'),
          varchar('channel', 16),
          varchar('status', 8),
          instant('changed_at'),
          varchar('source', 100, true),
        ],
        indices: [
          { name: 'idx_consent_changes_customer', columnNames: ['customer_id', 'changed_at'] },
        ],
        foreignKeys: [customerFk('consent_changes')],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'interactions',
        columns: [
          id(),
          int('customer_id'),
          varchar('channel', 16),
          varchar('type', 64),
          instant('occurred_at'),
          { name: 'value', type: 'double', isNullable: true },
          { name: 'score', type: 'smallint', isNullable: true },
          jsonText('properties'),
          varchar('client_event_id', 128),
          instant('created_at'),
        ],
        indices: [
          {
            name: 'uq_interactions_client_event_id',
            columnNames: ['client_event_id'],
            isUnique: true,
          },
          { name: 'idx_interactions_customer_time', columnNames: ['customer_id', 'occurred_at'] },
          { name: 'idx_interactions_time', columnNames: ['occurred_at'] },
          { name: 'idx_interactions_type_time', columnNames: ['type', 'occurred_at'] },
        ],
        foreignKeys: [customerFk('interactions')],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'orders',
        columns: [
          id(),
          int('customer_id'),
          varchar('client_order_id', 128),
          instant('ordered_at'),
          money('amount'),
          varchar('currency', 3),
          varchar('status', 16),
          instant('created_at'),
          instant('updated_at'),
        ],
        indices: [
          { name: 'uq_orders_client_order_id', columnNames: ['client_order_id'], isUnique: true },
          { name: 'idx_orders_customer_time', columnNames: ['customer_id', 'ordered_at'] },
          { name: 'idx_orders_time', columnNames: ['ordered_at'] },
          {
            name: 'idx_orders_customer_status',
            columnNames: ['customer_id', 'status', 'amount'],
          },
        ],
        foreignKeys: [customerFk('orders')],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'order_lines',
        columns: [
          id(),
          int('order_id'),
          varchar('product_id', 64),
          varchar('product_name', 200),
          varchar('category', 100, true),
          int('quantity'),
          money('unit_price'),
        ],
        indices: [{ name: 'idx_order_lines_order', columnNames: ['order_id'] }],
        foreignKeys: [
          {
            name: 'fk_order_lines_order',
            columnNames: ['order_id'],
            referencedTableName: 'orders',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
            onUpdate: 'NO ACTION',
          },
        ],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'api_keys',
        columns: [
          id(),
          varchar('name', 100),
          varchar('role', 16),
          varchar('key_hash', 64),
          varchar('key_prefix', 16),
          instant('created_at'),
          instant('last_used_at', true),
          instant('revoked_at', true),
        ],
        indices: [{ name: 'uq_api_keys_key_hash', columnNames: ['key_hash'], isUnique: true }],
      }),
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of [
      'api_keys',
      'order_lines',
      'orders',
      'interactions',
      'consent_changes',
      'customer_consents',
      'customers',
    ]) {
      await runner.dropTable(table);
    }
  }
}
