import type { SqlFragment } from '../db/dialect';
import { CHANNELS } from '../interactions/channel';

// One statement per batch of customers gives every customer's aggregates as of a snapshot.
// Every event subquery reads rows strictly before the snapshot (labels, the only thing after
// it, come from their own subquery), which the leakage test checks. Subqueries are limited to
// the batch's id range so each reads its customers' rows through the (customer_id, …) indexes;
// the main interaction aggregate reads only customer_id, channel and occurred_at, which
// idx_interactions_customer_channel_time covers. Instants come in as bound parameters, so the
// builder is pure and both dialects share it.

/** Orders that count as purchases: placed or paid, not cancelled or refunded. */
export const PURCHASE_STATUSES = "('PLACED', 'PAID')";

/** Who is in a snapshot. */
export type SnapshotPopulation =
  /** Every live customer signed up before the snapshot. */
  | 'ALL'
  /** Live customers with a purchase since `activeSince`: those who can churn. */
  | 'ACTIVE_BUYERS';

/** The bound instants of one snapshot (dialect-converted parameters) and the batch. */
export interface SnapshotBounds {
  snapshot: unknown;
  minus30: unknown;
  minus60: unknown;
  minus90: unknown;
  minus180: unknown;
  minus365: unknown;
  /** ACTIVE_BUYERS: purchases on or after this make a customer active. */
  activeSince: unknown;
  /** End of the label window [snapshot, labelEnd); null when labels are not counted. */
  labelEnd: unknown;
  fromId: number;
  toId: number;
}

const count = (condition: string): string => `SUM(CASE WHEN ${condition} THEN 1 ELSE 0 END)`;

/** The snapshot statement; columns are read by `feature.service.ts`. */
export function snapshotSql(
  bounds: SnapshotBounds,
  population: SnapshotPopulation,
  interactionTypes: readonly string[],
): SqlFragment {
  const b = bounds;
  const params: unknown[] = [];
  const bind = (...values: unknown[]): void => {
    params.push(...values);
  };

  const columns = [
    'c.id AS customer_id, c.signed_up_at, c.attributes',
    'o.orders_total, o.orders_90, o.orders_prev_90, o.orders_365, o.revenue_total, o.revenue_365',
    'o.first_order_at, o.last_order_at',
    'i.events_30, i.events_prev_30, i.events_90, i.last_event_at',
    ...CHANNELS.map((_, index) => `i.channel_${index}`),
    ...interactionTypes.map((_, index) => `t.type_${index}`),
    'sv.survey_score, k.consents',
    b.labelEnd === null ? 'NULL AS label_orders' : 'COALESCE(l.label_orders, 0) AS label_orders',
  ];

  const orders = `LEFT JOIN (SELECT customer_id, COUNT(*) AS orders_total,
      ${count('ordered_at >= ?')} AS orders_90,
      ${count('ordered_at >= ? AND ordered_at < ?')} AS orders_prev_90,
      ${count('ordered_at >= ?')} AS orders_365,
      SUM(amount) AS revenue_total,
      SUM(CASE WHEN ordered_at >= ? THEN amount ELSE 0 END) AS revenue_365,
      MIN(ordered_at) AS first_order_at, MAX(ordered_at) AS last_order_at
    FROM orders
    WHERE customer_id BETWEEN ? AND ? AND ordered_at < ? AND status IN ${PURCHASE_STATUSES}
    GROUP BY customer_id) o ON o.customer_id = c.id`;
  bind(b.minus90, b.minus180, b.minus90, b.minus365, b.minus365, b.fromId, b.toId, b.snapshot);

  const channelCounts = CHANNELS.map(
    (_, index) => `${count('channel = ? AND occurred_at >= ?')} AS channel_${index}`,
  );
  const interactions = `LEFT JOIN (SELECT customer_id,
      ${count('occurred_at >= ?')} AS events_30,
      ${count('occurred_at >= ? AND occurred_at < ?')} AS events_prev_30,
      ${count('occurred_at >= ?')} AS events_90,
      MAX(occurred_at) AS last_event_at,
      ${channelCounts.join(',\n      ')}
    FROM interactions
    WHERE customer_id BETWEEN ? AND ? AND occurred_at >= ? AND occurred_at < ?
    GROUP BY customer_id) i ON i.customer_id = c.id`;
  bind(b.minus30, b.minus60, b.minus30, b.minus90);
  for (const channel of CHANNELS) {
    bind(channel, b.minus90);
  }
  bind(b.fromId, b.toId, b.minus365, b.snapshot);

  let types = '';
  if (interactionTypes.length > 0) {
    types = `LEFT JOIN (SELECT customer_id,
      ${interactionTypes.map((_, index) => `${count('type = ?')} AS type_${index}`).join(', ')}
    FROM interactions
    WHERE customer_id BETWEEN ? AND ? AND type IN (${interactionTypes.map(() => '?').join(', ')})
      AND occurred_at >= ? AND occurred_at < ?
    GROUP BY customer_id) t ON t.customer_id = c.id`;
    bind(...interactionTypes, b.fromId, b.toId, ...interactionTypes, b.minus90, b.snapshot);
  }

  const surveys = `LEFT JOIN (SELECT customer_id, AVG(score) AS survey_score
    FROM interactions
    WHERE customer_id BETWEEN ? AND ? AND channel = 'SURVEY' AND score IS NOT NULL
      AND occurred_at >= ? AND occurred_at < ?
    GROUP BY customer_id) sv ON sv.customer_id = c.id`;
  bind(b.fromId, b.toId, b.minus365, b.snapshot);

  // Consent as it stood at the snapshot: the latest change before it, per channel, is GRANTED.
  const consents = `LEFT JOIN (SELECT cc.customer_id, COUNT(*) AS consents
    FROM consent_changes cc
    WHERE cc.customer_id BETWEEN ? AND ? AND cc.changed_at < ? AND cc.status = 'GRANTED'
      AND NOT EXISTS (SELECT 1 FROM consent_changes later
        WHERE later.customer_id = cc.customer_id AND later.channel = cc.channel
          AND later.changed_at > cc.changed_at AND later.changed_at < ?)
    GROUP BY cc.customer_id) k ON k.customer_id = c.id`;
  bind(b.fromId, b.toId, b.snapshot, b.snapshot);

  let labels = '';
  if (b.labelEnd !== null) {
    labels = `LEFT JOIN (SELECT customer_id, COUNT(*) AS label_orders
    FROM orders
    WHERE customer_id BETWEEN ? AND ? AND ordered_at >= ? AND ordered_at < ?
      AND status IN ${PURCHASE_STATUSES}
    GROUP BY customer_id) l ON l.customer_id = c.id`;
    bind(b.fromId, b.toId, b.snapshot, b.labelEnd);
  }

  const where = [
    'c.id BETWEEN ? AND ?',
    'c.deleted_at IS NULL AND c.erased_at IS NULL',
    'c.signed_up_at < ?',
  ];
  bind(b.fromId, b.toId, b.snapshot);
  if (population === 'ACTIVE_BUYERS') {
    where.push('o.last_order_at >= ?');
    bind(b.activeSince);
  }

  return {
    sql: `SELECT ${columns.join(',\n  ')}
FROM customers c
${orders}
${interactions}
${types}
${surveys}
${consents}
${labels}
WHERE ${where.join(' AND ')}
ORDER BY c.id`,
    params,
  };
}
