import type { DataSource } from 'typeorm';
import { exactText, parseInstant, parseNumber } from '../db/dialect';
import type { Channel } from '../interactions/channel';

/** Figures about one customer (see the CustomerSummary type for their definitions). */
export interface CustomerSummaryData {
  totalSpent: number;
  orderCount: number;
  firstOrderAt: Date | null;
  lastOrderAt: Date | null;
  averageOrderValue: number | null;
  lastInteractionAt: Date | null;
  interactionCount: number;
  interactionsByChannel: Array<{ channel: Channel; count: number; lastAt: Date }>;
  topCategories: Array<{ category: string; spent: number; quantity: number }>;
}

const TOP_CATEGORIES = 5;

interface SummaryRow {
  customer_id: number;
  part: 'orders' | 'channel' | 'category';
  label: string | null;
  n: unknown;
  total: unknown;
  first_at: unknown;
  last_at: unknown;
}

export class CustomerSummaryService {
  constructor(private readonly db: DataSource) {}

  /**
   * Summaries of many customers in ONE statement: grouped aggregates (paid orders, interactions
   * per channel and, with `topCategories`, spend per category) stacked with UNION ALL, each
   * using the (customer_id, …) indexes. Work stays in the database; Node only regroups the rows.
   * The categories join every paid order to its lines, half the statement's time, so it is
   * left out when the caller does not need them: their list is then empty.
   */
  async summariesOf(
    customerIds: readonly number[],
    topCategories = true,
  ): Promise<CustomerSummaryData[]> {
    const ids = [...customerIds];
    const list = ids.map(() => '?').join(', ');
    // Categories are grouped as stored, byte for byte: MySQL's collation would merge `Kitchen`,
    // `kitchen` and `kitchen ` into one, named after whichever row came first, where SQLite
    // keeps them apart. Each group holds one text, which MIN reads.
    const category = "COALESCE(l.category, 'uncategorised')";
    const parts = [
      `SELECT o.customer_id, 'orders' AS part, NULL AS label, COUNT(*) AS n, SUM(o.amount) AS total,
              MIN(o.ordered_at) AS first_at, MAX(o.ordered_at) AS last_at
         FROM orders o
        WHERE o.customer_id IN (${list}) AND o.status = 'PAID'
        GROUP BY o.customer_id`,
      `SELECT i.customer_id, 'channel', i.channel, COUNT(*), NULL, MIN(i.occurred_at), MAX(i.occurred_at)
         FROM interactions i
        WHERE i.customer_id IN (${list})
        GROUP BY i.customer_id, i.channel`,
      `SELECT o.customer_id, 'category', MIN(${category}), SUM(l.quantity),
              SUM(l.quantity * l.unit_price), NULL, NULL
         FROM orders o JOIN order_lines l ON l.order_id = o.id
        WHERE o.customer_id IN (${list}) AND o.status = 'PAID'
        GROUP BY o.customer_id, ${exactText(this.db, category)}`,
    ].slice(0, topCategories ? 3 : 2);
    const rows: SummaryRow[] = await this.db.query(
      parts.join(' UNION ALL '),
      parts.flatMap(() => ids),
    );
    const summaries = new Map(ids.map((id) => [id, emptySummary()]));
    for (const row of rows) {
      const summary = summaries.get(Number(row.customer_id));
      if (!summary) {
        continue;
      }
      if (row.part === 'orders') {
        summary.orderCount = parseNumber(row.n) ?? 0;
        summary.totalSpent = round2(parseNumber(row.total) ?? 0);
        summary.firstOrderAt = parseInstant(row.first_at);
        summary.lastOrderAt = parseInstant(row.last_at);
        summary.averageOrderValue = summary.orderCount
          ? round2(summary.totalSpent / summary.orderCount)
          : null;
      } else if (row.part === 'channel') {
        const lastAt = parseInstant(row.last_at) as Date;
        const count = parseNumber(row.n) ?? 0;
        summary.interactionsByChannel.push({ channel: row.label as Channel, count, lastAt });
        summary.interactionCount += count;
        if (!summary.lastInteractionAt || lastAt > summary.lastInteractionAt) {
          summary.lastInteractionAt = lastAt;
        }
      } else {
        summary.topCategories.push({
          category: String(row.label),
          quantity: parseNumber(row.n) ?? 0,
          spent: round2(parseNumber(row.total) ?? 0),
        });
      }
    }
    for (const summary of summaries.values()) {
      summary.interactionsByChannel.sort(
        (a, b) => b.count - a.count || a.channel.localeCompare(b.channel),
      );
      summary.topCategories.sort(
        (a, b) => b.spent - a.spent || a.category.localeCompare(b.category),
      );
      summary.topCategories.splice(TOP_CATEGORIES);
    }

    return ids.map((id) => summaries.get(id) as CustomerSummaryData);
  }
}

function emptySummary(): CustomerSummaryData {
  return {
    totalSpent: 0,
    orderCount: 0,
    firstOrderAt: null,
    lastOrderAt: null,
    averageOrderValue: null,
    lastInteractionAt: null,
    interactionCount: 0,
    interactionsByChannel: [],
    topCategories: [],
  };
}

// Amounts are DECIMAL(12,2) in the database; sums are rounded back to cents after float math.
function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
