import type { SqlFragment } from '../db/dialect';
import { CHANNELS } from '../interactions/channel';

// A few grouped statements per batch of customers give every customer's aggregates as of a
// snapshot; feature.service.ts joins them by customer id. Every event statement reads rows
// strictly before the snapshot (labels, the only thing after it, have their own statement),
// which the leakage test checks. Each is limited to the batch's id range so it reads its
// customers' rows through a (customer_id, …) index, most of them covering. Separate statements
// rather than one with derived tables: MariaDB runs such derived tables as lateral subqueries
// per customer, at twice the cost. Instants come in as bound parameters, so the builder is pure
// and both dialects share it.

/** Orders that count as purchases: placed or paid, not cancelled or refunded. */
export const PURCHASE_STATUSES = "('PLACED', 'PAID')";

/** Who is in a snapshot. */
export type SnapshotPopulation =
  /** Every live customer signed up before the snapshot. */
  | 'ALL'
  /** Live customers with a purchase in the activity window: those who can churn. */
  | 'ACTIVE_BUYERS';

/** The bound instants of one snapshot (dialect-converted parameters) and the batch. */
export interface SnapshotBounds {
  snapshot: unknown;
  minus30: unknown;
  minus60: unknown;
  minus90: unknown;
  minus180: unknown;
  minus365: unknown;
  /** End of the label window [snapshot, labelEnd); null when labels are not counted. */
  labelEnd: unknown;
  fromId: number;
  toId: number;
  /** The snapshot is now: current consent is the consent as of it, read without the history. */
  current: boolean;
  /** Whether the customers' custom attributes are read (else `attributes` is NULL). */
  attributes: boolean;
}

// A comparison is 1 or 0 in both dialects (the columns compared are NOT NULL), and MariaDB sums
// it faster than a CASE: a pass evaluates these for every interaction of the window.
const count = (condition: string): string => `SUM(${condition})`;

/** The statements of one batch; each returns `customer_id` and its columns. */
export interface SnapshotStatements {
  customers: SqlFragment;
  orders: SqlFragment;
  interactions: SqlFragment;
  lastInteraction: SqlFragment;
  surveys: SqlFragment;
  consents: SqlFragment;
  labels: SqlFragment | null;
}

