import { type DataSource, In } from 'typeorm';
import { parseNumber, sqlInstant } from '../db/dialect';
import { analyticalQuery } from '../db/replica';
import { badInput, notFound } from '../errors';
import type { Channel } from '../interactions/channel';
import { LifecycleStage } from './lifecycle-stage';
import { SegmentEntity } from './segment.entity';

/** Orders and interactions counted by a profile: from (inclusive) to (exclusive); null = open. */
export interface ProfileWindow {
  from: Date | null;
  to: Date | null;
}

/** Figures about a group of customers (see the SegmentProfile type for their definitions). */
export interface SegmentProfileData {
  size: number;
  shareOfCustomers: number | null;
  revenue: number;
  shareOfRevenue: number | null;
  orderCount: number;
  averageOrderValue: number | null;
  averageSpendPerMember: number | null;
  lifecycleMix: Array<{ stage: LifecycleStage; customers: number }>;
  topChannels: Array<{ channel: Channel; interactions: number; customers: number }>;
}

/** Profiles of several segments beside the profile of all live customers. */
export interface SegmentComparisonData {
  baseline: SegmentProfileData;
  segments: Array<{ segment: SegmentEntity; profile: SegmentProfileData }>;
}

export const TOP_CHANNELS = 5;
export const MAX_COMPARED_SEGMENTS = 20;

// The all-customers baseline travels in the same result sets as the segments, under this key.
const BASELINE = 0;

interface Totals {
  members: number;
  orders: number;
  revenue: number;
}

export class SegmentProfileService {
  constructor(private readonly db: DataSource) {}

  /**
   * Profiles of segments side by side, with the baseline. Costs the same number of statements
   * for one segment as for twenty: one lookup, then three grouped aggregates.
   */
  async compare(
    segmentIds: readonly number[],
    window: ProfileWindow,
    field = 'ids',
  ): Promise<SegmentComparisonData> {
    if (segmentIds.length === 0 || segmentIds.length > MAX_COMPARED_SEGMENTS) {
      throw badInput(`Compare 1 to ${MAX_COMPARED_SEGMENTS} segments`, field);
    }
    const repeated = segmentIds.findIndex((id, index) => segmentIds.indexOf(id) !== index);
    if (repeated >= 0) {
      throw badInput('A segment appears twice', `${field}[${repeated}]`);
    }
    const found = await this.db.getRepository(SegmentEntity).findBy({ id: In([...segmentIds]) });
    const byId = new Map(found.map((segment) => [segment.id, segment]));
    const missing = segmentIds.findIndex((id) => !byId.has(id));
    if (missing >= 0) {
      throw notFound('The segment', `${field}[${missing}]`);
    }
    const profiles = await this.profilesOf(segmentIds, window);

    return {
      baseline: profiles.baseline,
      segments: segmentIds.map((id) => ({
        segment: byId.get(id) as SegmentEntity,
        profile: profiles.bySegment.get(id) as SegmentProfileData,
      })),
    };
  }

  /**
   * Profiles of segments (existing or not: an unknown id profiles as empty) and of all live
   * customers, in three statements whatever the number of segments: members and paid orders,
   * lifecycle stages, interactions per channel, each grouped by segment with the baseline
   * stacked under it by UNION ALL. Members are current memberships of customers not deleted.
   */
  async profilesOf(
    segmentIds: readonly number[],
    window: ProfileWindow,
    field = 'window',
  ): Promise<{ baseline: SegmentProfileData; bySegment: Map<number, SegmentProfileData> }> {
    if (window.from && window.to && window.from >= window.to) {
      throw badInput('The window must end after it starts', `${field}.to`);
    }
    const ids = [...segmentIds];
    const [totals, stages, channels] = await Promise.all([
      this.totals(ids, window),
      this.lifecycleMix(ids),
      this.channels(ids, window),
    ]);
    const baselineTotals = totals.get(BASELINE) ?? { members: 0, orders: 0, revenue: 0 };
    const profileOf = (key: number): SegmentProfileData => {
      const own = totals.get(key) ?? { members: 0, orders: 0, revenue: 0 };

      return {
        size: own.members,
        shareOfCustomers: ratio(own.members, baselineTotals.members),
        revenue: round2(own.revenue),
        shareOfRevenue: ratio(own.revenue, baselineTotals.revenue),
        orderCount: own.orders,
        averageOrderValue: own.orders ? round2(own.revenue / own.orders) : null,
        averageSpendPerMember: own.members ? round2(own.revenue / own.members) : null,
        lifecycleMix: Object.values(LifecycleStage).map((stage) => ({
          stage,
          customers: stages.get(key)?.get(stage) ?? 0,
        })),
        topChannels: (channels.get(key) ?? [])
          .sort((a, b) => b.interactions - a.interactions || a.channel.localeCompare(b.channel))
          .slice(0, TOP_CHANNELS),
      };
    };

    return {
      baseline: profileOf(BASELINE),
      bySegment: new Map(ids.map((id) => [id, profileOf(id)])),
    };
  }

