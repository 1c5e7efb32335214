import type { DataSource } from 'typeorm';
import { parseNumber, sqlInstant } from '../db/dialect';

/** Days of traffic the duration estimate averages over. */
export const TRAFFIC_WINDOW_DAYS = 28;

/** The traffic an experiment plan's duration is estimated from. */
export class PlanService {
  constructor(private readonly db: DataSource) {}

  /**
   * Customers a day who would enter: distinct customers of the target (a segment's members, or
   * everyone) with an interaction in the last 28 days, over 28, times the traffic share.
   */
  async dailyEntrants(
    segmentId: number | null,
    trafficShare: number,
    now = new Date(),
  ): Promise<number> {
    const from = new Date(now.getTime() - TRAFFIC_WINDOW_DAYS * 86_400_000);
    const [row] = await this.db.query(
      `SELECT COUNT(DISTINCT i.customer_id) AS active FROM interactions i
       ${segmentId === null ? '' : 'JOIN segment_memberships m ON m.customer_id = i.customer_id AND m.segment_id = ?'}
       WHERE i.occurred_at >= ? AND i.occurred_at < ?`,
      [
        ...(segmentId === null ? [] : [segmentId]),
        sqlInstant(this.db, from),
        sqlInstant(this.db, now),
      ],
    );

    return ((parseNumber(row.active) ?? 0) / TRAFFIC_WINDOW_DAYS) * trafficShare;
  }
}
