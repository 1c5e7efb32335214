import type { DataSource } from 'typeorm';
import { parseInstant, parseNumber, ruleDialectOf } from '../db/dialect';
import { analyticalQuery } from '../db/replica';
import { CHANNELS } from '../interactions/channel';
import {
  dayOf,
  filledSql,
  LIVE_CUSTOMER,
  QUALITY_FIELDS,
  type QualityField,
  validSql,
} from './quality-rules';

/** How complete and how valid one customer field is among live customers. */
export interface FieldQuality {
  field: QualityField;
  filled: number;
  /** filled / customers; null without customers. */
  filledShare: number | null;
  valid: number;
  /** valid / filled; null when nothing is filled. */
  validShare: number | null;
}

/** When a data source last delivered, and how long ago that was. */
export interface SourceFreshness {
  /** An interaction channel, or ORDERS. */
  source: string;
  lastEventAt: Date | null;
  ageHours: number | null;
}

export interface DataQualityReport {
  generatedAt: Date;
  customers: number;
  fields: FieldQuality[];
  /** Rows whose customer is deleted or does not exist. */
  orphanInteractions: number;
  orphanOrders: number;
  interactionsInFuture: number;
  interactionsBeforeSignup: number;
  ordersInFuture: number;
  ordersBeforeSignup: number;
  duplicateCandidates: number;
  freshness: SourceFreshness[];
}

/** Counts duplicate candidate pairs (the duplicates service). */
export interface DuplicateCounter {
  candidateCount(): Promise<number>;
}

type Row = Record<string, unknown>;
const HOUR = 3_600_000;

/**
 * The data quality report: one aggregate statement per section, so its cost does not depend on
 * how many rows come back to Node (a handful per section).
 */
export class QualityService {
  constructor(
    private readonly db: DataSource,
    private readonly duplicates: DuplicateCounter,
  ) {}

  async report(now: Date): Promise<DataQualityReport> {
    const [fields, orphans, timing, duplicateCandidates, freshness] = await Promise.all([
      this.fields(now),
      this.one(
        'SELECT ' +
          '(SELECT COUNT(*) FROM interactions x LEFT JOIN customers c ON c.id = x.customer_id WHERE c.id IS NULL OR c.deleted_at IS NOT NULL) AS interactions, ' +
          '(SELECT COUNT(*) FROM orders x LEFT JOIN customers c ON c.id = x.customer_id WHERE c.id IS NULL OR c.deleted_at IS NOT NULL) AS orders',
        [],
      ),
      this.timing(now),
      this.duplicates.candidateCount(),
      this.freshness(now),
    ]);

    return {
      generatedAt: now,
      ...fields,
      orphanInteractions: count(orphans.interactions),
      orphanOrders: count(orphans.orders),
      interactionsInFuture: count(timing.interactions_future),
      interactionsBeforeSignup: count(timing.interactions_early),
      ordersInFuture: count(timing.orders_future),
      ordersBeforeSignup: count(timing.orders_early),
      duplicateCandidates,
      freshness,
    };
  }

  private async fields(now: Date): Promise<Pick<DataQualityReport, 'customers' | 'fields'>> {
    const dialect = ruleDialectOf(this.db);
    const today = { sql: '?', params: [dayOf(now)] };
    const columns = QUALITY_FIELDS.map((field, i) => {
      const valid = validSql(field, dialect, today);

      return {
        sql: `SUM(CASE WHEN ${filledSql(field)} THEN 1 ELSE 0 END) AS f${i}, SUM(CASE WHEN ${valid.sql} THEN 1 ELSE 0 END) AS v${i}`,
        params: valid.params,
      };
    });
    const row = await this.one(
      `SELECT COUNT(*) AS customers, ${columns.map((c) => c.sql).join(', ')} FROM customers c WHERE ${LIVE_CUSTOMER}`,
      columns.flatMap((c) => c.params),
    );
    const customers = count(row.customers);

    return {
      customers,
      fields: QUALITY_FIELDS.map((field, i) => {
        const filled = count(row[`f${i}`]);
        const valid = count(row[`v${i}`]);

        return {
          field,
          filled,
          filledShare: share(filled, customers),
          valid,
          validShare: share(valid, filled),
        };
      }),
    };
  }

  private timing(now: Date): Promise<Row> {
    const at = ruleDialectOf(this.db).instant(now);
    const early = (table: string, time: string) =>
      `(SELECT COUNT(*) FROM ${table} x JOIN customers c ON c.id = x.customer_id WHERE x.${time} < c.signed_up_at)`;

    return this.one(
      'SELECT (SELECT COUNT(*) FROM interactions x WHERE x.occurred_at > ?) AS interactions_future, ' +
        `${early('interactions', 'occurred_at')} AS interactions_early, ` +
        '(SELECT COUNT(*) FROM orders x WHERE x.ordered_at > ?) AS orders_future, ' +
        `${early('orders', 'ordered_at')} AS orders_early`,
      [at, at],
    );
  }

  /** Every channel (with no last event when it has none) and orders. */
  private async freshness(now: Date): Promise<SourceFreshness[]> {
    const rows = await analyticalQuery<Row>(
      this.db,
      'SELECT x.channel AS source, MAX(x.occurred_at) AS last_at FROM interactions x GROUP BY x.channel ' +
        "UNION ALL SELECT 'ORDERS' AS source, MAX(o.ordered_at) AS last_at FROM orders o",
    );
    const lastOf = new Map(rows.map((row) => [String(row.source), parseInstant(row.last_at)]));

    return [...CHANNELS, 'ORDERS'].map((source) => {
      const lastEventAt = lastOf.get(source) ?? null;

      return {
        source,
        lastEventAt,
        ageHours: lastEventAt ? (now.getTime() - lastEventAt.getTime()) / HOUR : null,
      };
    });
  }

  private async one(sql: string, params: unknown[]): Promise<Row> {
    const [row] = await analyticalQuery<Row>(this.db, sql, params);

    return row;
  }
}

function count(value: unknown): number {
  return parseNumber(value) ?? 0;
}

function share(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}
