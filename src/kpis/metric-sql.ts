import type { RuleDialect, SqlFragment } from '../db/dialect';
import { dayOf, filledSql, LIVE_CUSTOMER, validSql } from '../quality/quality-rules';
import type { Aggregate, KpiScope, MetricPlan, RowFilter, Source, Term } from './metrics';

// Metric plans compiled into one grouped SQL statement. Pure (the dialect's JSON readers and
// instant parameters come in as a RuleDialect): no date functions are used, rows are put into
// periods by comparing their instant with bound period boundaries, so both dialects agree and
// the reporting time zone stays in periods.ts.

/** What a value can be broken down by. */
export type Dimension = 'CHANNEL' | 'COUNTRY' | 'SEGMENT';

/**
 * The statement's input: sorted, distinct period boundaries (interval i is [b[i], b[i+1])),
 * the intervals whose rows count, and for retention the (interval, previous interval) pairs.
 */
export interface Bucketing {
  boundaries: Date[];
  wanted: number[];
  previousOf?: Array<[number, number]>;
}

/** Period rows per UNION ALL in period lists, below SQLite's limit of 500 terms. */
const INTERVAL_CHUNK = 250;

const TABLES: Record<Source, { from: string; time: string; customer: string }> = {
  INTERACTIONS: {
    from: 'interactions x JOIN customers c ON c.id = x.customer_id',
    time: 'x.occurred_at',
    customer: 'x.customer_id',
  },
  ORDERS: {
    from: 'orders x JOIN customers c ON c.id = x.customer_id',
    time: 'x.ordered_at',
    customer: 'x.customer_id',
  },
  CUSTOMERS: { from: 'customers c', time: 'c.signed_up_at', customer: 'c.id' },
};

/**
 * One statement returning rows `(kpi_b, kpi_d, num, den)`: per interval index and dimension
 * value (NULL without a dimension), the metric's numerator and denominator.
 */
export function metricSql(
  plan: MetricPlan,
  scope: KpiScope,
  by: Dimension | undefined,
  bucketing: Bucketing,
  dialect: RuleDialect,
): SqlFragment {
  const q = new Query(dialect);
  if (plan.kind === 'RETENTION') {
    // Each customer's active periods, each with the customer's previous active period (LAG):
    // retained in `cur` = active in `cur` with `prev` as previous active period. Counting those
    // per (period, previous period) first keeps the join with the period pairs small; a self
    // join of the activity would compare millions of rows with each other.
    q.add('WITH act AS (SELECT DISTINCT ');
    sourceRows(q, 'INTERACTIONS', scope, by, bucketing, null, 'cid');
    q.add(
      '), counts AS (SELECT l.kpi_b, l.kpi_d, l.prev_b, COUNT(*) AS n FROM (SELECT kpi_b, kpi_d, ' +
        'LAG(kpi_b) OVER (PARTITION BY kpi_d, cid ORDER BY kpi_b) AS prev_b FROM act) l ' +
        'GROUP BY l.kpi_b, l.kpi_d, l.prev_b) ' +
        'SELECT m.cur AS kpi_b, c.kpi_d AS kpi_d, ' +
        'SUM(CASE WHEN c.kpi_b = m.cur AND c.prev_b = m.prev THEN c.n ELSE 0 END) AS num, ' +
        'SUM(CASE WHEN c.kpi_b = m.prev THEN c.n ELSE 0 END) AS den FROM (',
    );
    const pairs = bucketing.previousOf ?? [];
    periodRows(
      q,
      pairs.map((_, i) => i),
      (i) => [`SELECT ${pairs[i][0]} AS cur, ${pairs[i][1]} AS prev`, []],
    );
    q.add(') m JOIN counts c ON c.kpi_b IN (m.cur, m.prev) GROUP BY m.cur, c.kpi_d');

    return q.done();
  }
  if (plan.kind === 'QUALITY') {
    qualitySql(q, plan, scope, by, bucketing);

    return q.done();
  }
  if (plan.kind === 'DRIFT') {
    driftSql(q, plan, bucketing);

    return q.done();
  }
  if (plan.kind === 'PER_CUSTOMER') {
    const { source, base, hit } = plan;
    q.add(
      'SELECT p.kpi_b AS kpi_b, p.kpi_d AS kpi_d, SUM(CASE WHEN p.base_n > 0 AND p.hit_n >= ? THEN 1 ELSE 0 END) AS num, SUM(CASE WHEN p.base_n > 0 THEN 1 ELSE 0 END) AS den FROM (SELECT ',
      [plan.minHits],
    );
    q.add('SUM(CASE WHEN ');
    rowCondition(q, base);
    q.add(' THEN 1 ELSE 0 END) AS base_n, SUM(CASE WHEN ');
    rowCondition(q, hit);
    q.add(' THEN 1 ELSE 0 END) AS hit_n, ');
    sourceRows(q, source, scope, by, bucketing, [base, hit], 'cid');
    q.add(') p GROUP BY p.kpi_b, p.kpi_d');

    return q.done();
  }
  // TERMS: one grouped SELECT per source, added up across sources.
  const sources = [
    ...new Set([...plan.numerator, ...(plan.denominator ?? [])].map((t) => t.aggregate.source)),
  ];
  q.add('SELECT t.kpi_b AS kpi_b, t.kpi_d AS kpi_d, SUM(t.num) AS num, SUM(t.den) AS den FROM (');
  sources.forEach((source, i) => {
    const mine = (list: Term[] | null) => (list ?? []).filter((t) => t.aggregate.source === source);
    q.add(i ? ' UNION ALL SELECT ' : 'SELECT ');
    termsSum(q, mine(plan.numerator));
    q.add(' AS num, ');
    termsSum(q, mine(plan.denominator));
    q.add(' AS den, ');
    const filters = [...mine(plan.numerator), ...mine(plan.denominator)].map(
      (t) => t.aggregate.filter ?? {},
    );
    sourceRows(q, source, scope, by, bucketing, filters, null);
  });
  q.add(') t GROUP BY t.kpi_b, t.kpi_d');

  return q.done();
}

