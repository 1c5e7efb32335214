import type { TargetDirection } from './kpi.entity';

export type KpiStatus = 'ON_TRACK' | 'AT_RISK' | 'OFF_TRACK';

/**
 * Where a value stands against its target: ON_TRACK when it meets the target (at or beyond it
 * in the good direction), AT_RISK when it misses by at most `tolerance` × |target|, OFF_TRACK
 * beyond that; null without a value or a target. With a target of 0 any miss is OFF_TRACK.
 */
export function statusOf(
  value: number | null,
  target: number | null,
  direction: TargetDirection,
  tolerance: number,
): KpiStatus | null {
  if (value === null || target === null) {
    return null;
  }
  const shortfall = direction === 'HIGHER_IS_BETTER' ? target - value : value - target;
  if (shortfall <= 0) {
    return 'ON_TRACK';
  }

  return shortfall <= tolerance * Math.abs(target) ? 'AT_RISK' : 'OFF_TRACK';
}

/** Change from `previous` to `current`; relative is null when previous is 0 or either is null. */
export function changeOf(
  current: number | null,
  previous: number | null,
): { absolute: number | null; relative: number | null } {
  if (current === null || previous === null) {
    return { absolute: null, relative: null };
  }
  const absolute = current - previous;

  return { absolute, relative: previous === 0 ? null : absolute / Math.abs(previous) };
}

/** The target of the period starting at `periodStart`: its override, else the KPI's target. */
export function targetFor(
  kpi: {
    targetValue: number | null;
    targets: Array<{ periodStart: string; value: number }> | null;
  },
  periodStart: Date,
): number | null {
  const override = kpi.targets?.find((t) => Date.parse(t.periodStart) === periodStart.getTime());

  return override ? override.value : kpi.targetValue;
}
