import type { Command } from 'commander';
import { createServices } from '../services';
import { withDatabase } from './bootstrap';

const percent = (share: number | null) => (share === null ? '' : `${(share * 100).toFixed(1)} %`);

export function registerQualityCommand(program: Command): void {
  program
    .command('quality')
    .description(
      'Print the data quality report: field completeness and validity, orphan and mistimed events, duplicates, source freshness.',
    )
    .action(async () => {
      await withDatabase(async (db, config) => {
        const report = await createServices(db, config).quality.report(new Date());
        console.log(
          `Data quality at ${report.generatedAt.toISOString()} over ${report.customers} live customers`,
        );
        console.table(
          report.fields.map((f) => ({
            field: f.field,
            filled: f.filled,
            'filled %': percent(f.filledShare),
            valid: f.valid,
            'valid % of filled': percent(f.validShare),
          })),
        );
        console.table([
          {
            rows: 'interactions',
            'no customer': report.orphanInteractions,
            'in the future': report.interactionsInFuture,
            'before signup': report.interactionsBeforeSignup,
          },
          {
            rows: 'orders',
            'no customer': report.orphanOrders,
            'in the future': report.ordersInFuture,
            'before signup': report.ordersBeforeSignup,
          },
        ]);
        console.log(`Duplicate candidate pairs: ${report.duplicateCandidates}`);
        console.table(
          report.freshness.map((s) => ({
            source: s.source,
            'last event': s.lastEventAt?.toISOString() ?? 'never',
            'age (hours)': s.ageHours === null ? '' : Number(s.ageHours.toFixed(1)),
          })),
        );
      });
    });
}