/**
 * `<bucket> AS kpi_b, <dimension> AS kpi_d[, customer AS cid] FROM … WHERE … GROUP BY kpi_b,
 * kpi_d[, cid]` of one source: rows in the wanted intervals, of live customers, in scope, and
 * matching at least one of `filters` (null = all rows; a filter lets the database use the
 * type index).
 */
function sourceRows(
  q: Query,
  source: Source,
  scope: KpiScope,
  by: Dimension | undefined,
  bucketing: Bucketing,
  filters: RowFilter[] | null,
  customerAlias: string | null,
): void {
  const table = TABLES[source];
  const { boundaries } = bucketing;
  bucketExpression(q, table.time, boundaries, 0, boundaries.length - 2);
  q.add(' AS kpi_b, ');
  q.add(
    by === 'CHANNEL'
      ? 'x.channel'
      : by === 'COUNTRY'
        ? 'c.country'
        : by === 'SEGMENT'
          ? 'sm.segment_id'
          : 'NULL',
  );
  q.add(' AS kpi_d');
  q.add(customerAlias ? `, ${table.customer} AS ${customerAlias}` : '');
  q.add(` FROM ${table.from}`);
  q.add(
    by === 'SEGMENT' ? ` JOIN segment_memberships sm ON sm.customer_id = ${table.customer}` : '',
  );
  q.add(' WHERE c.deleted_at IS NULL AND (');
  wantedRanges(q, table.time, bucketing);
  q.add(')');
  customerScope(q, scope, table.customer);
  if (scope.channel !== undefined) {
    q.add(' AND x.channel = ?', [scope.channel]);
  }
  const conditions = (filters ?? []).filter((f) => Object.keys(f).length > 0);
  if (filters && conditions.length === filters.length && conditions.length > 0) {
    q.add(' AND (');
    conditions.forEach((filter, i) => {
      q.add(i ? ' OR ' : '');
      rowCondition(q, filter);
    });
    q.add(')');
  }
  q.add(
    customerAlias && filters
      ? ` GROUP BY kpi_b, kpi_d, ${table.customer}`
      : filters
        ? ' GROUP BY kpi_b, kpi_d'
        : '',
  );
}

/** ` AND …` conditions of a scope's segment and country on the customer `customer`. */
function customerScope(q: Query, scope: KpiScope, customer: string): void {
  if (scope.segmentId !== undefined) {
    q.add(
      ` AND EXISTS (SELECT 1 FROM segment_memberships ss WHERE ss.segment_id = ? AND ss.customer_id = ${customer})`,
      [scope.segmentId],
    );
  }
  if (scope.country !== undefined) {
    // Countries are stored as upper-case codes; MySQL's collation would match "gb" anyway.
    q.add(' AND c.country = ?', [scope.country.toUpperCase()]);
  }
}

/**
 * DATA_QUALITY: per wanted interval, among the live customers signed up before its end, those
 * whose field is valid over those with it filled (VALID), or filled over all (FILLED). Birth
 * dates are judged against the interval's last day.
 */
