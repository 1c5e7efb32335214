import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fitBinary } from '../src/predictions/binary-model';
import { fitBgNbd } from '../src/predictions/models/bg-nbd';
import type { BinaryDataset } from '../src/predictions/models/dataset';
import { seededRandom } from '../src/predictions/models/random';
import { trainingOptions } from '../src/predictions/training-options';
import { createLog } from '../src/log';
import { createServices } from '../src/services';
import { openSeeded, printTable } from './database';

// Prediction timings (issue 7): model fits on synthetic 40-feature data (targets: logistic
// regression on 10,000 rows under 1 s, 300 depth-3 trees under 10 s), BG/NBD on the CDNOW
// cohort, and a PROPENSITY model (its population is every customer) trained and scoring the
// main data set (target: scoring 100,000 customers under 5 s).
const FEATURES = 40;

/** Rows with a logistic ground truth over 40 standard-normal features, half of them noise. */
function synthetic(rows: number, seed: number): BinaryDataset {
  const random = seededRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const data = { rows: [] as Float64Array[], labels: [] as number[] };
  for (let i = 0; i < rows; i++) {
    const row = Float64Array.from({ length: FEATURES }, normal);
    let logit = -1;
    for (let j = 0; j < FEATURES / 2; j++) {
      logit += (j % 2 === 0 ? 0.3 : -0.2) * row[j];
    }
    data.rows.push(row);
    data.labels.push(random() < 1 / (1 + Math.exp(-logit)) ? 1 : 0);
  }

  return data;
}

function timed<T>(work: () => T): { result: T; ms: number } {
  const started = performance.now();
  const result = work();

  return { result, ms: Math.round(performance.now() - started) };
}

export async function predictionBench(url: string, customers: number): Promise<void> {
  const rows: string[][] = [];
  for (const size of [10_000, 100_000]) {
    const data = synthetic(size, 7);
    for (const algorithm of ['LOGISTIC_REGRESSION', 'BOOSTED_TREES'] as const) {
      // The default settings: up to 300 depth-3 trees, early stopping on a validation split.
      const options = trainingOptions({ kind: 'CHURN', algorithm });
      const { ms } = timed(() => fitBinary(data, FEATURES, options));
      rows.push([`${algorithm} fit, ${size.toLocaleString('en-US')} × ${FEATURES}`, String(ms)]);
    }
  }
  const cdnow = readFileSync(
    path.join(__dirname, '../../test/fixtures/cdnow/cdnow_customers_summary.csv'),
    'utf8',
  )
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [, x, tx, T] = line.split(',').map(Number);

      return { x, tx, T, meanValue: 0 };
    });
  rows.push([
    `BG/NBD fit, CDNOW ${cdnow.length.toLocaleString('en-US')} customers`,
    String(timed(() => fitBgNbd(cdnow)).ms),
  ]);

  const db = await openSeeded(url, customers, createLog('warn'));
  const services = createServices(db, { maxPageSize: 100, keyCacheSeconds: 10 });
  await db.query("DELETE FROM model_versions WHERE kind = 'PROPENSITY'");
  let started = performance.now();
  const training = await services.training.start(
    { kind: 'PROPENSITY', algorithm: 'LOGISTIC_REGRESSION', snapshots: 1 },
    'bench',
  );
  await training.done;
  const version = await services.modelRegistry.byId(training.version.id);
  rows.push([
    `PROPENSITY training end to end (1 snapshot, ${version?.sampleSize} rows, CV and out-of-time), then the first scoring`,
    String(Math.round(performance.now() - started)),
  ]);
  started = performance.now();
  const run = await services.scoring.score('PROPENSITY');
  rows.push([
    `scoring ${run?.scored.toLocaleString('en-US')} customers (features in SQL, contributions, deciles, drift, replace)`,
    String(Math.round(performance.now() - started)),
  ]);
  printTable(['predictions', 'ms'], rows);
  await db.destroy();
}
