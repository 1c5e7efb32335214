import type { MetricDefinition, OutcomeMeasure } from './experiment-definition';

// Builds the one statement that turns a metric into per-variant sufficient statistics. Pure:
// the dialect's date arithmetic comes in as a function. Each exposed customer's value is a
// correlated aggregate over their own rows (served by the customer/time indexes), and only
// sums per variant leave the database. The inner GROUP BY (on the exposure's key, so it changes
// nothing) stops MySQL and MariaDB from merging the derived table into the outer query, which
// would run each correlated subquery once per SUM that reads it: three times instead of once.

/** Moves an instant SQL expression by whole days (db/dialect.ts `addDaysSql`). */
export type AddDays = (instantSql: string, days: number) => string;

/** The statement and its parameters; rows: variantId, n, sy, syy and sx, sxx, sxy when paired. */
export interface OutcomeQuery {
  sql: string;
  params: unknown[];
  /** What x is: the CUPED covariate, the RATIO denominator, or nothing (no sx, sxx, sxy). */
  paired: 'covariate' | 'denominator' | null;
}

const DEFAULT_ORDER_STATUSES = ['PAID'];

/**
 * Per-variant sums of `metric` for the exposures of one experiment, counting rows in
 * [first exposure, first exposure + window) and before `asOf` (a bound parameter). The paired
 * quantity x is the CUPED covariate (the same measure in the window before exposure) or the
 * RATIO denominator; absent otherwise.
 */
export function outcomeQuery(
  metric: MetricDefinition,
  experimentId: number,
  asOf: unknown,
  addDays: AddDays,
): OutcomeQuery {
  const params: unknown[] = [];
  const after = (measure: OutcomeMeasure) =>
    perCustomer(measure, metric.kind === 'PROPORTION', params, (time) => {
      params.push(asOf);

      return `${time} >= e.first_exposed_at AND ${time} < ${addDays('e.first_exposed_at', metric.windowDays)} AND ${time} < ?`;
    });
  const y = after(metric.numerator);
  let x: string | null = null;
  let paired: OutcomeQuery['paired'] = null;
  if (metric.kind === 'RATIO' && metric.denominator) {
    x = after(metric.denominator);
    paired = 'denominator';
  } else if (metric.cuped) {
    paired = 'covariate';
    x = perCustomer(
      metric.numerator,
      metric.kind === 'PROPORTION',
      params,
      (time) =>
        `${time} >= ${addDays('e.first_exposed_at', -metric.windowDays)} AND ${time} < e.first_exposed_at`,
    );
  }
  params.push(experimentId);
  const pairedSums =
    x === null ? '' : ', SUM(t.x) AS sx, SUM(t.x * t.x) AS sxx, SUM(t.x * t.y) AS sxy';

  return {
    sql: `SELECT t.variant_id AS variantId, COUNT(*) AS n, SUM(t.y) AS sy, SUM(t.y * t.y) AS syy${pairedSums}
          FROM (SELECT e.variant_id, ${y} AS y${x === null ? '' : `, ${x} AS x`}
                FROM experiment_exposures e WHERE e.experiment_id = ?
                GROUP BY e.variant_id, e.customer_id, e.first_exposed_at) t
          GROUP BY t.variant_id`,
    params,
    paired,
  };
}

// One customer's value of `measure`: 0/1 presence for proportions, else COUNT or SUM (0 when
// the customer has no rows). `window` gives the time condition and pushes its own parameters.
function perCustomer(
  measure: OutcomeMeasure,
  presence: boolean,
  params: unknown[],
  window: (timeColumn: string) => string,
): string {
  const orders = measure.source === 'ORDERS';
  const [table, alias, time] = orders
    ? ['orders', 'o', 'o.ordered_at']
    : ['interactions', 'i', 'i.occurred_at'];
  const conditions = [`${alias}.customer_id = e.customer_id`];
  if (orders) {
    const statuses = measure.statuses ?? DEFAULT_ORDER_STATUSES;
    conditions.push(`o.status IN (${statuses.map(() => '?').join(', ')})`);
    params.push(...statuses);
  } else {
    if (measure.types) {
      conditions.push(`i.type IN (${measure.types.map(() => '?').join(', ')})`);
      params.push(...measure.types);
    }
    if (measure.channel) {
      conditions.push('i.channel = ?');
      params.push(measure.channel);
    }
  }
  conditions.push(window(time));
  const where = conditions.join(' AND ');
  if (presence) {
    return `(CASE WHEN EXISTS (SELECT 1 FROM ${table} ${alias} WHERE ${where}) THEN 1 ELSE 0 END)`;
  }
  const value =
    measure.aggregate === 'COUNT'
      ? 'COUNT(*)'
      : `COALESCE(SUM(${orders ? 'o.amount' : 'i.value'}), 0)`;

  return `(SELECT ${value} FROM ${table} ${alias} WHERE ${where})`;
}
