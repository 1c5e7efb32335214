import type { SqlFragment } from '../db/dialect';

// Builds the statements of the next-best-action rule (next-best-action.ts). Pure: the dialect's
// pieces come in as arguments. Every customer in scope is paired with every active action, the
// three predictions are LEFT JOINed by kind, consent, contact cap and eligibility are
// correlated EXISTS/COUNT subqueries served by their tables' customer indexes, and the gain is
// computed in SQL; only the evaluated pairs (or one page of recommendations) leave the
// database. Each step is its own CTE because SQL cannot reuse a column alias in the SELECT that
// defines it. CTEs and window functions need SQLite 3.25 and MariaDB 10.2 / MySQL 8.

/** The dialect pieces the statements need (db/dialect.ts). */
export interface NbaDialect {
  /** `unitHashSql` of the customer id column `c.id` with the holdout salt and purpose. */
  holdoutHash: SqlFragment;
  /** `wholeDaysBetween`: whole days from one instant SQL expression to another. */
  wholeDaysBetween: (from: string, to: string) => string;
}

/** What every evaluation is relative to. */
export interface NbaContext {
  /** The instant contact caps look back from, as a bound parameter. */
  now: unknown;
  /** Share [0, 1] of customers held out (unitHash below it). */
  holdoutShare: number;
}

/**
 * CTEs ending in `ranked`: one row per customer in `scope` (a condition on `c`) and active
 * action, with the checks as 0/1 flags, the gain's terms, `admissible` (every check passed and
 * gain > 0) and `choice`, the action's rank for the customer (1 = best: admissible first, then
 * eligible, then by gain, then by action id so that ties are stable).
 */
function rankedPairs(dialect: NbaDialect, context: NbaContext, scope: SqlFragment): SqlFragment {
  const days = dialect.wholeDaysBetween('i.occurred_at', '?');
  const sql = `WITH scoped AS (
    SELECT c.id AS customer_id, CASE WHEN ${dialect.holdoutHash.sql} < ? THEN 1 ELSE 0 END AS in_holdout
    FROM customers c
    WHERE c.deleted_at IS NULL AND ${scope.sql}
  ),
  pairs AS (
    SELECT s.customer_id, s.in_holdout, a.id AS action_id, a.objective, a.effect,
           a.cost_per_contact, a.incentive_cost,
           CASE WHEN a.objective = 'RETAIN' THEN pc.score ELSE pp.score END AS base_p,
           pv.score AS clv,
           CASE WHEN a.segment_id IS NULL OR EXISTS (
             SELECT 1 FROM segment_memberships m
             WHERE m.segment_id = a.segment_id AND m.customer_id = s.customer_id
           ) THEN 1 ELSE 0 END AS eligible,
           -- Mirrors privacy/contact-policy.ts mayContact: only an explicit GRANTED on the
           -- action's channel allows contact; no record or DENIED does not.
           CASE WHEN EXISTS (
             SELECT 1 FROM customer_consents cc
             WHERE cc.customer_id = s.customer_id AND cc.channel = a.channel AND cc.status = 'GRANTED'
           ) THEN 1 ELSE 0 END AS has_consent,
           -- Contacts in the last contact_window_days before now, on the action's channel.
           CASE WHEN a.max_contacts IS NOT NULL AND (
             SELECT COUNT(*) FROM interactions i
             WHERE i.customer_id = s.customer_id AND i.channel = a.channel
               AND i.type = a.contact_type AND i.occurred_at <= ?
               AND ${days} < a.contact_window_days
           ) >= a.max_contacts THEN 1 ELSE 0 END AS capped
    FROM scoped s
    CROSS JOIN next_best_actions a
    LEFT JOIN predictions pc ON pc.customer_id = s.customer_id AND pc.kind = 'CHURN'
    LEFT JOIN predictions pp ON pp.customer_id = s.customer_id AND pp.kind = 'PROPENSITY'
    LEFT JOIN predictions pv ON pv.customer_id = s.customer_id AND pv.kind = 'CLV'
    WHERE a.archived_at IS NULL
  ),
  lifted AS (
    SELECT pairs.*,
           CASE WHEN base_p IS NULL OR clv IS NULL THEN NULL
                WHEN objective = 'RETAIN' THEN effect * base_p
                WHEN effect * base_p < 1 - base_p THEN effect * base_p
                ELSE 1 - base_p END AS uplift
    FROM pairs
  ),
  accepted AS (
    SELECT lifted.*,
           CASE WHEN objective = 'RETAIN' THEN 1 - base_p + uplift ELSE base_p + uplift END AS accept_p
    FROM lifted
  ),
  scored AS (
    SELECT accepted.*,
           cost_per_contact + incentive_cost * accept_p AS expected_cost,
           uplift * clv - incentive_cost * accept_p - cost_per_contact AS gain
    FROM accepted
  ),
  judged AS (
    SELECT scored.*,
           CASE WHEN gain > 0 AND eligible = 1 AND has_consent = 1 AND capped = 0
                THEN 1 ELSE 0 END AS admissible
    FROM scored
  ),
  ranked AS (
    SELECT judged.*,
           ROW_NUMBER() OVER (
             PARTITION BY customer_id
             ORDER BY admissible DESC, eligible DESC, CASE WHEN gain IS NULL THEN 1 ELSE 0 END,
                      gain DESC, action_id
           ) AS choice
    FROM judged
  )`;

  return {
    sql,
    params: [
      ...dialect.holdoutHash.params,
      context.holdoutShare,
      ...scope.params,
      context.now,
      context.now,
    ],
  };
}