  private async totals(ids: number[], window: ProfileWindow): Promise<Map<number, Totals>> {
    const paid = this.windowed('o.ordered_at', window);
    // The paid orders are summed per customer once (CTE), then per segment and for everyone;
    // a customer without paid orders in the window still counts as a member.
    const rows = await analyticalQuery(
      this.db,
      `WITH paid AS (
         SELECT o.customer_id, COUNT(*) AS orders, SUM(o.amount) AS revenue
           FROM orders o
          WHERE o.status = 'PAID'${paid.sql}
          GROUP BY o.customer_id
       )
       SELECT m.segment_id AS k, COUNT(*) AS members, SUM(p.orders) AS orders,
              SUM(p.revenue) AS revenue
         FROM segment_memberships m
         JOIN customers c ON c.id = m.customer_id AND c.deleted_at IS NULL
         LEFT JOIN paid p ON p.customer_id = m.customer_id
        WHERE m.segment_id IN (${placeholders(ids)})
        GROUP BY m.segment_id
       UNION ALL
       SELECT ${BASELINE}, COUNT(*), SUM(p.orders), SUM(p.revenue)
         FROM customers c
         LEFT JOIN paid p ON p.customer_id = c.id
        WHERE c.deleted_at IS NULL`,
      [...paid.params, ...ids],
    );

    return new Map(
      rows.map((row) => [
        Number(row.k),
        {
          members: parseNumber(row.members) ?? 0,
          orders: parseNumber(row.orders) ?? 0,
          revenue: parseNumber(row.revenue) ?? 0,
        },
      ]),
    );
  }

  private async lifecycleMix(ids: number[]): Promise<Map<number, Map<string, number>>> {
    const rows = await analyticalQuery(
      this.db,
      `SELECT m.segment_id AS k, l.stage, COUNT(*) AS n
         FROM segment_memberships m
         JOIN customers c ON c.id = m.customer_id AND c.deleted_at IS NULL
         JOIN customer_lifecycle l ON l.customer_id = m.customer_id
        WHERE m.segment_id IN (${placeholders(ids)})
        GROUP BY m.segment_id, l.stage
       UNION ALL
       SELECT ${BASELINE}, l.stage, COUNT(*)
         FROM customer_lifecycle l
         JOIN customers c ON c.id = l.customer_id AND c.deleted_at IS NULL
        GROUP BY l.stage`,
      ids,
    );
    const mix = new Map<number, Map<string, number>>();
    for (const row of rows) {
      const counts = mix.get(Number(row.k)) ?? new Map<string, number>();
      counts.set(String(row.stage), parseNumber(row.n) ?? 0);
      mix.set(Number(row.k), counts);
    }

    return mix;
  }

  private async channels(
    ids: number[],
    window: ProfileWindow,
  ): Promise<Map<number, SegmentProfileData['topChannels']>> {
    const during = this.windowed('i.occurred_at', window);
    const rows = await analyticalQuery(
      this.db,
      `SELECT m.segment_id AS k, i.channel, COUNT(*) AS n, COUNT(DISTINCT i.customer_id) AS customers
         FROM segment_memberships m
         JOIN customers c ON c.id = m.customer_id AND c.deleted_at IS NULL
         JOIN interactions i ON i.customer_id = m.customer_id${during.sql}
        WHERE m.segment_id IN (${placeholders(ids)})
        GROUP BY m.segment_id, i.channel
       UNION ALL
       SELECT ${BASELINE}, i.channel, COUNT(*), COUNT(DISTINCT i.customer_id)
         FROM interactions i
         JOIN customers c ON c.id = i.customer_id AND c.deleted_at IS NULL${during.sql}
        GROUP BY i.channel`,
      [...during.params, ...ids, ...during.params],
    );
    const byKey = new Map<number, SegmentProfileData['topChannels']>();
    for (const row of rows) {
      const list = byKey.get(Number(row.k)) ?? [];
      list.push({
        channel: row.channel as Channel,
        interactions: parseNumber(row.n) ?? 0,
        customers: parseNumber(row.customers) ?? 0,
      });
      byKey.set(Number(row.k), list);
    }

    return byKey;
  }

  /** ` AND column >= ? AND column < ?` for the window's bounds that are set. */
  private windowed(column: string, window: ProfileWindow): { sql: string; params: unknown[] } {
    const bounds = [
      ...(window.from ? [{ sql: ` AND ${column} >= ?`, at: window.from }] : []),
      ...(window.to ? [{ sql: ` AND ${column} < ?`, at: window.to }] : []),
    ];

    return {
      sql: bounds.map((bound) => bound.sql).join(''),
      params: bounds.map((bound) => sqlInstant(this.db, bound.at)),
    };
  }
}

// `IN ()` is invalid SQL; an id no segment has keeps the statement valid and matches nothing.
function placeholders(ids: number[]): string {
  return ids.length ? ids.map(() => '?').join(', ') : 'NULL';
}

function ratio(part: number, whole: number): number | null {
  return whole ? part / whole : null;
}

// Amounts are DECIMAL in the database; sums are rounded back to cents after float math.
function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
