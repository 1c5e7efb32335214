import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importCsv } from '../../../src/imports/csv-import';
import { summariesOf } from '../../../src/predictions/clv-training.service';
import { FeatureService } from '../../../src/predictions/feature.service';
import { fitBgNbd } from '../../../src/predictions/models/bg-nbd';
import { fitGammaGamma } from '../../../src/predictions/models/gamma-gamma';
import type { PurchaseSummary } from '../../../src/predictions/models/purchase-summary';
import { describeEachDialect } from '../support/dialects';

// The CDNOW 1/10 cohort (Fader, Hardie & Lee 2005) imported as customers and orders through
// Pulse's own CSV import, read back with the CLV model's purchase query and fitted: the fits
// must reproduce the published parameters, so the whole path from file to model is checked.

const FIXTURES = path.join(__dirname, '../../fixtures/cdnow');
const DAY = 86_400_000;

interface Transaction {
  customer: string;
  date: string;
  dollars: string;
}

/** The fixture's rows: old id, new id, yyyymmdd, CDs bought, dollars; no header. */
function transactions(): Transaction[] {
  return readFileSync(path.join(FIXTURES, 'CDNOW_sample.txt'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const [, customer, day, , dollars] = line.trim().split(/\s+/);

      return {
        customer: `cdnow-${customer}`,
        date: `${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)}`,
        dollars,
      };
    });
}

/** The published calibration summary (x, t_x, T in weeks), by customer external id. */
function publishedSummary(): Map<string, Omit<PurchaseSummary, 'meanValue'>> {
  const [, ...lines] = readFileSync(path.join(FIXTURES, 'cdnow_customers_summary.csv'), 'utf8')
    .trim()
    .split('\n');

  return new Map(
    lines.map((line) => {
      const [id, x, tx, T] = line.trim().split(',');

      return [`cdnow-${id.padStart(4, '0')}`, { x: Number(x), tx: Number(tx), T: Number(T) }];
    }),
  );
}

const dayOf = (date: string): number => Date.parse(`${date}T00:00:00Z`) / DAY;

describeEachDialect(
  'CDNOW imported through the CSV import and fitted from the database',
  (pulse) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pulse-cdnow-'));
    const rows = transactions();
    /** External id → calibration summary read back from the database. */
    const summaries = new Map<string, PurchaseSummary>();

    beforeAll(async () => {
      const services = pulse().app.services;
      const customers = [...new Set(rows.map((row) => row.customer))];
      const customersFile = path.join(dir, 'customers.csv');
      writeFileSync(
        customersFile,
        ['external_id,signed_up_at', ...customers.map((id) => `${id},1997-01-01T00:00:00Z`)].join(
          '\n',
        ),
      );
      // Midnight UTC: an order on its calendar day in UTC, whatever the server's time zone.
      const ordersFile = path.join(dir, 'orders.csv');
      writeFileSync(
        ordersFile,
        [
          'client_order_id,customer_external_id,ordered_at,currency,status,amount',
          ...rows.map(
            (row, i) =>
              `cdnow-${i + 1},${row.customer},${row.date}T00:00:00Z,USD,PAID,${row.dollars}`,
          ),
        ].join('\n'),
      );
      const imported = [
        await importCsv(services, 'customers', customersFile),
        await importCsv(services, 'orders', ordersFile),
      ];
      expect(imported.map((summary) => [summary.rows, summary.rejected])).toEqual([
        [2_357, 0],
        [6_919, 0],
      ]);

      const db = pulse().app.db;
      const idRows: Array<{ id: number; external_id: string }> = await db.query(
        "SELECT id, external_id FROM customers WHERE external_id LIKE 'cdnow-%'",
      );
      const externalOf = new Map(idRows.map((row) => [String(row.id), row.external_id]));
      // The 39-week calibration period is 1997-01-01 to 1997-09-30, that day included: purchases
      // before 1997-10-01, the exclusive end day summariesOf takes (T runs to the day before).
      for await (const batch of new FeatureService(db).purchaseDayBatches(
        new Date('1997-10-01T00:00:00Z'),
      )) {
        for (const [id, summary] of summariesOf(batch, dayOf('1997-10-01'))) {
          summaries.set(externalOf.get(id) as string, summary);
        }
      }
    }, 60_000);

    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('summarises every customer as the published calibration summary', () => {
      const published = publishedSummary();
      expect(summaries.size).toBe(2_357);
      // A first purchase on 1997-01-01 is 272 days = 38.86 weeks before the end of calibration.
      expect(summaries.get('cdnow-0001')?.T).toBeCloseTo(38.86, 2);
      const differing = [...published].filter(([id, expected]) => {
        const actual = summaries.get(id);

        return (
          !actual ||
          actual.x !== expected.x ||
          Math.abs(actual.tx - expected.tx) > 0.006 ||
          Math.abs(actual.T - expected.T) > 0.006
        );
      });
      expect(
        differing.map(([id, expected]) => ({ id, expected, actual: summaries.get(id) })),
      ).toEqual([]);
    });

    it('fits BG/NBD to the published r, α, a, b and log-likelihood', () => {
      const fit = fitBgNbd([...summaries.values()]);
      const close = (actual: number, expected: number) =>
        expect(Math.abs(actual / expected - 1)).toBeLessThanOrEqual(0.005);
      close(fit.params.r, 0.243);
      close(fit.params.alpha, 4.414);
      close(fit.params.a, 0.793);
      close(fit.params.b, 2.426);
      expect(Math.abs(fit.logLikelihood - -9582.4)).toBeLessThanOrEqual(0.1);
    });

    it('fits Gamma-Gamma on the 946 repeat buyers to the published p, q, v', () => {
      const buyers = [...summaries.values()].filter((summary) => summary.x > 0);
      expect(buyers).toHaveLength(946);
      const fit = fitGammaGamma(buyers);
      const close = (actual: number, expected: number) =>
        expect(Math.abs(actual / expected - 1)).toBeLessThanOrEqual(0.01);
      close(fit.params.p, 6.25);
      close(fit.params.q, 3.74);
      close(fit.params.v, 15.44);
    });
  },
);
