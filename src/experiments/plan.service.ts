import type { DataSource } from 'typeorm';
import { parseNumber, sqlInstant } from '../db/dialect';
import { analyticalQuery } from '../db/replica';
import type { SegmentService } from '../segments/segment.service';
import { DAY_MS } from '../time';
import { checkTrafficShare } from './experiment-input';

/** Days of traffic the duration estimate averages over. */
export const TRAFFIC_WINDOW_DAYS = 28;

/** The traffic an experiment plan's duration is estimated from. */
export class PlanService {
  constructor(
    private readonly db: DataSource,
    private readonly segments: Pick<SegmentService, 'get'>,
  ) {}

  /**
   * Customers a day who would enter: non-deleted customers of the target (a segment's members,
   * or everyone) with an interaction or an order in the last 28 days, over 28, times the share.
   * The share is checked as createExperiment checks it, (0, 1], and an unknown segment is
   * NOT_FOUND: both would otherwise give a plausible-looking duration for an experiment that
   * cannot be created.
   */
  async dailyEntrants(
    segmentId: number | null,
    trafficShare: number,
    now = new Date(),
  ): Promise<number> {
    checkTrafficShare(trafficShare, 'input.trafficShare');
    if (segmentId !== null) {
      await this.segments.get(segmentId, 'input.segmentId');
    }
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