/** The statements of one snapshot batch; columns are read by `feature.service.ts`. */
export function snapshotStatements(
  b: SnapshotBounds,
  /**
   * Dialect hint to read interactions through the (customer, channel, time, score) index, which
   * covers the interaction and survey statements: MariaDB otherwise picks (customer, time) for
   * the range and reads every row to test its channel and read its score.
   */
  channelIndexHint = '',
): SnapshotStatements {
  const range = [b.fromId, b.toId];

  return {
    customers: {
      sql: `SELECT c.id AS customer_id, c.signed_up_at, ${b.attributes ? 'c.attributes' : 'NULL AS attributes'}
        FROM customers c
        WHERE c.id BETWEEN ? AND ? AND c.deleted_at IS NULL AND c.erased_at IS NULL
          AND c.signed_up_at < ?`,
      params: [...range, b.snapshot],
    },
    orders: {
      sql: `SELECT customer_id, COUNT(*) AS orders_total,
          ${count('ordered_at >= ?')} AS orders_90,
          ${count('ordered_at >= ? AND ordered_at < ?')} AS orders_prev_90,
          ${count('ordered_at >= ?')} AS orders_365,
          SUM(amount) AS revenue_total,
          SUM(CASE WHEN ordered_at >= ? THEN amount ELSE 0 END) AS revenue_365,
          MIN(ordered_at) AS first_order_at, MAX(ordered_at) AS last_order_at
        FROM orders
        WHERE customer_id BETWEEN ? AND ? AND ordered_at < ? AND status IN ${PURCHASE_STATUSES}
        GROUP BY customer_id`,
      params: [b.minus90, b.minus180, b.minus90, b.minus365, b.minus365, ...range, b.snapshot],
    },
    // Counts look back 90 days at most, so the scan covers a quarter of a year's rows.
    interactions: {
      sql: `SELECT customer_id,
          ${count('occurred_at >= ?')} AS events_30,
          ${count('occurred_at >= ? AND occurred_at < ?')} AS events_prev_30,
          COUNT(*) AS events_90,
          ${CHANNELS.map((_, index) => `${count('channel = ?')} AS channel_${index}`).join(',\n          ')}
        FROM interactions${channelIndexHint}
        WHERE customer_id BETWEEN ? AND ? AND occurred_at >= ? AND occurred_at < ?
        GROUP BY customer_id`,
      params: [b.minus30, b.minus60, b.minus30, ...CHANNELS, ...range, b.minus90, b.snapshot],
    },
    // Over all history: a MAX per customer that the (customer, time) index answers directly.
    lastInteraction: {
      sql: `SELECT customer_id, MAX(occurred_at) AS last_event_at FROM interactions
        WHERE customer_id BETWEEN ? AND ? AND occurred_at < ?
        GROUP BY customer_id`,
      params: [...range, b.snapshot],
    },
    surveys: {
      sql: `SELECT customer_id, AVG(score) AS survey_score FROM interactions${channelIndexHint}
        WHERE customer_id BETWEEN ? AND ? AND channel = 'SURVEY' AND score IS NOT NULL
          AND occurred_at >= ? AND occurred_at < ?
        GROUP BY customer_id`,
      params: [...range, b.minus365, b.snapshot],
    },
    // Consent as it stood at the snapshot: the latest change before it, per channel, is GRANTED.
    consents: b.current
      ? {
          sql: `SELECT customer_id, COUNT(*) AS consents FROM customer_consents
            WHERE customer_id BETWEEN ? AND ? AND status = 'GRANTED'
            GROUP BY customer_id`,
          params: range,
        }
      : {
          sql: `SELECT cc.customer_id, COUNT(*) AS consents FROM consent_changes cc
        WHERE cc.customer_id BETWEEN ? AND ? AND cc.changed_at < ? AND cc.status = 'GRANTED'
          AND NOT EXISTS (SELECT 1 FROM consent_changes later
            WHERE later.customer_id = cc.customer_id AND later.channel = cc.channel
              AND later.changed_at > cc.changed_at AND later.changed_at < ?)
        GROUP BY cc.customer_id`,
          params: [...range, b.snapshot, b.snapshot],
        },
    labels:
      b.labelEnd === null
        ? null
        : {
            sql: `SELECT customer_id, COUNT(*) AS label_orders FROM orders
              WHERE customer_id BETWEEN ? AND ? AND ordered_at >= ? AND ordered_at < ?
                AND status IN ${PURCHASE_STATUSES}
              GROUP BY customer_id`,
            params: [...range, b.snapshot, b.labelEnd],
          },
  };
}

/**
 * Counts of the model's interaction types in the 90 days before the snapshot; null when it uses
 * none. MariaDB reads these through (type, occurred_at, customer_id), the whole window for
 * every statement whatever its id range, so callers give it a range many batches wide (one
 * 100,000-customer statement costs a third of twenty 5,000-customer ones).
 */
export function typeCountsStatement(
  b: SnapshotBounds,
  interactionTypes: readonly string[],
): SqlFragment | null {
  if (interactionTypes.length === 0) {
    return null;
  }
  const types = interactionTypes.map(() => '?').join(', ');

  return {
    sql: `SELECT customer_id,
        ${interactionTypes.map((_, index) => `${count('type = ?')} AS type_${index}`).join(', ')}
      FROM interactions
      WHERE customer_id BETWEEN ? AND ? AND type IN (${types})
        AND occurred_at >= ? AND occurred_at < ?
      GROUP BY customer_id`,
    params: [...interactionTypes, b.fromId, b.toId, ...interactionTypes, b.minus90, b.snapshot],
  };
}