const PAIR_COLUMNS = `customer_id, action_id, in_holdout, base_p, clv, eligible, has_consent, capped,
  uplift, accept_p, expected_cost, gain, admissible, choice`;

/** Every active action evaluated for these customers, by customer and rank (`choice`). */
export function evaluationsQuery(
  dialect: NbaDialect,
  context: NbaContext,
  customerIds: readonly number[],
): SqlFragment {
  const ranked = rankedPairs(dialect, context, {
    sql: `c.id IN (${customerIds.map(() => '?').join(', ')})`,
    params: [...customerIds],
  });

  return {
    sql: `${ranked.sql}
    SELECT ${PAIR_COLUMNS} FROM ranked ORDER BY customer_id, choice`,
    params: ranked.params,
  };
}

/** What a page of recommendations asks for. */
export interface RecommendationFilter {
  /** Only members of this segment; everyone when null. */
  segmentId: number | null;
  /** Most total expected cost; unlimited when null. */
  budget: number | null;
  /** List the recommended customers past the budget too (flagged `fits = 0`). */
  includeOverBudget: boolean;
}

/**
 * One page of recommended customers (their best admissible action, not held out) in order of
 * gain per expected cost (free contacts first, then by gain, then by customer id), with the
 * running SUM of expected cost. The budget keeps the prefix whose running sum fits: costs are
 * never negative, so the sum only grows and the list stops at the first customer that does not
 * fit, even if a cheaper one after it would. Every row carries the list's total count and the
 * budget used; a page past the end is one row of those with a NULL customer.
 */
export function recommendationsQuery(
  dialect: NbaDialect,
  context: NbaContext,
  filter: RecommendationFilter,
  afterPosition: number,
  limit: number,
): SqlFragment {
  const scope: SqlFragment =
    filter.segmentId === null
      ? { sql: '1 = 1', params: [] }
      : {
          sql: 'EXISTS (SELECT 1 FROM segment_memberships sm WHERE sm.customer_id = c.id AND sm.segment_id = ?)',
          params: [filter.segmentId],
        };
  const ranked = rankedPairs(dialect, context, scope);
  const order = `CASE WHEN expected_cost > 0 THEN 0 ELSE 1 END DESC,
                 CASE WHEN expected_cost > 0 THEN gain / expected_cost END DESC,
                 gain DESC, customer_id`;
  const fits = filter.budget === null ? '1' : 'CASE WHEN cumulative_cost <= ? THEN 1 ELSE 0 END';
  const listed = (alias: string) => (filter.includeOverBudget ? '' : `${alias}fits = 1 AND `);

  return {
    sql: `${ranked.sql},
    best AS (
      SELECT customer_id, action_id, gain, expected_cost FROM ranked
      WHERE choice = 1 AND admissible = 1 AND in_holdout = 0
    ),
    ordered AS (
      SELECT best.*,
             ROW_NUMBER() OVER (ORDER BY ${order}) AS position,
             SUM(expected_cost) OVER (
               ORDER BY ${order} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
             ) AS cumulative_cost
      FROM best
    ),
    kept AS (SELECT ordered.*, ${fits} AS fits FROM ordered)
    SELECT t.total_count, t.budget_used, k.customer_id, k.action_id, k.gain, k.expected_cost,
           k.cumulative_cost, k.position, k.fits
    FROM (
      SELECT COUNT(*) AS total_count,
             COALESCE(MAX(CASE WHEN fits = 1 THEN cumulative_cost END), 0) AS budget_used
      FROM kept WHERE ${listed('')}1 = 1
    ) t
    LEFT JOIN kept k ON ${listed('k.')}k.position > ?
    ORDER BY k.position
    LIMIT ${Math.trunc(limit)}`,
    params: [...ranked.params, ...(filter.budget === null ? [] : [filter.budget]), afterPosition],
  };
}
