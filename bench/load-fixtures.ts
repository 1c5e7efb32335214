import { Role } from '../src/auth/principal';
import { toGlobalId } from '../src/graphql/global-id';
import { createLog } from '../src/log';
import { DEMO_END } from '../src/seed/demo-data';
import { createServices, type Services } from '../src/services';
import { openSeeded } from './database';
import { BENCH_EXPOSED_AT, createBenchExperiment } from './experiments';
import { createBenchKpis } from './kpis';
import { benchSegment } from './segments';

/** What the load scenarios read, made once on the bench data and reused by later runs. */
export interface LoadFixtures {
  /** An ANALYST key: it reads personal data, so each read also writes its audit entry. */
  key: string;
  /** Customers the per-customer queries cycle through. */
  customerIds: number[];
  /** Global ids of the segment and the experiment the scenarios read. */
  segmentId: string;
  experimentId: string;
  customers: number;
  interactions: number;
}

const CUSTOMER_SAMPLE = 2000;
const EXPERIMENT_KEY = 'bench_load_experiment';
/**
 * The share of customers in the load benchmark's experiment. A results read aggregates every
 * exposed customer's outcomes (1.3 s for all 100,000, see bench/experiments.ts); 5 % is the size
 * of a typical test and keeps one read near 70 ms, so 50 clients measure serving, not a queue
 * behind a few long aggregates.
 */
const EXPERIMENT_TRAFFIC_SHARE = 0.05;

export async function prepareLoadFixtures(url: string, customers: number): Promise<LoadFixtures> {
  const db = await openSeeded(url, customers, createLog('warn'));
  const services = createServices(db, { maxPageSize: 100, keyCacheSeconds: 10 });
  const [{ interactions }] = await db.query('SELECT COUNT(*) AS interactions FROM interactions');
  const customerIds: number[] = (
    await db.query('SELECT id FROM customers ORDER BY id LIMIT ?', [CUSTOMER_SAMPLE])
  ).map((row: { id: number }) => Number(row.id));
  await ensureKpiBoard(services);
  const segmentId = await ensureSegment(services);
  const experimentId = await ensureExperiment(services);
  const { key } = await services.apiKeys.create(Role.ANALYST, 'bench load');
  await db.destroy();

  return {
    key,
    customerIds,
    segmentId: toGlobalId('Segment', segmentId),
    experimentId: toGlobalId('Experiment', experimentId),
    customers,
    interactions: Number(interactions),
  };
}

/**
 * The KPI benchmark's 20 KPIs with their 18 months of daily values. A cold evaluation takes
 * about two minutes, so KPIs that already have values (from an earlier run or from
 * `BENCH_ONLY=kpis`) are kept.
 */
async function ensureKpiBoard(services: Services): Promise<void> {
  const [{ evaluated }] = await services.db.query(
    `SELECT COUNT(DISTINCT v.kpi_id) AS evaluated
     FROM kpis k JOIN kpi_values v ON v.kpi_id = k.id WHERE k.\`key\` LIKE 'bench\\_%'`,
  );
  if (Number(evaluated) > 0) {
    return;
  }
  console.log('load fixtures: creating and evaluating the bench KPIs (about 2 minutes, once)');
  const ids = await createBenchKpis(services);
  await services.kpiEvaluation.evaluate(DEMO_END, { kpiIds: ids, cold: true });
}

/** The segment benchmark's behavioural segment, refreshed once if it never was. */
async function ensureSegment(services: Services): Promise<number> {
  const id = await benchSegment(services);
  const [segment] = await services.segments.byIds([id]);
  if (segment.lastRefreshedAt === null) {
    await services.segments.refresh(id, 'MANUAL', DEMO_END);
  }

  return id;
}

/** A running experiment with EXPERIMENT_TRAFFIC_SHARE of the customers exposed. */
async function ensureExperiment(services: Services): Promise<number> {
  const [existing] = await services.db.query(
    `SELECT e.id FROM experiments e WHERE e.\`key\` = ?
     AND EXISTS (SELECT 1 FROM experiment_exposures x WHERE x.experiment_id = e.id)`,
    [EXPERIMENT_KEY],
  );
  if (existing) {
    return Number(existing.id);
  }
  const experiment = await createBenchExperiment(
    services,
    EXPERIMENT_KEY,
    EXPERIMENT_TRAFFIC_SHARE,
  );
  await services.assignment.assignSegment(EXPERIMENT_KEY, BENCH_EXPOSED_AT);

  return experiment.id;
}