function qualitySql(
  q: Query,
  plan: Extract<MetricPlan, { kind: 'QUALITY' }>,
  scope: KpiScope,
  by: Dimension | undefined,
  { boundaries, wanted }: Bucketing,
): void {
  const today = { sql: 'm.kpi_day', params: [] };
  const valid = validSql(plan.field, q.dialect, today);
  const [num, den] =
    plan.measure === 'VALID'
      ? [valid, { sql: filledSql(plan.field), params: [] }]
      : [
          { sql: filledSql(plan.field), params: [] },
          { sql: '1 = 1', params: [] },
        ];
  q.add(
    `SELECT m.kpi_b AS kpi_b, ${by === 'COUNTRY' ? 'c.country' : by === 'SEGMENT' ? 'sm.segment_id' : 'NULL'} AS kpi_d, `,
  );
  q.add(`SUM(CASE WHEN ${num.sql} THEN 1 ELSE 0 END) AS num, `, num.params);
  q.add(`SUM(CASE WHEN ${den.sql} THEN 1 ELSE 0 END) AS den FROM (`, den.params);
  periodRows(q, [...new Set(wanted)], (index) => {
    const end = boundaries[index + 1];

    return [
      `SELECT ${index} AS kpi_b, ? AS kpi_e, ? AS kpi_day`,
      [q.instant(end), dayOf(new Date(end.getTime() - 1))],
    ];
  });
  q.add(') m JOIN customers c ON c.signed_up_at < m.kpi_e');
  q.add(by === 'SEGMENT' ? ' JOIN segment_memberships sm ON sm.customer_id = c.id' : '');
  q.add(` WHERE ${LIVE_CUSTOMER}`);
  customerScope(q, scope, 'c.id');
  q.add(' GROUP BY m.kpi_b, kpi_d');
}

/**
 * PREDICTION_DRIFT: per wanted interval, the larger of `score_psi` and `max_feature_psi` of the
 * latest finished scoring run of the kind started before the interval's end, with denominator 1
 * (0 when that run measured no PSI, which makes the value null; intervals without a run have no
 * row and are null too). CASE instead of GREATEST, which SQLite lacks.
 */
function driftSql(
  q: Query,
  plan: Extract<MetricPlan, { kind: 'DRIFT' }>,
  { boundaries, wanted }: Bucketing,
): void {
  const psi =
    '(CASE WHEN r.max_feature_psi IS NULL OR r.score_psi >= r.max_feature_psi ' +
    'THEN r.score_psi ELSE r.max_feature_psi END)';
  q.add(
    `SELECT m.kpi_b AS kpi_b, NULL AS kpi_d, ${psi} AS num, ` +
      `(CASE WHEN ${psi} IS NULL THEN 0 ELSE 1 END) AS den FROM (`,
  );
  periodRows(q, [...new Set(wanted)], (index) => [
    `SELECT ${index} AS kpi_b, ? AS kpi_e`,
    [q.instant(boundaries[index + 1])],
  ]);
  q.add(
    ') m JOIN scoring_runs r ON r.id = (SELECT s.id FROM scoring_runs s WHERE s.kind = ? ' +
      'AND s.finished_at IS NOT NULL AND s.started_at < m.kpi_e ' +
      'ORDER BY s.started_at DESC, s.id DESC LIMIT 1)',
    [plan.predictionKind],
  );
}

/**
 * One row per period as `SELECT … UNION ALL SELECT …`. SQLite refuses a compound SELECT of more
 * than 500 terms (a cold daily evaluation has 548 periods), so the rows are unions of at most
 * INTERVAL_CHUNK, themselves united.
 */
function periodRows(
  q: Query,
  indexes: readonly number[],
  row: (index: number) => [string, unknown[]],
): void {
  for (let from = 0; from < indexes.length; from += INTERVAL_CHUNK) {
    q.add(from ? ' UNION ALL SELECT * FROM (' : 'SELECT * FROM (');
    indexes.slice(from, from + INTERVAL_CHUNK).forEach((index, i) => {
      const [sql, params] = row(index);
      q.add(`${i ? ' UNION ALL ' : ''}${sql}`, params);
    });
    q.add(`) p${from}`);
  }
}

