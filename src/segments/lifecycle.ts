import { LifecycleStage } from './lifecycle-stage';
import { DAY_MS } from '../time';

/** Day counts that separate the lifecycle stages (PULSE_LIFECYCLE_* settings). */
export interface LifecycleThresholds {
  /** A customer whose first paid order is younger than this is NEW. Defaults to 30. */
  newDays: number;
  /** A customer whose last paid order is younger than this is ACTIVE. Defaults to 90. */
  activeDays: number;
  /**
   * A customer whose last paid order is at least this old is LAPSED (between ACTIVE and this:
   * AT_RISK); a purchase after such a gap makes them REACTIVATED. Defaults to 180.
   */
  lapsedDays: number;
}

/** A customer's paid orders up to the refresh time, as the stage rules need them. */
export interface PurchaseHistory {
  firstAt: Date | null;
  lastAt: Date | null;
  /** The latest paid order strictly before `lastAt`. */
  previousAt: Date | null;
}

/**
 * The stage of a customer at `now`; the first rule that holds wins:
 *
 * | stage       | rule                                                                         |
 * | ----------- | ---------------------------------------------------------------------------- |
 * | PROSPECT    | no paid order at or before now                                               |
 * | NEW         | first paid order less than NEW days ago                                      |
 * | REACTIVATED | last paid order less than ACTIVE days ago, after a gap of ≥ LAPSED whole days |
 * | ACTIVE      | last paid order less than ACTIVE days ago                                    |
 * | AT_RISK     | last paid order less than LAPSED days ago                                    |
 * | LAPSED      | last paid order LAPSED days ago or more                                      |
 *
 * Stages follow from the order history alone, so they do not depend on how often refreshes run.
 */
export function lifecycleStageOf(
  history: PurchaseHistory,
  now: Date,
  thresholds: LifecycleThresholds,
): LifecycleStage {
  const { firstAt, lastAt, previousAt } = history;
  if (!firstAt || !lastAt) {
    return LifecycleStage.PROSPECT;
  }
  const cutoffs = lifecycleCutoffs(now, thresholds);
  if (firstAt > cutoffs.newAfter) {
    return LifecycleStage.NEW;
  }
  if (lastAt > cutoffs.activeAfter) {
    const gapDays = previousAt ? Math.floor((lastAt.getTime() - previousAt.getTime()) / DAY_MS) : 0;

    return gapDays >= thresholds.lapsedDays ? LifecycleStage.REACTIVATED : LifecycleStage.ACTIVE;
  }

  return lastAt > cutoffs.lapsedAfter ? LifecycleStage.AT_RISK : LifecycleStage.LAPSED;
}

/** The instants the thresholds stand for at `now`: a purchase after one is "younger than". */
export function lifecycleCutoffs(
  now: Date,
  thresholds: LifecycleThresholds,
): { newAfter: Date; activeAfter: Date; lapsedAfter: Date } {
  const before = (days: number) => new Date(now.getTime() - days * DAY_MS);

  return {
    newAfter: before(thresholds.newDays),
    activeAfter: before(thresholds.activeDays),
    lapsedAfter: before(thresholds.lapsedDays),
  };
}

/** Column expressions the stage CASE reads; `gapDays` is null when there is no previous order. */
export interface LifecycleColumns {
  firstAt: string;
  lastAt: string;
  gapDays: string;
}

/**
 * `lifecycleStageOf` as a SQL CASE with `?` parameters: instants come in already converted for
 * the driver (`instant`), so the SQL compares columns with bound values and does no date
 * arithmetic of its own.
 */
export function lifecycleStageCaseSql(
  columns: LifecycleColumns,
  now: Date,
  thresholds: LifecycleThresholds,
  instant: (date: Date) => unknown,
): { sql: string; params: unknown[] } {
  const cutoffs = lifecycleCutoffs(now, thresholds);
  const { firstAt, lastAt, gapDays } = columns;

  return {
    sql: `CASE WHEN ${lastAt} IS NULL THEN ?
      WHEN ${firstAt} > ? THEN ?
      WHEN ${lastAt} > ? AND ${gapDays} >= ? THEN ?
      WHEN ${lastAt} > ? THEN ?
      WHEN ${lastAt} > ? THEN ?
      ELSE ? END`,
    params: [
      LifecycleStage.PROSPECT,
      instant(cutoffs.newAfter),
      LifecycleStage.NEW,
      instant(cutoffs.activeAfter),
      thresholds.lapsedDays,
      LifecycleStage.REACTIVATED,
      instant(cutoffs.activeAfter),
      LifecycleStage.ACTIVE,
      instant(cutoffs.lapsedAfter),
      LifecycleStage.AT_RISK,
      LifecycleStage.LAPSED,
    ],
  };
}
