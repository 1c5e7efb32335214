import { createLog } from '../src/log';
import type { KpiData } from '../src/kpis/kpi.service';
import { DEMO_END } from '../src/seed/demo-data';
import { createServices, type Services } from '../src/services';
import { openSeeded, printTable } from './database';

// KPI evaluation timings (issue 5): 20 KPIs (built-ins of every shape and custom metrics) on
// daily periods over 18 months of the main data set. Cold computes the whole history; the
// incremental runs recompute the open day and the late-data window (3 days), as the scheduled
// job does. "Now" is the end of the demo data.
const RUNS = 3;
const PREFIX = 'bench_';

const interactions = (fn: string, filter: Record<string, unknown>) => ({
  source: 'INTERACTIONS',
  fn,
  filter,
});
const KPIS: Array<Pick<KpiData, 'metric' | 'metricConfig' | 'scope'> & { key: string }> = [
  { key: 'revenue', metric: 'REVENUE' },
  { key: 'orders', metric: 'ORDERS' },
  { key: 'aov', metric: 'AVERAGE_ORDER_VALUE' },
  { key: 'active', metric: 'ACTIVE_CUSTOMERS' },
  { key: 'new', metric: 'NEW_CUSTOMERS' },
  { key: 'conversion', metric: 'CONVERSION_RATE' },
  { key: 'repeat', metric: 'REPEAT_PURCHASE_RATE' },
  { key: 'retention', metric: 'RETENTION_RATE' },
  { key: 'churn', metric: 'CHURN_RATE' },
  { key: 'engagement', metric: 'ENGAGEMENT_RATE' },
  { key: 'csat', metric: 'CSAT' },
  { key: 'nps', metric: 'NPS' },
  { key: 'tickets', metric: 'SUPPORT_TICKETS_PER_CUSTOMER' },
  { key: 'revenue_gb', metric: 'REVENUE', scope: { country: 'GB' } },
  { key: 'active_web', metric: 'ACTIVE_CUSTOMERS', scope: { channel: 'WEB' } },
  {
    key: 'cart_adds',
    metric: 'CUSTOM',
    metricConfig: { numerator: interactions('COUNT', { types: ['add_to_cart'] }) },
  },
  {
    key: 'avg_checkout',
    metric: 'CUSTOM',
    metricConfig: {
      numerator: {
        source: 'INTERACTIONS',
        fn: 'AVG',
        field: 'value',
        filter: { types: ['checkout_start'] },
      },
    },
  },
  {
    key: 'refund_rate',
    metric: 'CUSTOM',
    metricConfig: {
      numerator: { source: 'ORDERS', fn: 'COUNT', filter: { statuses: ['REFUNDED'] } },
      denominator: { source: 'ORDERS', fn: 'COUNT' },
    },
  },
  {
    key: 'cart_to_checkout',
    metric: 'CUSTOM',
    metricConfig: {
      numerator: interactions('DISTINCT_CUSTOMERS', { types: ['checkout_start'] }),
      denominator: interactions('DISTINCT_CUSTOMERS', { types: ['add_to_cart'] }),
    },
  },
  {
    key: 'nps_answers',
    metric: 'CUSTOM',
    metricConfig: {
      numerator: interactions('COUNT', { property: { path: '$.survey', equals: 'nps' } }),
    },
  },
];

export async function kpiBench(url: string, customers: number): Promise<void> {
  const db = await openSeeded(url, customers, createLog('warn'));
  const services = createServices(db, { maxPageSize: 100, keyCacheSeconds: 10 });
  const ids = await createBenchKpis(services);
  const rows: string[][] = [];
  const time = async (what: string, cold: boolean) => {
    const started = process.hrtime.bigint();
    const evaluated = await services.kpiEvaluation.evaluate(DEMO_END, { kpiIds: ids, cold });
    const ms = Math.round(Number(process.hrtime.bigint() - started) / 1e6);
    const values = evaluated.reduce((sum, kpi) => sum + kpi.values.length, 0);
    rows.push([what, String(ids.length), String(values), String(ms)]);
    console.log(`${what}: ${ms} ms, ${values} values`);
  };
  await time('cold (18 months of days)', true);
  for (let i = 1; i <= RUNS; i += 1) {
    await time(`incremental run ${i} (open day + 3 late days)`, false);
  }
  // Per-KPI cold times show which metric shapes cost most.
  for (const [i, kpi] of KPIS.entries()) {
    const started = process.hrtime.bigint();
    await services.kpiEvaluation.evaluate(DEMO_END, { kpiIds: [ids[i]], cold: true });
    rows.push([
      `  cold ${kpi.key} (${kpi.metric})`,
      '1',
      '',
      String(Math.round(Number(process.hrtime.bigint() - started) / 1e6)),
    ]);
  }
  await db.destroy();
  printTable(['evaluation', 'KPIs', 'values stored', 'ms'], rows);
}

/** The 20 KPIs above, on daily periods and not yet evaluated, replacing earlier bench KPIs. */
export async function createBenchKpis(services: Services): Promise<number[]> {
  await services.db.query("DELETE FROM kpis WHERE `key` LIKE 'bench\\_%'");
  const ids: number[] = [];
  for (const kpi of KPIS) {
    ids.push(
      (await services.kpis.create({ ...kpi, key: `${PREFIX}${kpi.key}`, granularity: 'DAY' })).id,
    );
  }

  return ids;
}