/** A binary search over the boundaries: about log2(n) comparisons per row. */
function bucketExpression(
  q: Query,
  time: string,
  boundaries: Date[],
  lo: number,
  hi: number,
): void {
  if (lo === hi) {
    q.add(String(lo));

    return;
  }
  const mid = (lo + hi + 1) >> 1;
  q.add(`CASE WHEN ${time} < ? THEN `, [q.instant(boundaries[mid])]);
  bucketExpression(q, time, boundaries, lo, mid - 1);
  q.add(' ELSE ');
  bucketExpression(q, time, boundaries, mid, hi);
  q.add(' END');
}

/** `time` within the wanted intervals, as few ranges as the gaps between them allow. */
function wantedRanges(q: Query, time: string, { boundaries, wanted }: Bucketing): void {
  const sorted = [...new Set(wanted)].sort((a, b) => a - b);
  const runs: Array<[number, number]> = [];
  for (const index of sorted) {
    const last = runs[runs.length - 1];
    if (last && last[1] === index) {
      last[1] = index + 1;
    } else {
      runs.push([index, index + 1]);
    }
  }
  runs.forEach(([from, to], i) => {
    q.add(`${i ? ' OR ' : ''}(${time} >= ? AND ${time} < ?)`, [
      q.instant(boundaries[from]),
      q.instant(boundaries[to]),
    ]);
  });
}

function termsSum(q: Query, terms: Term[]): void {
  if (terms.length === 0) {
    q.add('0');

    return;
  }
  terms.forEach((term, i) => {
    q.add(i ? (term.sign > 0 ? ' + ' : ' - ') : term.sign > 0 ? '' : '-');
    aggregateExpression(q, term.aggregate);
  });
}

function aggregateExpression(q: Query, aggregate: Aggregate): void {
  const customer = TABLES[aggregate.source].customer;
  const open =
    aggregate.fn === 'DISTINCT_CUSTOMERS'
      ? 'COUNT(DISTINCT CASE WHEN '
      : aggregate.fn === 'COUNT'
        ? 'SUM(CASE WHEN '
        : 'COALESCE(SUM(CASE WHEN ';
  q.add(open);
  rowCondition(q, aggregate.filter ?? {});
  if (aggregate.fn === 'DISTINCT_CUSTOMERS') {
    q.add(` THEN ${customer} END)`);
  } else if (aggregate.fn === 'COUNT') {
    // A COUNT with a field (an AVG's denominator) skips rows without a value, as AVG does.
    q.add(aggregate.field ? ` AND x.${aggregate.field} IS NOT NULL` : '');
    q.add(' THEN 1 ELSE 0 END)');
  } else {
    q.add(` THEN x.${aggregate.field} END), 0)`);
  }
}

function rowCondition(q: Query, filter: RowFilter): void {
  const parts: Array<() => void> = [];
  const list = (column: string, values: string[]) => () =>
    q.add(`${column} IN (${values.map(() => '?').join(', ')})`, values);
  if (filter.channel !== undefined) {
    parts.push(() => q.add('x.channel = ?', [filter.channel]));
  }
  // Types are stored in lower_snake_case and statuses in upper case. MySQL's collation ignores
  // case, SQLite's `=` does not: the texts are put in the stored case, so both dialects agree.
  if (filter.types) {
    const types = filter.types.map((type) => type.toLowerCase());
    parts.push(list('x.type', types));
  }
  if (filter.statuses) {
    const statuses = filter.statuses.map((status) => status.toUpperCase());
    parts.push(list('x.status', statuses));
  }
  if (filter.property) {
    const { path, equals } = filter.property;
    parts.push(() => {
      const json = q.dialect.jsonText('x.properties', path);
      q.add(`${json.sql} = ?`, [...json.params, equals]);
    });
  }
  if (filter.scoreMin !== undefined) {
    parts.push(() => q.add('x.score >= ?', [filter.scoreMin]));
  }
  if (filter.scoreMax !== undefined) {
    parts.push(() => q.add('x.score <= ?', [filter.scoreMax]));
  }
  if (parts.length === 0) {
    q.add('1 = 1');

    return;
  }
  parts.forEach((part, i) => {
    q.add(i ? ' AND ' : '(');
    part();
  });
  q.add(')');
}

/** SQL text and its parameters, appended in the order the `?` appear. */
class Query {
  private readonly sql: string[] = [];
  private readonly params: unknown[] = [];

  constructor(readonly dialect: RuleDialect) {}

  add(sql: string, params: unknown[] = []): void {
    this.sql.push(sql);
    this.params.push(...params);
  }

  instant(date: Date): unknown {
    return this.dialect.instant(date);
  }

  done(): SqlFragment {
    return { sql: this.sql.join(''), params: this.params };
  }
}
