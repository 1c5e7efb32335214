import type { SqlFragment } from '../db/dialect';
import { badInput } from '../errors';
import { PREDICTION_KINDS, type PredictionKind } from '../predictions/prediction-kind';
import type { NumberRange, PredictionCondition } from './rule-definition';
import { allowOnly, oneOf, present, record } from './rule-input';

// Predictive segment conditions: a bound on the latest score or decile of one prediction kind
// (table `predictions`, one row per customer and kind). Validation, SQL and wording live here so
// that rule-tree.ts, rule-sql.ts and explain.ts each only dispatch to them.

/** Lowest and highest decile: 1 holds the lowest tenth of scores, 10 the highest. */
const DECILES = { min: 1, max: 10 };
/** Probabilities are bounded; CLV is money, any finite amount. */
const SCORE_LIMITS: Record<PredictionKind, { min?: number; max?: number }> = {
  CHURN: { min: 0, max: 1 },
  PROPENSITY: { min: 0, max: 1 },
  CLV: {},
};
const SUBJECTS: Record<PredictionKind, string> = {
  CHURN: 'churn probability',
  PROPENSITY: 'purchase propensity',
  CLV: 'CLV',
};

/**
 * Validates `{ kind, score | decile }` (exactly one of the two, each `{ min?, max? }` with at
 * least one bound, min not above max). BAD_USER_INPUT names the offending path under `field`.
 */
export function parsePrediction(
  input: Record<string, unknown>,
  field: string,
): PredictionCondition {
  allowOnly(input, ['kind', 'score', 'decile'], field);
  const kind = oneOf(input.kind, PREDICTION_KINDS, `${field}.kind`) as PredictionKind;
  if (present(input.score) === present(input.decile)) {
    throw badInput('a prediction condition sets exactly one of score, decile', field);
  }
  if (present(input.score)) {
    return { kind, score: parseBounds(input.score, `${field}.score`, SCORE_LIMITS[kind], false) };
  }

  return { kind, decile: parseBounds(input.decile, `${field}.decile`, DECILES, true) };
}

/**
 * The condition as SQL over customers alias `c`: an EXISTS on the customer's prediction of the
 * kind, so that a customer without one never matches (and `not` includes them). `seen` reads the
 * score and decile an explanation shows.
 */
export function compilePrediction(condition: PredictionCondition): {
  holds: SqlFragment;
  seen: Record<string, SqlFragment>;
} {
  const { kind } = condition;
  const column = condition.score ? 'p.score' : 'p.decile';
  const bounds = (condition.score ?? condition.decile) as NumberRange;
  const tests = ['p.customer_id = c.id', 'p.kind = ?'];
  const params: unknown[] = [kind];
  if (bounds.min !== undefined) {
    tests.push(`${column} >= ?`);
    params.push(bounds.min);
  }
  if (bounds.max !== undefined) {
    tests.push(`${column} <= ?`);
    params.push(bounds.max);
  }
  const read = (name: string): SqlFragment => ({
    sql: `(SELECT p.${name} FROM predictions p WHERE p.customer_id = c.id AND p.kind = ?)`,
    params: [kind],
  });

  return {
    holds: { sql: `EXISTS (SELECT 1 FROM predictions p WHERE ${tests.join(' AND ')})`, params },
    seen: { score: read('score'), decile: read('decile') },
  };
}

/** The condition in words, e.g. `churn probability decile is at least 9`. */
export function describePrediction(condition: PredictionCondition): string {
  const what = condition.score ? '' : ' decile';
  const { min, max } = (condition.score ?? condition.decile) as NumberRange;
  const bound =
    min !== undefined && max !== undefined
      ? `is between ${min} and ${max}`
      : min !== undefined
        ? `is at least ${min}`
        : `is at most ${max}`;

  return `${SUBJECTS[condition.kind]}${what} ${bound}`;
}

function parseBounds(
  input: unknown,
  field: string,
  limits: { min?: number; max?: number },
  integer: boolean,
): NumberRange {
  const range = record(input, field);
  allowOnly(range, ['min', 'max'], field);
  const result: NumberRange = {};
  for (const bound of ['min', 'max'] as const) {
    if (present(range[bound])) {
      result[bound] = boundValue(range[bound], `${field}.${bound}`, limits, integer);
    }
  }
  if (result.min === undefined && result.max === undefined) {
    throw badInput('a range needs min or max', field);
  }
  if (result.min !== undefined && result.max !== undefined && result.min > result.max) {
    throw badInput('min must not be above max', field);
  }

  return result;
}

function boundValue(
  value: unknown,
  field: string,
  { min = -Number.MAX_VALUE, max = Number.MAX_VALUE }: { min?: number; max?: number },
  integer: boolean,
): number {
  const valid =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!integer || Number.isInteger(value)) &&
    value >= min &&
    value <= max;
  if (!valid) {
    const what = integer ? 'an integer' : 'a number';
    throw badInput(
      `must be ${what}${max < Number.MAX_VALUE ? ` from ${min} to ${max}` : ''}`,
      field,
    );
  }

  return value;
}
