import { badInput } from '../errors';
import type { AlertKind, RuleCondition } from './evaluate-rule';

/** A condition as the API takes it: the kind and the parameters of that kind only. */
export interface ConditionInput {
  kind: AlertKind;
  threshold?: { operator: 'ABOVE' | 'BELOW'; value: number } | null;
  change?: { direction: 'UP' | 'DOWN' | 'EITHER'; bound: number } | null;
  anomaly?: { periods: number; k: number } | null;
}

/** Trailing periods an ANOMALY rule may look back over. */
export const MAX_ANOMALY_PERIODS = 366;

const PARAMS_OF: Record<AlertKind, 'threshold' | 'change' | 'anomaly' | null> = {
  THRESHOLD: 'threshold',
  CHANGE: 'change',
  TARGET_MISS: null,
  ANOMALY: 'anomaly',
};

/**
 * Checks that `input` carries exactly its kind's parameters, with values that make sense, and
 * returns the condition; errors name the offending field under `path`.
 */
export function parseCondition(input: ConditionInput, path: string): RuleCondition {
  const wanted = PARAMS_OF[input.kind];
  for (const key of ['threshold', 'change', 'anomaly'] as const) {
    if (key !== wanted && input[key] != null) {
      throw badInput(`A ${input.kind} rule takes no ${key} parameters`, `${path}.${key}`);
    }
  }
  if (wanted !== null && input[wanted] == null) {
    throw badInput(`A ${input.kind} rule needs ${wanted} parameters`, `${path}.${wanted}`);
  }
  switch (input.kind) {
    case 'THRESHOLD': {
      const { operator, value } = input.threshold!;
      finite(value, `${path}.threshold.value`);

      return { kind: 'THRESHOLD', operator, value };
    }
    case 'CHANGE': {
      const { direction, bound } = input.change!;
      if (!(bound > 0) || !Number.isFinite(bound)) {
        throw badInput(
          `bound is a relative change above 0 (0.2 = 20 %), got ${bound}`,
          `${path}.change.bound`,
        );
      }

      return { kind: 'CHANGE', direction, bound };
    }
    case 'TARGET_MISS':
      return { kind: 'TARGET_MISS' };
    case 'ANOMALY': {
      const { periods, k } = input.anomaly!;
      if (!Number.isInteger(periods) || periods < 3 || periods > MAX_ANOMALY_PERIODS) {
        throw badInput(
          `periods must be between 3 and ${MAX_ANOMALY_PERIODS}, got ${periods}`,
          `${path}.anomaly.periods`,
        );
      }
      if (!(k > 0) || !Number.isFinite(k)) {
        throw badInput(`k must be above 0, got ${k}`, `${path}.anomaly.k`);
      }

      return { kind: 'ANOMALY', periods, k };
    }
  }
}

/**
 * Refuses a hysteresis that would keep a firing rule from ever resolving. A rule resolves once
 * its measure ≤ limit − hysteresis (evaluate-rule.ts), and two measures are never negative: the
 * ANOMALY distance from the median in scaled MADs, and the size of a CHANGE in EITHER direction.
 * The THRESHOLD distance, a signed CHANGE UP or DOWN and the TARGET_MISS gap fall as far as the
 * value moves the good way, so any hysteresis lets those resolve.
 */
export function checkHysteresis(condition: RuleCondition, hysteresis: number, field: string): void {
  const floored =
    condition.kind === 'ANOMALY'
      ? {
          limit: 'k',
          value: condition.k,
          resolves:
            'a firing ANOMALY rule resolves once the value is at most k − hysteresis scaled MADs from the median, and that distance',
        }
      : condition.kind === 'CHANGE' && condition.direction === 'EITHER'
        ? {
            limit: 'bound',
            value: condition.bound,
            resolves:
              'a firing CHANGE rule in EITHER direction resolves once the size of the change is at most bound − hysteresis, and that size',
          }
        : null;
  if (floored && hysteresis >= floored.value) {
    throw badInput(
      `hysteresis must be below ${floored.limit} (${floored.value}), got ${hysteresis}: ${floored.resolves} is never negative`,
      field,
    );
  }
}

function finite(value: number, field: string): void {
  if (!Number.isFinite(value)) {
    throw badInput(`${value} is not a finite number`, field);
  }
}

/** The stored form of a condition: its parameters without the kind (which has a column). */
export function conditionParams(condition: RuleCondition): Record<string, unknown> {
  const { kind: _kind, ...params } = condition;

  return params;
}

/** Back from the stored kind and parameters. */
export function storedCondition(
  kind: AlertKind,
  params: Record<string, unknown> | null,
): RuleCondition {
  return { kind, ...(params ?? {}) } as RuleCondition;
}

/** Trailing periods (before the judged one) a condition needs. */
export function trailingPeriods(condition: RuleCondition): number {
  return condition.kind === 'ANOMALY' ? condition.periods : condition.kind === 'CHANGE' ? 1 : 0;
}
