import { addDaysSql, parseInstant, sqlInstant } from '../../../src/db/dialect';
import { outcomeQuery } from '../../../src/experiments/outcome-sql';
import type {
  MetricDefinition,
  OutcomeMeasure,
} from '../../../src/experiments/experiment-definition';
import { toVariantDefinitions } from '../../../src/experiments/experiment.service';
import { OutcomeService } from '../../../src/experiments/outcome.service';
import type { ArmSums } from '../../../src/experiments/outcome-sums';
import { fromGlobalId, toGlobalId } from '../../../src/graphql/global-id';
import { describeEachDialect } from '../support/dialects';
import { createCustomers, unique } from '../support/factories';

const DAY = 86_400_000;
const WINDOW = 7;

const RESULTS = `query Results($id: ID!) {
  experiment(id: $id) {
    results {
      metrics {
        metricKey
        variants { variantKey n sum sumSquares covariateSum denominatorSum }
      }
    }
  }
}`;

interface ResultsResponse {
  experiment: {
    results: {
      metrics: Array<{ metricKey: string; variants: Array<Record<string, unknown>> }>;
    };
  };
}

// Rows planted around each customer's exposure, and an independent evaluator of the metric
// definitions over them: the SQL must agree with it on every sum.
interface Planted {
  source: 'ORDERS' | 'INTERACTIONS';
  at: Date;
  amount: number | null;
  status: string;
  type: string;
  channel: string;
}

const measure = (
  overrides: Partial<OutcomeMeasure> & Pick<OutcomeMeasure, 'source' | 'aggregate'>,
) => overrides as OutcomeMeasure;
const metric = (key: string, rest: Partial<MetricDefinition>): MetricDefinition => ({
  key,
  name: key,
  role: 'GOAL',
  kind: 'MEAN',
  numerator: measure({ source: 'ORDERS', aggregate: 'COUNT' }),
  denominator: null,
  windowDays: WINDOW,
  inverse: false,
  cuped: false,
  ...rest,
});
const METRICS: MetricDefinition[] = [
  metric('bought', { kind: 'PROPORTION' }),
  metric('revenue', { numerator: measure({ source: 'ORDERS', aggregate: 'SUM' }), cuped: true }),
  metric('web_clicks', {
    numerator: measure({
      source: 'INTERACTIONS',
      aggregate: 'COUNT',
      types: ['click'],
      channel: 'WEB',
    }),
  }),
  metric('order_value', {
    kind: 'RATIO',
    numerator: measure({ source: 'ORDERS', aggregate: 'SUM' }),
    denominator: measure({ source: 'ORDERS', aggregate: 'COUNT' }),
  }),
  metric('refunds', {
    numerator: measure({ source: 'ORDERS', aggregate: 'COUNT', statuses: ['REFUNDED'] }),
  }),
  metric('engagement_value', {
    numerator: measure({ source: 'INTERACTIONS', aggregate: 'SUM' }),
    windowDays: 1,
  }),
];

function valueOf(m: OutcomeMeasure, rows: Planted[], from: number, to: number, presence: boolean) {
  const kept = rows.filter(
    (row) =>
      row.source === m.source &&
      row.at.getTime() >= from &&
      row.at.getTime() < to &&
      (m.source !== 'ORDERS' || (m.statuses ?? ['PAID']).includes(row.status)) &&
      (!m.types || m.types.includes(row.type)) &&
      (!m.channel || m.channel === row.channel),
  );
  if (presence) {
    return kept.length > 0 ? 1 : 0;
  }

  return m.aggregate === 'COUNT'
    ? kept.length
    : kept.reduce((sum, row) => sum + (row.amount ?? 0), 0);
}

