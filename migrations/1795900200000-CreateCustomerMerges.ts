import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';

/** Redirects from merged customers to their survivors, with what each merge moved. */
export class CreateCustomerMerges1795900200000 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(
      new Table({
        name: 'customer_merges',
        columns: [
          { name: 'merged_customer_id', type: 'integer', isPrimary: true },
          { name: 'merged_external_id', type: 'varchar', length: '128' },
          { name: 'survivor_id', type: 'integer' },
          { name: 'moved_counts', type: 'text', isNullable: true },
          { name: 'merged_by_key_id', type: 'integer', isNullable: true },
          { name: 'merged_at', type: 'datetime', precision: 3 },
        ],
        indices: [
          {
            name: 'uq_customer_merges_external_id',
            columnNames: ['merged_external_id'],
            isUnique: true,
          },
          { name: 'idx_customer_merges_survivor', columnNames: ['survivor_id'] },
        ],
      }),
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropTable('customer_merges');
  }
}
