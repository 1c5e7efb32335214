import type { Command } from 'commander';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../db/data-source';
import { withDatabase } from './bootstrap';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description(
      'Apply pending migrations to the database in DATABASE_URL (start-up does this too).',
    )
    .option(
      '--check',
      'run every migration on a fresh in-memory SQLite database and fail if the entities need schema changes the migrations do not make (drift)',
    )
    .action(async (options: { check?: boolean }) => {
      if (options.check) {
        await checkDrift();

        return;
      }
      await withDatabase(
        async (db) => {
          const applied = await db.runMigrations({ transaction: 'each' });
          for (const migration of applied) {
            console.log(`applied ${migration.name}`);
          }
          console.log(
            applied.length
              ? `${applied.length} migration(s) applied.`
              : 'The database schema is up to date.',
          );
        },
        { migrate: false },
      );
    });
}

/**
 * Runs all migrations on an empty database, then asks TypeORM which statements would make the
 * schema match the entities. Any statement means an entity changed without a migration. With
 * DATABASE_URL pointing at an empty MySQL database, the same check runs there.
 */
async function checkDrift(): Promise<void> {
  const url = process.env.DATABASE_URL;
  const config =
    url?.startsWith('mysql') || url?.startsWith('mariadb')
      ? undefined
      : ({ type: 'sqlite', path: ':memory:' } as const);
  const run = async (db: DataSource) => {
    const pending = await db.driver.createSchemaBuilder().log();
    if (pending.upQueries.length > 0) {
      console.error('Entities and migrations disagree; a migration is missing for:');
      for (const query of pending.upQueries) {
        console.error(`  ${query.query}`);
      }
      process.exitCode = 1;

      return;
    }
    console.log('No drift: the migrations produce exactly the schema the entities describe.');
  };
  if (config) {
    const db = createDataSource(config);
    await db.initialize();
    try {
      await db.runMigrations();
      await run(db);
    } finally {
      await db.destroy();
    }

    return;
  }
  await withDatabase(run);
}
