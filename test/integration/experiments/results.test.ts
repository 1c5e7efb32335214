import { sqlInstant } from '../../../src/db/dialect';
import { twoProportionZTest } from '../../../src/experiments/stats/two-proportions';
import { describeEachDialect } from '../support/dialects';
import { expectError } from '../support/expect-error';
import { createCustomers, unique } from '../support/factories';
import { collect, wsClient } from '../support/ws';
import { CREATE_EXPERIMENT, MOVE, purchaseExperiment } from './experiment-fixtures';

const DAY = 86_400_000;
const CUSTOMERS = 600;
const ASSIGN = `mutation Assign($key: String!) {
  assignSegment(experimentKey: $key) { targeted inTraffic newlyExposed alreadyExposed }
}`;
const RESULTS = `query Results($id: ID!, $settings: AnalysisSettingsInput) {
  experiment(id: $id) {
    looks
    results(settings: $settings) {
      looks
      settings { alpha method correction sequentialTuningN cuped }
      decision { decision variantKey reasons }
      health { sampleRatio { observed flagged pValue } lowDataVariants warnings }
      campaignReturns { variantKey customers incrementalRevenue incrementalCost returnOnInvestment }
      metrics {
        metricKey
        variants { variantKey n sum sumSquares mean covariateSum }
        comparisons {
          variantKey verdict difference pValue
          relativeLift { estimate interval { lower upper } }
          frequentist { test pValue }
          sequential { looks pValue interval { lower upper } }
          bayesian { model chanceToBeBetter }
          cuped { theta adjustedDifference unadjustedDifference }
        }
      }
    }
  }
}`;
const UPDATED = `subscription Updated($ids: [ID!]) {
  experimentUpdated(experimentIds: $ids) { kind decision message }
}`;
const CONCLUDE = `mutation Conclude($id: ID!, $input: ConcludeExperimentInput) {
  concludeExperiment(id: $id, input: $input) {
    experiment { status conclusion { decision variantKey notes reasons kpiImpact { relativeLift coverage expectedKpiChange } } }
  }
}`;

interface Results {
  experiment: {
    looks: number;
    results: {
      looks: number;
      decision: { decision: string; variantKey: string | null; reasons: string[] };
      health: { sampleRatio: { observed: number[]; flagged: boolean }; warnings: string[] };
      campaignReturns: Array<Record<string, number | string>>;
      metrics: Array<{
        metricKey: string;
        variants: Array<{ variantKey: string; n: number; sum: number; sumSquares: number }>;
        comparisons: Array<Record<string, any>>;
      }>;
    };
  };
}

