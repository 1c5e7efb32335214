import { anomalyBand } from './robust-stats';

export type AlertKind = 'THRESHOLD' | 'CHANGE' | 'TARGET_MISS' | 'ANOMALY';
export type AlertSeverity = 'INFO' | 'WARNING' | 'CRITICAL';
export type AlertState = 'OK' | 'PENDING' | 'FIRING';
export type AlertEventType = 'FIRED' | 'RESOLVED' | 'ACKNOWLEDGED';
export type TargetDirection = 'HIGHER_IS_BETTER' | 'LOWER_IS_BETTER';

/** What a rule watches for, with the parameters of its kind (stored as `params` JSON). */
export type RuleCondition =
  /** The value is above (below) `value`. */
  | { kind: 'THRESHOLD'; operator: 'ABOVE' | 'BELOW'; value: number }
  /** The relative change against the previous period exceeds `bound` (0.2 = 20 %). */
  | { kind: 'CHANGE'; direction: 'UP' | 'DOWN' | 'EITHER'; bound: number }
  /** The value misses the KPI's target by more than the KPI's tolerance. */
  | { kind: 'TARGET_MISS' }
  /** The value lies outside median ± k · 1.4826 · MAD of the `periods` periods before it. */
  | { kind: 'ANOMALY'; periods: number; k: number };

/** The KPI values and settings one judgement needs. */
export interface KpiFacts {
  /** The value of the period being judged; null when the period had no data. */
  value: number | null;
  /** Values of the periods before it, newest first (null where a period had no data). */
  trailing: ReadonlyArray<number | null>;
  target: number | null;
  direction: TargetDirection;
  /** Relative tolerance around the target (0.05 = 5 %). */
  tolerance: number;
}

/**
 * A condition judged on one period. Every kind reduces to one `measure` compared with a
 * `limit`: the condition holds when measure > limit, and (for a firing rule) clears only when
 * measure ≤ limit − hysteresis, so a value hovering at the limit does not flap.
 */
export interface Judgement {
  measure: number;
  limit: number;
  breached: boolean;
  cleared: boolean;
  /** The numbers behind the judgement, stored with the event. */
  details: Record<string, number | null>;
}

/**
 * Judges `condition` on `facts`; null when the period cannot be judged (no value, no previous
 * value or a zero one for CHANGE, no target for TARGET_MISS, fewer than `periods` trailing
 * values for ANOMALY). An unjudgeable period changes no state.
 */
export function judge(
  condition: RuleCondition,
  hysteresis: number,
  facts: KpiFacts,
): Judgement | null {
  const x = facts.value;
  if (x === null) {
    return null;
  }
  const verdict = (measure: number, limit: number, details: Judgement['details']): Judgement => ({
    measure,
    limit,
    breached: measure > limit,
    cleared: measure <= limit - hysteresis,
    details: { value: x, ...details },
  });
  switch (condition.kind) {
    case 'THRESHOLD':
      // How far the value is past the threshold, in the KPI's unit.
      return verdict(
        condition.operator === 'ABOVE' ? x - condition.value : condition.value - x,
        0,
        {
          threshold: condition.value,
        },
      );
    case 'CHANGE': {
      const previous = facts.trailing[0] ?? null;
      if (previous === null || previous === 0) {
        return null;
      }
      const change = (x - previous) / Math.abs(previous);
      const measure =
        condition.direction === 'UP'
          ? change
          : condition.direction === 'DOWN'
            ? -change
            : Math.abs(change);

      return verdict(measure, condition.bound, { previous, change });
    }
    case 'TARGET_MISS': {
      const gap = targetGap(x, facts.target, facts.direction);

      return gap === null
        ? null
        : verdict(gap, facts.tolerance, { target: facts.target, gap, tolerance: facts.tolerance });
    }
    case 'ANOMALY': {
      const window = facts.trailing.slice(0, condition.periods);
      if (window.length < condition.periods || window.some((value) => value === null)) {
        return null;
      }
      const band = anomalyBand(window as number[], condition.k);
      const distance = Math.abs(x - band.median);
      // A flat history (MAD 0) has a zero-width band: any other value is outside it.
      const measure = band.scaledMad > 0 ? distance / band.scaledMad : distance > 0 ? Infinity : 0;

      return verdict(measure, condition.k, {
        median: band.median,
        scaledMad: band.scaledMad,
        low: band.low,
        high: band.high,
      });
    }
  }
}

/**
 * How far `value` falls short of `target`, relative to it, in the bad direction: 0.12 means
 * 12 % worse than the target; ≤ 0 means on or better than target. Null without a usable target.
 */
export function targetGap(
  value: number,
  target: number | null,
  direction: TargetDirection,
): number | null {
  if (target === null || target === 0) {
    return null;
  }
  const shortfall = direction === 'HIGHER_IS_BETTER' ? target - value : value - target;

  return shortfall / Math.abs(target);
}

/** Where a rule stands between evaluations. */
export interface RuleStanding {
  state: AlertState;
  /** Consecutive judged periods in which the condition held. */
  consecutive: number;
}

/** The outcome of one evaluation of a rule. */
export interface Transition extends RuleStanding {
  /** The event to record and publish, if any (never one while muted). */
  event: 'FIRED' | 'RESOLVED' | null;
}

/**
 * The rule state machine. OK → PENDING while the condition has held fewer than `forCount`
 * consecutive periods → FIRING (emits FIRED once; nothing more while it keeps holding) →
 * OK (emits RESOLVED) once the condition clears past the hysteresis; a PENDING rule whose
 * condition stops holding returns to OK silently. A muted rule moves through the same states
 * but emits nothing. An unjudgeable period (null) leaves everything as it was.
 */
export function transition(
  current: RuleStanding,
  judgement: Judgement | null,
  forCount: number,
  muted: boolean,
): Transition {
  if (judgement === null) {
    return { ...current, event: null };
  }
  const emit = (event: 'FIRED' | 'RESOLVED') => (muted ? null : event);
  if (judgement.breached) {
    const consecutive = current.consecutive + 1;
    if (current.state === 'FIRING') {
      return { state: 'FIRING', consecutive, event: null };
    }

    return consecutive >= forCount
      ? { state: 'FIRING', consecutive, event: emit('FIRED') }
      : { state: 'PENDING', consecutive, event: null };
  }
  if (current.state === 'FIRING' && !judgement.cleared) {
    // Back inside the limit but not past the hysteresis margin: still firing.
    return { state: 'FIRING', consecutive: 0, event: null };
  }

  return {
    state: 'OK',
    consecutive: 0,
    event: current.state === 'FIRING' ? emit('RESOLVED') : null,
  };
}
