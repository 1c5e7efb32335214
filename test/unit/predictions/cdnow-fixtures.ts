import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type PurchaseSummary } from '../../../src/predictions/models/purchase-summary';

// Readers for the CDNOW fixtures (test/fixtures/README.md, section "CDNOW").

const FIXTURES = join(__dirname, '../../fixtures/cdnow');

export function readCdnowFixture(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}

/** Rows of a comma-separated fixture with a header line, keyed by column name. */
export function readCsvFixture(name: string): Record<string, string>[] {
  const [header, ...lines] = readCdnowFixture(name).trim().split('\n');
  const columns = header.trim().split(',');

  return lines.map((line) => {
    const cells = line.trim().split(',');

    return Object.fromEntries(columns.map((column, i) => [column, cells[i]]));
  });
}

/** `cdnow_customers_summary.csv` (ID, frequency, recency, T in weeks) as BG/NBD input. */
export function cdnowSummary(): PurchaseSummary[] {
  return readCsvFixture('cdnow_customers_summary.csv').map((row) => ({
    x: Number(row.frequency),
    tx: Number(row.recency),
    T: Number(row.T),
    meanValue: 0,
  }));
}

/** `cdnow_customers_summary_with_transactions.csv` (ID, x, t_x, T, zbar), keyed by ID. */
export function cdnowSummaryWithSpend(): Map<string, PurchaseSummary> {
  return new Map(
    readCsvFixture('cdnow_customers_summary_with_transactions.csv').map((row) => [
      row.ID,
      { x: Number(row.x), tx: Number(row.t_x), T: Number(row.T), meanValue: Number(row.zbar) },
    ]),
  );
}
