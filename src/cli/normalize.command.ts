import type { Command } from 'commander';
import { createServices } from '../services';
import { withDatabase } from './bootstrap';

/** `pulse normalize [--dry-run]`: brings stored customers to the normal form writes get. */
export function registerNormalizeCommand(program: Command): void {
  program
    .command('normalize')
    .description(
      'Normalise stored customer names, emails, phones (E.164, PULSE_DEFAULT_PHONE_REGION) and countries (ISO alpha-2), and report what changed and what could not be normalised (left as it is).',
    )
    .option('--dry-run', 'report what would change without writing', false)
    .action(async (options: { dryRun: boolean }) => {
      await withDatabase(async (db, config) => {
        const report = await createServices(db, config).normalization.normalizeStored({
          dryRun: options.dryRun,
        });
        const verb = report.dryRun ? 'Would change' : 'Changed';
        console.log(
          `Examined ${report.examined} customers with values not in normal form. ${verb} ${report.customersChanged}.`,
        );
        console.table(
          Object.entries(report.changedByField).map(([field, changed]) => ({ field, changed })),
        );
        if (report.refusedCount > 0) {
          console.log(
            `${report.refusedCount} values cannot be normalised and were left as they are:`,
          );
          console.table(report.refused);
        }
      });
    });
}
