import { type DataSource, In } from 'typeorm';
import { parseNumber, runStatement, sqlInstant, wholeDaysBetween } from '../db/dialect';
import { analyticalQuery } from '../db/replica';
import { inTransaction } from '../db/transaction';
import { badInput } from '../errors';
import { type Period, periodsBetween } from '../kpis/periods';
import { type LifecycleThresholds, lifecycleStageCaseSql } from './lifecycle';
import { CustomerLifecycleEntity } from './lifecycle.entity';
import type { LifecycleStage } from './lifecycle-stage';

/** Most periods one `moveCounts` call may span (about three years of days). */
export const MAX_MOVE_PERIODS = 1100;

/** How many customers moved from one stage to another within one period. */
export interface LifecycleMoveCount {
  periodStart: Date;
  periodEnd: Date;
  /** Null for customers seen for the first time. */
  fromStage: LifecycleStage | null;
  toStage: LifecycleStage;
  count: number;
}

interface MoveCountRow {
  bucket: unknown;
  from_stage: LifecycleStage | null;
  to_stage: LifecycleStage;
  n: unknown;
}

export class LifecycleService {
  constructor(
    private readonly db: DataSource,
    private readonly thresholds: LifecycleThresholds,
    private readonly timeZone: string,
  ) {}

  /**
   * Recomputes every live customer's stage as of `now` (rules in `lifecycle.ts`) with set-based
   * statements in one transaction: the customers whose stage changed get a `lifecycle_moves` row,
   * and those rows then replace the customers' `customer_lifecycle` rows, so `since` moves only
   * with the stage. Refreshing twice at the same `now` records nothing the second time.
   */
  async refresh(now: Date = new Date()): Promise<{ moved: number }> {
    return inTransaction(this.db, async (tx) => {
      const at = (date: Date) => sqlInstant(tx, date);
      // The paid order before the latest one; only read for customers who bought recently.
      const previousAt = `(SELECT MAX(p.ordered_at) FROM orders p
          WHERE p.customer_id = h.customer_id AND p.status = 'PAID' AND p.ordered_at < h.last_at)`;
      const stage = lifecycleStageCaseSql(
        {
          firstAt: 'h.first_at',
          lastAt: 'h.last_at',
          gapDays: wholeDaysBetween(tx, previousAt, 'h.last_at'),
        },
        now,
        this.thresholds,
        at,
      );
      // Moves written by this refresh are those above the highest id before it; refreshes do
      // not overlap (the segment refresh job holds a lease, and SQLite runs them one at a time).
      const [{ id: lastMoveId }] = await tx.query(
        'SELECT COALESCE(MAX(id), 0) AS id FROM lifecycle_moves',
      );
      const moved = await runStatement(
        tx,
        `INSERT INTO lifecycle_moves (customer_id, from_stage, to_stage, moved_at)
         SELECT n.customer_id, cl.stage, n.stage, ?
           FROM (
             SELECT c.id AS customer_id, ${stage.sql} AS stage
               FROM customers c
               LEFT JOIN (
                 SELECT o.customer_id, MIN(o.ordered_at) AS first_at, MAX(o.ordered_at) AS last_at
                   FROM orders o
                  WHERE o.status = 'PAID' AND o.ordered_at <= ?
                  GROUP BY o.customer_id
               ) h ON h.customer_id = c.id
              WHERE c.deleted_at IS NULL
           ) n
           LEFT JOIN customer_lifecycle cl ON cl.customer_id = n.customer_id
          WHERE cl.stage IS NULL OR cl.stage <> n.stage
          ORDER BY n.customer_id`,
        [at(now), ...stage.params, at(now)],
      );
      await runStatement(
        tx,
        `DELETE FROM customer_lifecycle
          WHERE customer_id IN (SELECT customer_id FROM lifecycle_moves WHERE id > ?)
             OR customer_id IN (SELECT id FROM customers WHERE deleted_at IS NOT NULL)`,
        [lastMoveId],
      );
      await runStatement(
        tx,
        `INSERT INTO customer_lifecycle (customer_id, stage, since, computed_at)
         SELECT customer_id, to_stage, moved_at, moved_at FROM lifecycle_moves WHERE id > ?`,
        [lastMoveId],
      );
      await runStatement(tx, 'UPDATE customer_lifecycle SET computed_at = ?', [at(now)]);

      return { moved };
    });
  }

  /** The lifecycle rows of these customers (none for customers no refresh has seen yet). */
  stagesOf(customerIds: readonly number[]): Promise<CustomerLifecycleEntity[]> {
    return this.db
      .getRepository(CustomerLifecycleEntity)
      .findBy({ customerId: In([...customerIds]) });
  }

  /**
   * Moves recorded at or after `from` and before `to`, counted per period of the reporting time
   * zone and per (from, to) pair in one grouped query; the CASE maps each move to its period
   * through bound period ends. Pairs without moves in a period are left out.
   */
  async moveCounts(period: Period, from: Date, to: Date): Promise<LifecycleMoveCount[]> {
    if (from >= to) {
      throw badInput('to must be later than from', 'to');
    }
    const spans = periodsBetween(from, to, period, this.timeZone, MAX_MOVE_PERIODS + 1);
    if (spans.length > MAX_MOVE_PERIODS) {
      throw badInput(`from and to may span at most ${MAX_MOVE_PERIODS} periods`, 'to');
    }
    const at = (date: Date) => sqlInstant(this.db, date);
    const rows = await analyticalQuery<MoveCountRow>(
      this.db,
      `SELECT CASE ${spans.map(() => 'WHEN m.moved_at < ? THEN ?').join(' ')} END AS bucket,
              m.from_stage, m.to_stage, COUNT(*) AS n
         FROM lifecycle_moves m
        WHERE m.moved_at >= ? AND m.moved_at < ?
        GROUP BY bucket, m.from_stage, m.to_stage
        ORDER BY bucket, m.from_stage, m.to_stage`,
      [...spans.flatMap((span, index) => [at(span.end), index]), at(from), at(to)],
    );

    return rows.map((row) => {
      const span = spans[parseNumber(row.bucket) as number];

      return {
        periodStart: span.start,
        periodEnd: span.end,
        fromStage: row.from_stage,
        toStage: row.to_stage,
        count: parseNumber(row.n) ?? 0,
      };
    });
  }
}