describeEachDialect('experiments: outcome sums in SQL', (pulse) => {
  const exposedAt = new Date(Date.UTC(2026, 5, 1, 12));
  const stoppedAt = new Date(exposedAt.getTime() + 10 * DAY);
  const planted = new Map<number, { variantId: number; rows: Planted[] }>();
  let experiment: { id: number; status: 'STOPPED'; stoppedAt: Date };
  let variants: ReturnType<typeof toVariantDefinitions>;

  const createExperiment = (metrics: MetricDefinition[]) =>
    pulse().app.services.experiments.create({
      key: unique('outcomes').toLowerCase(),
      name: 'outcomes',
      hypothesis: null,
      owner: 'test',
      segmentId: null,
      kpiId: null,
      trafficShare: 1,
      variants: [
        { key: 'a', name: 'a', weight: 1, isControl: true, costPerCustomer: null },
        { key: 'b', name: 'b', weight: 1, isControl: false, costPerCustomer: null },
      ],
      metrics,
    });
  const readResults = (id: number) =>
    pulse().query<ResultsResponse>(RESULTS, { id: toGlobalId('Experiment', id) });

  beforeAll(async () => {
    const db = pulse().app.db;
    const created = await createExperiment(METRICS);
    variants = toVariantDefinitions(
      await pulse().app.services.experiments.variantsOf([created.id]),
    );
    experiment = { id: created.id, status: 'STOPPED', stoppedAt };
    const customers = await createCustomers(pulse(), 8);
    const at = (ms: number) => new Date(exposedAt.getTime() + ms);
    let sequence = 0;
    for (const [i, customer] of customers.entries()) {
      const id = fromGlobalId(customer.id, 'Customer', 'id');
      const amount = 10 + 7 * i;
      // Customer 7 is exposed and leaves only an interaction without value: zeros must be
      // counted too, and a NULL value sums as 0.
      const rows: Planted[] =
        i === 7
          ? [
              {
                source: 'INTERACTIONS',
                at: at(60_000),
                amount: null,
                status: '',
                type: 'view',
                channel: 'EMAIL',
              },
            ]
          : [
              {
                source: 'ORDERS',
                at: at(-1),
                amount: amount + 1,
                status: 'PAID',
                type: '',
                channel: '',
              },
              {
                source: 'ORDERS',
                at: at(-3 * DAY),
                amount: 4,
                status: 'PAID',
                type: '',
                channel: '',
              },
              { source: 'ORDERS', at: at(0), amount, status: 'PAID', type: '', channel: '' },
              {
                source: 'ORDERS',
                at: at(i % 2 === 0 ? 2 * DAY : 4 * DAY),
                amount: 3 * i,
                status: 'PAID',
                type: '',
                channel: '',
              },
              {
                source: 'ORDERS',
                at: at(DAY),
                amount: 9,
                status: 'REFUNDED',
                type: '',
                channel: '',
              },
              {
                source: 'ORDERS',
                at: at(WINDOW * DAY - 1),
                amount: 100,
                status: 'PAID',
                type: '',
                channel: '',
              },
              {
                source: 'ORDERS',
                at: at(WINDOW * DAY),
                amount: 1000,
                status: 'PAID',
                type: '',
                channel: '',
              },
              {
                source: 'INTERACTIONS',
                at: at(60_000),
                amount: 2,
                status: '',
                type: 'click',
                channel: 'WEB',
              },
              {
                source: 'INTERACTIONS',
                at: at(DAY - 1),
                amount: 5,
                status: '',
                type: 'view',
                channel: 'EMAIL',
              },
              {
                source: 'INTERACTIONS',
                at: at(DAY),
                amount: 50,
                status: '',
                type: 'click',
                channel: 'WEB',
              },
              {
                source: 'INTERACTIONS',
                at: at(2 * DAY),
                amount: 1,
                status: '',
                type: 'click',
                channel: 'EMAIL',
              },
            ];
      const variantId = variants[i % 2].id;
      planted.set(id, { variantId, rows });
      await db.query(
        'INSERT INTO experiment_exposures (experiment_id, customer_id, variant_id, first_exposed_at, mixed_variants) VALUES (?, ?, ?, ?, 0)',
        [experiment.id, id, variantId, sqlInstant(db, exposedAt)],
      );
      for (const row of rows) {
        sequence += 1;
        const time = sqlInstant(db, row.at);
        if (row.source === 'ORDERS') {
          await db.query(
            'INSERT INTO orders (customer_id, client_order_id, ordered_at, amount, currency, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
            [id, unique(`o${sequence}`), time, row.amount, 'EUR', row.status, time, time],
          );
        } else {
          await db.query(
            'INSERT INTO interactions (customer_id, channel, type, occurred_at, value, client_event_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
            [id, row.channel, row.type, time, row.amount, unique(`i${sequence}`), time],
          );
        }
      }
    }
  });

  /** Experiment.results.metrics as the planted rows give them, counting nothing from `stop` on. */
  function expectedMetrics(stop: Date) {
    return METRICS.map((definition) => ({
      metricKey: definition.key,
      variants: variants.map((variant) => {
        const arm = expectedArm(definition, variant.id, stop);

        return {
          variantKey: variant.key,
          n: arm.n,
          sum: arm.sum,
          sumSquares: arm.sumSquares,
          covariateSum: arm.covariate?.sum ?? null,
          denominatorSum: arm.denominator?.sum ?? null,
        };
      }),
    }));
  }

  function expectedArm(
    definition: MetricDefinition,
    variantId: number,
    stop = stoppedAt,
  ): Omit<ArmSums, 'variantKey'> {
    const members = [...planted.values()].filter((p) => p.variantId === variantId);
    const start = exposedAt.getTime();
    const end = Math.min(start + definition.windowDays * DAY, stop.getTime());
    const presence = definition.kind === 'PROPORTION';
    const ys = members.map((p) => valueOf(definition.numerator, p.rows, start, end, presence));
    const sums = (xs: number[]) => ({
      sum: xs.reduce((s, x) => s + x, 0),
      sumSquares: xs.reduce((s, x) => s + x * x, 0),
      sumProducts: xs.reduce((s, x, i) => s + x * ys[i], 0),
    });
    const pre = definition.cuped
      ? members.map((p) =>
          valueOf(
            definition.numerator,
            p.rows,
            start - definition.windowDays * DAY,
            start,
            presence,
          ),
        )
      : null;
    const denominator = definition.denominator
      ? members.map((p) => valueOf(definition.denominator!, p.rows, start, end, false))
      : null;

    return {
      n: members.length,
      sum: sums(ys).sum,
      sumSquares: sums(ys).sumSquares,
      covariate: pre && sums(pre),
      denominator: denominator && sums(denominator),
    };
  }

  it.each(METRICS.map((m) => [m.key, m] as const))(
    'computes the sums of %s per variant exactly as the definition says',
    async (_key, definition) => {
      const [sums] = await new OutcomeService(pulse().app.db).sums(experiment, variants, [
        definition,
      ]);
      expect(sums.arms).toEqual(
        variants.map((variant) => ({
          variantKey: variant.key,
          ...expectedArm(definition, variant.id),
        })),
      );
      expect(sums.arms.every((arm) => arm.n === 4)).toBe(true);
    },
  );

  it('counts no row from the stop on, even inside the window', async () => {
    const stop = new Date(exposedAt.getTime() + DAY);
    const sums = await new OutcomeService(pulse().app.db).sums(
      { ...experiment, stoppedAt: stop },
      variants,
      METRICS,
    );
    sums.forEach((metricSums, m) => {
      expect(metricSums.arms).toEqual(
        variants.map((variant) => ({
          variantKey: variant.key,
          ...expectedArm(METRICS[m], variant.id, stop),
        })),
      );
    });
    // Inside [exposure, exposure + 1 day) only the order at the exposure instant is PAID.
    expect(sums[0].arms.map((arm) => arm.sum)).toEqual([4, 3]);
  });

  it('serves the same sums in Experiment.results over HTTP, counting nothing from the stored stop on', async () => {
    const db = pulse().app.db;
    // Inside the 7-day windows, so the order at window end − 1 ms is cut by the stop.
    const stop = new Date(exposedAt.getTime() + 5 * DAY);
    await db.query(
      'UPDATE experiments SET status = ?, started_at = ?, stopped_at = ? WHERE id = ?',
      [
        'STOPPED',
        sqlInstant(db, new Date(exposedAt.getTime() - DAY)),
        sqlInstant(db, stop),
        experiment.id,
      ],
    );
    const response = await readResults(experiment.id);
    expect(response.errors).toBeUndefined();
    expect(response.data!.experiment.results.metrics).toEqual(expectedMetrics(stop));
  });

  it('counts nothing from the archiving on for an experiment archived while RUNNING', async () => {
    const db = pulse().app.db;
    // Archived straight from RUNNING: no stop time, yet the experiment ended when archived.
    const archivedAt = new Date(exposedAt.getTime() + 5 * DAY);
    await db.query(
      'UPDATE experiments SET status = ?, started_at = ?, stopped_at = NULL, archived_at = ? WHERE id = ?',
      [
        'ARCHIVED',
        sqlInstant(db, new Date(exposedAt.getTime() - DAY)),
        sqlInstant(db, archivedAt),
        experiment.id,
      ],
    );
    const response = await readResults(experiment.id);
    expect(response.errors).toBeUndefined();
    expect(response.data!.experiment.results.metrics).toEqual(expectedMetrics(archivedAt));
  });

  it('reads results over HTTP with exactly one more SQL statement per metric added', async () => {
    const ids: number[] = [];
    for (let count = 1; count <= METRICS.length; count++) {
      ids.push((await createExperiment(METRICS.slice(0, count))).id);
    }
    // The first read warms what a request reads once per server (the API key, for one).
    await readResults(ids[0]);
    const statements: number[] = [];
    for (const id of ids) {
      const read = await pulse().countStatements(() => readResults(id));
      expect(read.result.errors).toBeUndefined();
      statements.push(read.statements);
    }
    expect(statements).toEqual(ids.map((_, added) => statements[0] + added));
  });

  it('reads orders and interactions only through the customer/time indexes', async () => {
    const db = pulse().app.db;
    const mysql = pulse().dialect === 'mysql';
    for (const definition of METRICS) {
      const query = outcomeQuery(definition, experiment.id, sqlInstant(db, stoppedAt), (x, d) =>
        addDaysSql(db, x, d),
      );
      const plan: Array<Record<string, string>> = await db.query(
        `${mysql ? 'EXPLAIN' : 'EXPLAIN QUERY PLAN'} ${query.sql}`,
        query.params,
      );
      // table alias → index used, for every step that reads orders (o) or interactions (i).
      const reads = plan
        .map((step) =>
          mysql
            ? [step.table, step.key]
            : (/^SEARCH (\w+) USING (?:COVERING )?INDEX (\w+)/.exec(step.detail)?.slice(1) ??
              (/^SCAN (\w+)/.exec(step.detail) ? [step.detail.split(' ')[1], null] : [])),
        )
        .filter(([table]) => table === 'o' || table === 'i');
      expect(reads.length).toBeGreaterThan(0);
      for (const [table, index] of reads) {
        const prefix = table === 'o' ? 'idx_orders_customer' : 'idx_interactions_customer';
        expect([definition.key, table, index?.startsWith(prefix)]).toEqual([
          definition.key,
          table,
          true,
        ]);
      }
    }
  });

  it('reports a variant nobody was exposed to with n = 0 and zero sums', async () => {
    const empty = { ...variants[1], id: 2_000_000_000, key: 'empty', isControl: false };
    const sums = await new OutcomeService(pulse().app.db).sums(
      experiment,
      [...variants, empty],
      METRICS,
    );
    for (const metricSums of sums) {
      const paired = { sum: 0, sumSquares: 0, sumProducts: 0 };
      const definition = METRICS.find((m) => m.key === metricSums.metricKey)!;
      expect(metricSums.arms[2]).toEqual({
        variantKey: 'empty',
        n: 0,
        sum: 0,
        sumSquares: 0,
        covariate: definition.cuped ? paired : null,
        denominator: definition.kind === 'RATIO' ? paired : null,
      });
    }
  });

  it.each([-7, 1, 31])(
    'moves a stored instant by %i days in SQL exactly as JavaScript does, to the millisecond',
    async (days) => {
      const db = pulse().app.db;
      const rows: Array<{ at: unknown; moved: unknown }> = await db.query(
        `SELECT o.ordered_at AS at, ${addDaysSql(db, 'o.ordered_at', days)} AS moved
         FROM orders o ORDER BY o.id LIMIT 20`,
      );
      expect(rows.length).toBe(20);
      for (const row of rows) {
        const at = parseInstant(row.at)!;
        expect(parseInstant(row.moved)).toEqual(new Date(at.getTime() + days * DAY));
      }
    },
  );

  it('runs one SQL statement per metric', async () => {
    const service = new OutcomeService(pulse().app.db);
    const one = await pulse().countStatements(() =>
      service.sums(experiment, variants, METRICS.slice(0, 1)),
    );
    const all = await pulse().countStatements(() => service.sums(experiment, variants, METRICS));
    expect([one.statements, all.statements]).toEqual([1, METRICS.length]);
  });
});
