import type { DataSource } from 'typeorm';
import { parseNumber, sqlInstant } from '../db/dialect';
import { analyticalQuery } from '../db/replica';
import { DAY_MS } from '../time';

/** Days of traffic the duration estimate averages over. */
export const TRAFFIC_WINDOW_DAYS = 28;

/** The traffic an experiment plan's duration is estimated from. */
export class PlanService {
  constructor(private readonly db: DataSource) {}

  /**
   * Customers a day who would enter: non-deleted customers of the target (a segment's members,
   * or everyone) with an interaction or an order in the last 28 days, over 28, times the share.
   */
  async dailyEntrants(
    segmentId: number | null,
    trafficShare: number,
    now = new Date(),
  ): Promise<number> {
    const from = sqlInstant(this.db, new Date(now.getTime() - TRAFFIC_WINDOW_DAYS * DAY_MS));
    const to = sqlInstant(this.db, now);
    // EXISTS per customer rides the customer/time indexes and counts each customer once.
    const [row] = await analyticalQuery(
      this.db,
      `SELECT COUNT(*) AS active FROM customers c
       ${segmentId === null ? '' : 'JOIN segment_memberships m ON m.customer_id = c.id AND m.segment_id = ?'}
       WHERE c.deleted_at IS NULL
         AND (EXISTS (SELECT 1 FROM interactions i
                      WHERE i.customer_id = c.id AND i.occurred_at >= ? AND i.occurred_at < ?)
           OR EXISTS (SELECT 1 FROM orders o
                      WHERE o.customer_id = c.id AND o.ordered_at >= ? AND o.ordered_at < ?))`,
      [...(segmentId === null ? [] : [segmentId]), from, to, from, to],
    );

    return ((parseNumber(row.active) ?? 0) / TRAFFIC_WINDOW_DAYS) * trafficShare;
  }
}