describeEachDialect('experiments: results, monitor and conclusion', (pulse) => {
  const exposedAt = new Date(Date.now() - 20 * DAY);
  // Independent tallies of what the test plants: per variant, customers and purchasers.
  const planted = new Map<string, { n: number; buyers: number; revenue: number[] }>();
  let experimentId = '';
  let experimentKey = '';

  beforeAll(async () => {
    await createCustomers(pulse(), CUSTOMERS);
    const kpi = await pulse().query<{ createKpi: { kpi: { id: string } } }>(
      'mutation($input: CreateKpiInput!) { createKpi(input: $input) { kpi { id } } }',
      { input: { key: 'conversion_exp', metric: 'CONVERSION_RATE' } },
    );
    experimentKey = unique('banner').toLowerCase();
    const created = await pulse().query<{ createExperiment: { experiment: { id: string } } }>(
      CREATE_EXPERIMENT,
      { input: purchaseExperiment(experimentKey, { kpiId: kpi.data!.createKpi.kpi.id }) },
    );
    experimentId = created.data!.createExperiment.experiment.id;
    await pulse().query(MOVE('startExperiment'), { id: experimentId });
    await pulse().query(ASSIGN, { key: experimentKey });
    await plantOutcomes(experimentKey);
  });

  // Exposure moved 20 days back; buyers order once, a day after exposure: 40 % of the banner
  // variant's customers and 10 % of the control's, by position.
  async function plantOutcomes(key: string) {
    const db = pulse().app.db;
    await db.query(
      `UPDATE experiment_exposures SET first_exposed_at = ? WHERE experiment_id = (SELECT id FROM experiments WHERE ${pulse().dialect === 'mysql' ? '`key`' : '"key"'} = ?)`,
      [sqlInstant(db, exposedAt), key],
    );
    const rows: Array<{ customerId: number; variant: string }> = await db.query(
      `SELECT x.customer_id AS customerId, v.${pulse().dialect === 'mysql' ? '`key`' : '"key"'} AS variant
       FROM experiment_exposures x JOIN experiment_variants v ON v.id = x.variant_id
       ORDER BY x.customer_id`,
    );
    const orders: unknown[][] = [];
    rows.forEach((row, i) => {
      const tally = planted.get(row.variant) ?? { n: 0, buyers: 0, revenue: [] };
      tally.n += 1;
      const buys = i % 10 < (row.variant === 'banner' ? 4 : 1);
      const amount = buys ? 20 + (i % 7) : 0;
      tally.buyers += buys ? 1 : 0;
      tally.revenue.push(amount);
      planted.set(row.variant, tally);
      if (buys) {
        const at = sqlInstant(db, new Date(exposedAt.getTime() + DAY));
        orders.push([row.customerId, `exp-order-${key}-${i}`, at, amount, 'EUR', 'PAID', at, at]);
      }
    });
    await db.query(
      `INSERT INTO orders (customer_id, client_order_id, ordered_at, amount, currency, status, created_at, updated_at)
       VALUES ${orders.map(() => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      orders.flat(),
    );
  }

  it('reports per-variant sums equal to the planted outcomes and the z-test on them', async () => {
    const response = await pulse().query<Results>(RESULTS, {
      id: experimentId,
      settings: { method: 'FREQUENTIST' },
    });
    const purchase = response.data!.experiment.results.metrics[0];
    const control = planted.get('control')!;
    const banner = planted.get('banner')!;
    expect(control.n + banner.n).toBe(CUSTOMERS);
    expect(purchase.variants.map((v) => [v.variantKey, v.n, v.sum])).toEqual([
      ['control', control.n, control.buyers],
      ['banner', banner.n, banner.buyers],
    ]);
    const expected = twoProportionZTest({
      control: { n: control.n, conversions: control.buyers },
      treatment: { n: banner.n, conversions: banner.buyers },
    });
    const comparison = purchase.comparisons[0];
    expect(comparison.frequentist).toEqual({
      test: 'TWO_PROPORTION_Z',
      pValue: expect.closeTo(expected.value!.pValuePooled.value!, 12),
    });
    expect(comparison.verdict).toBe('BETTER');
    expect(comparison.relativeLift.estimate).toBeCloseTo(
      banner.buyers / banner.n / (control.buyers / control.n) - 1,
      10,
    );
  });

  it('ships the winning variant with the sequential method by default, counting each look', async () => {
    const first = await pulse().query<Results>(RESULTS, { id: experimentId });
    const second = await pulse().query<Results>(RESULTS, { id: experimentId });
    const results = second.data!.experiment.results;
    expect(results.looks).toBe(first.data!.experiment.results.looks + 1);
    expect(results.decision).toMatchObject({ decision: 'SHIP', variantKey: 'banner' });
    expect(results.decision.reasons[0]).toBe('banner wins on goal metric purchase');
    const sequential = results.metrics[0].comparisons[0].sequential;
    expect(sequential.looks).toBe(results.looks);
    expect(sequential.interval.lower).toBeGreaterThan(0);
    expect(results.health.sampleRatio.flagged).toBe(false);
  });

  it('reports the campaign return from the revenue metric and the variant cost', async () => {
    const response = await pulse().query<Results>(RESULTS, { id: experimentId });
    const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / values.length;
    const control = planted.get('control')!;
    const banner = planted.get('banner')!;
    const incremental = (mean(banner.revenue) - mean(control.revenue)) * banner.n;
    expect(response.data!.experiment.results.campaignReturns).toEqual([
      {
        variantKey: 'banner',
        customers: banner.n,
        incrementalRevenue: expect.closeTo(incremental, 6),
        incrementalCost: expect.closeTo(0.5 * banner.n, 9),
        returnOnInvestment: expect.closeTo((incremental - 0.5 * banner.n) / (0.5 * banner.n), 6),
      },
    ]);
  });

  it('announces a new decision once through the monitor, and not again when unchanged', async () => {
    const client = wsClient(pulse(), pulse().keys.PARTNER);
    const { ready, results } = collect<{ data: { experimentUpdated: Record<string, unknown> } }>(
      client,
      UPDATED,
      { ids: [experimentId] },
      2,
      1500,
    );
    await ready;
    const first = await pulse().query<{ monitorExperiments: number }>(
      'mutation { monitorExperiments }',
    );
    const second = await pulse().query<{ monitorExperiments: number }>(
      'mutation { monitorExperiments }',
    );
    const events = (await results).map((event) => event.data.experimentUpdated);
    await client.dispose();
    expect(first.data!.monitorExperiments).toBeGreaterThanOrEqual(1);
    expect(second.data!.monitorExperiments).toBe(0);
    expect(events).toEqual([
      {
        kind: 'DECISION_AVAILABLE',
        decision: 'SHIP',
        message: expect.stringContaining('banner wins'),
      },
    ]);
  });

  it('flags a sample ratio mismatch, decides REVIEW and announces SRM_DETECTED once', async () => {
    const key = unique('srm').toLowerCase();
    const created = await pulse().query<{ createExperiment: { experiment: { id: string } } }>(
      CREATE_EXPERIMENT,
      { input: purchaseExperiment(key) },
    );
    const id = created.data!.createExperiment.experiment.id;
    await pulse().query(MOVE('startExperiment'), { id });
    await pulse().query(ASSIGN, { key });
    // Half of the banner's customers are recorded under control: what a broken client does.
    const db = pulse().app.db;
    const q = (name: string) => (pulse().dialect === 'mysql' ? `\`${name}\`` : `"${name}"`);
    const [exp] = await db.query(`SELECT id FROM experiments WHERE ${q('key')} = ?`, [key]);
    const variants: Array<{ id: number; k: string }> = await db.query(
      `SELECT id, ${q('key')} AS k FROM experiment_variants WHERE experiment_id = ?`,
      [exp.id],
    );
    const control = variants.find((v) => v.k === 'control')!.id;
    const banner = variants.find((v) => v.k === 'banner')!.id;
    const moved: Array<{ customer_id: number }> = await db.query(
      'SELECT customer_id FROM experiment_exposures WHERE experiment_id = ? AND variant_id = ? ORDER BY customer_id',
      [exp.id, banner],
    );
    const ids = moved.filter((_, i) => i % 2 === 0).map((row) => row.customer_id);
    await db.query(
      `UPDATE experiment_exposures SET variant_id = ? WHERE experiment_id = ? AND customer_id IN (${ids.map(() => '?').join(', ')})`,
      [control, exp.id, ...ids],
    );
    const client = wsClient(pulse(), pulse().keys.ANALYST);
    const { ready, results } = collect<{ data: { experimentUpdated: Record<string, unknown> } }>(
      client,
      UPDATED,
      { ids: [id] },
      3,
      1500,
    );
    await ready;
    await pulse().query('mutation { monitorExperiments }');
    await pulse().query('mutation { monitorExperiments }');
    const events = (await results).map((event) => event.data.experimentUpdated.kind);
    await client.dispose();
    expect(events).toEqual(['SRM_DETECTED', 'DECISION_AVAILABLE']);
    const response = await pulse().query<Results>(RESULTS, { id });
    const results2 = response.data!.experiment.results;
    expect(results2.health.sampleRatio.flagged).toBe(true);
    expect(results2.decision.decision).toBe('REVIEW');
    expect(results2.decision.reasons[0]).toMatch(/^Sample ratio mismatch/);
  });

  it('concludes a stopped experiment with the decision, the chosen variant and the KPI impact', async () => {
    expectError(
      await pulse().query(CONCLUDE, { id: experimentId, input: { notes: 'too early' } }),
      'BAD_USER_INPUT',
      'status',
    );
    await pulse().query(MOVE('stopExperiment'), { id: experimentId });
    const results = await pulse().query<Results>(RESULTS, { id: experimentId });
    const lift = results.data!.experiment.results.metrics[0].comparisons[0].relativeLift.estimate;
    expectError(
      await pulse().query(CONCLUDE, { id: experimentId, input: { variantKey: 'nope' } }),
      'BAD_USER_INPUT',
      'input.variantKey',
    );
    const response = await pulse().query<{
      concludeExperiment: { experiment: { status: string; conclusion: Record<string, any> } };
    }>(CONCLUDE, { id: experimentId, input: { notes: 'Roll the banner out.' } });
    const { experiment } = response.data!.concludeExperiment;
    expect(experiment.status).toBe('CONCLUDED');
    expect(experiment.conclusion).toMatchObject({
      decision: 'SHIP',
      variantKey: 'banner',
      notes: 'Roll the banner out.',
      kpiImpact: {
        relativeLift: expect.closeTo(lift, 12),
        coverage: 1,
        expectedKpiChange: expect.closeTo(lift, 12),
      },
    });
  });
});
