import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';

/** Leases that let one instance at a time run a scheduled job. */
export class CreateJobLeases1795700200000 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(
      new Table({
        name: 'job_leases',
        columns: [
          { name: 'name', type: 'varchar', length: '64', isPrimary: true },
          { name: 'holder', type: 'varchar', length: '128' },
          { name: 'expires_at', type: 'datetime', precision: 3 },
        ],
      }),
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropTable('job_leases');
  }
}
