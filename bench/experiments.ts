import { createLog } from '../src/log';
import { DEMO_END } from '../src/seed/demo-data';
import type { ExperimentEntity } from '../src/experiments/experiment.entity';
import { createServices, type Services } from '../src/services';
import { DAY_MS } from '../src/time';
import { openSeeded, printTable } from './database';

// Experiment results timing (issue 6): 4 variants and 3 metrics (add-to-cart conversion from the
// interactions, revenue per customer with CUPED, revenue per order as a RATIO) over every customer of the main data set,
// exposed 60 days before the end of the demo data. Target: results under 2 seconds.
const RUNS = 5;
const KEY = 'bench_experiment';

export async function experimentBench(url: string, customers: number): Promise<void> {
  const db = await openSeeded(url, customers, createLog('warn'));
  const services = createServices(db, { maxPageSize: 100, keyCacheSeconds: 10 });
  const experiment = await createBenchExperiment(services, KEY, 1);
  const rows: string[][] = [];
  const time = async (what: string, work: () => Promise<unknown>) => {
    const started = process.hrtime.bigint();
    await work();
    const ms = Math.round(Number(process.hrtime.bigint() - started) / 1e6);
    rows.push([what, String(ms)]);
    console.log(`${what}: ${ms} ms`);

    return ms;
  };
  let assigned = 0;
  await time('assignSegment (every customer, one INSERT … SELECT)', async () => {
    assigned = (await services.assignment.assignSegment(KEY, BENCH_EXPOSED_AT)).newlyExposed;
  });
  console.log(`${assigned} customers exposed`);
  const row = await services.experiments.get(experiment.id);
  for (let i = 1; i <= RUNS; i += 1) {
    await time(`results, run ${i}`, () =>
      services.experimentResults.results(row, {}, { countLook: false, now: DEMO_END }),
    );
  }
  const analysis = await services.experimentResults.results(
    row,
    {},
    { countLook: false, now: DEMO_END },
  );
  console.log(`decision: ${analysis.decision.decision} (${analysis.decision.reasons.join('; ')})`);
  await db.destroy();
  printTable(['4 variants × 3 metrics (one CUPED, one RATIO)', 'ms'], rows);
}

/** When the bench experiments expose their customers: 60 days before the end of the demo data. */
export const BENCH_EXPOSED_AT = new Date(DEMO_END.getTime() - 60 * DAY_MS);

/**
 * A RUNNING experiment (4 variants, the 3 metrics named at the top of this file) under `key`, replacing one of that key.
 * `trafficShare` of all customers enter it when `assignment.assignSegment` runs.
 */
export async function createBenchExperiment(
  services: Services,
  key: string,
  trafficShare: number,
): Promise<ExperimentEntity> {
  await services.db.query('DELETE FROM experiments WHERE `key` = ?', [key]);
  const orders = { source: 'ORDERS' as const, aggregate: 'SUM' as const };
  const experiment = await services.experiments.create({
    key,
    name: 'Bench experiment',
    hypothesis: null,
    owner: 'bench',
    segmentId: null,
    kpiId: null,
    trafficShare,
    variants: ['control', 'b', 'c', 'd'].map((key, i) => ({
      key,
      name: key,
      weight: 1,
      isControl: i === 0,
      costPerCustomer: i === 0 ? null : 0.1,
    })),
    metrics: [
      {
        key: 'add_to_cart',
        name: 'added to cart',
        role: 'GOAL',
        kind: 'PROPORTION',
        numerator: { source: 'INTERACTIONS', aggregate: 'COUNT', types: ['add_to_cart'] },
        denominator: null,
        windowDays: 28,
        inverse: false,
        cuped: false,
      },
      {
        key: 'revenue',
        name: 'revenue',
        role: 'GOAL',
        kind: 'MEAN',
        numerator: orders,
        denominator: null,
        windowDays: 28,
        inverse: false,
        cuped: true,
      },
      {
        key: 'order_value',
        name: 'order value',
        role: 'GUARDRAIL',
        kind: 'RATIO',
        numerator: orders,
        denominator: { source: 'ORDERS', aggregate: 'COUNT' },
        windowDays: 28,
        inverse: false,
        cuped: false,
      },
    ],
  });
  await services.experiments.transition(experiment.id, 'RUNNING');

  return experiment;
}
