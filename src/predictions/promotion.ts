// When a candidate may replace the active model. Binary models compare their out-of-time AUC
// (cross-validated AUC for attribute labels, which have no history to hold out); CLV models
// compare the mean absolute error of the purchases expected in the held-out horizon.

/** The AUC a candidate may lose against the active model and still replace it. */
export const AUC_TOLERANCE = 0.005;

/** The relative increase of the purchase error a CLV candidate may have. */
export const CLV_ERROR_TOLERANCE = 0.02;

interface Evaluated {
  id: number;
  number: number;
  kind: string;
  metrics: Record<string, unknown> | null;
}

/** The outcome of the rule, in words and numbers, for the API and the error. */
export interface PromotionCheck {
  allowed: boolean;
  metric: string;
  candidate: number | null;
  active: number | null;
  explanation: string;
}

function path(metrics: Record<string, unknown> | null, ...keys: string[]): number | null {
  let value: unknown = metrics;
  for (const key of keys) {
    value =
      value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : null;
  }

  return typeof value === 'number' ? value : null;
}

/** The metric the rule compares, for one version. */
export function promotionMetric(version: Evaluated): { name: string; value: number | null } {
  if (version.kind === 'CLV') {
    return {
      name: 'out-of-time purchase MAE',
      value: path(version.metrics, 'outOfTime', 'meanAbsoluteError'),
    };
  }
  const outOfTime = path(version.metrics, 'outOfTime', 'auc');

  return outOfTime !== null
    ? { name: 'out-of-time AUC', value: outOfTime }
    : { name: 'cross-validated AUC', value: path(version.metrics, 'inTime', 'auc') };
}

/**
 * Whether `candidate` may replace `active`: with no active model, or when its metric is not
 * worse by more than the tolerance (AUC 0.005 absolute; CLV error 2 % relative).
 */
export function promotionCheck(candidate: Evaluated, active: Evaluated | null): PromotionCheck {
  const mine = promotionMetric(candidate);
  const name = `v${candidate.number}`;
  if (mine.value === null) {
    return {
      allowed: false,
      metric: mine.name,
      candidate: null,
      active: null,
      explanation: `${name} has no ${mine.name}`,
    };
  }
  if (!active) {
    return {
      allowed: true,
      metric: mine.name,
      candidate: mine.value,
      active: null,
      explanation: `${name} is the first active ${candidate.kind} model`,
    };
  }
  const theirs = promotionMetric(active);
  if (theirs.value === null) {
    return {
      allowed: true,
      metric: mine.name,
      candidate: mine.value,
      active: null,
      explanation: `the active v${active.number} has no ${mine.name}`,
    };
  }
  const allowed =
    candidate.kind === 'CLV'
      ? mine.value <= theirs.value * (1 + CLV_ERROR_TOLERANCE)
      : mine.value >= theirs.value - AUC_TOLERANCE;
  const figures = `${mine.name} ${mine.value.toFixed(4)} against ${theirs.value.toFixed(4)} for the active v${active.number}`;

  return {
    allowed,
    metric: mine.name,
    candidate: mine.value,
    active: theirs.value,
    explanation: allowed
      ? `${name} has ${figures}`
      : `${name} is worse: ${figures} (pass force and a reason to promote anyway)`,
  };
}
