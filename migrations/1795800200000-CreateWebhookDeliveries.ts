import { type MigrationInterface, type QueryRunner, Table, type TableColumnOptions } from 'typeorm';

// Column shapes as they were when this migration was written (migrations never change after
// they ship, so they do not import the entities' helpers).
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

/** The delivery log of alert webhooks: one row per event sent to a rule's URL. */
export class CreateWebhookDeliveries1795800200000 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(
      new Table({
        name: 'webhook_deliveries',
        columns: [
          {
            name: 'id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'event_id', type: 'integer' },
          { name: 'rule_id', type: 'integer' },
          varchar('url', 2000),
          varchar('status', 16),
          { name: 'attempts', type: 'integer', default: 0 },
          { name: 'last_status_code', type: 'integer', isNullable: true },
          varchar('last_error', 500, true),
          instant('next_attempt_at', true),
          { name: 'body', type: 'text' },
          varchar('signature', 80, true),
          instant('created_at'),
          instant('delivered_at', true),
        ],
        indices: [
          { name: 'idx_webhook_deliveries_event', columnNames: ['event_id'], isUnique: true },
          { name: 'idx_webhook_deliveries_due', columnNames: ['status', 'next_attempt_at'] },
          { name: 'idx_webhook_deliveries_rule', columnNames: ['rule_id', 'id'] },
        ],
      }),
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropTable('webhook_deliveries');
  }
}
