// Means and variances from sufficient statistics, and the reasons a statistic may be undefined.

/**
 * Why a statistic is `null` instead of a number. Statistics never fall back to 0, NaN or 0.5:
 * an undefined value is `null` plus one of these machine-readable reasons.
 * - `NOT_ENOUGH_DATA`: too few units (e.g. n < 2 for a sample variance).
 * - `ZERO_VARIANCE`: the standard error is 0, so a test statistic would divide by 0.
 * - `BASELINE_ZERO`: the control mean is 0, so a relative lift is undefined.
 * - `UNBOUNDED`: a confidence set is not a finite interval (Fieller with a noisy control).
 * - `SRM_DETECTED`: the sample ratio mismatch check failed, so effects are not trustworthy.
 */
export type StatReason =
  'NOT_ENOUGH_DATA' | 'ZERO_VARIANCE' | 'BASELINE_ZERO' | 'UNBOUNDED' | 'SRM_DETECTED';

/** Which alternative a test or interval covers: B ≠ A, B > A, or B < A. */
export type Sided = 'two' | 'greater' | 'less';

/** A number, or `null` with the reason it is undefined. */
export type Maybe<T> = { value: T; reason: null } | { value: null; reason: StatReason };

/** Wraps a defined value. */
export function defined<T>(value: T): Maybe<T> {
  return { value, reason: null };
}

/** An undefined value with its reason. */
export function undefinedBecause<T>(reason: StatReason): Maybe<T> {
  return { value: null, reason };
}

/** Sufficient statistics of one arm for one metric: count, Σy and Σy². */
export interface SufficientStats {
  n: number;
  sum: number;
  sumSquares: number;
}

/** Mean and sample variance (n − 1 denominator) of one arm; `variance` needs n ≥ 2. */
export interface ArmSummary {
  n: number;
  mean: number;
  variance: number;
}

/**
 * Sample variance from sums: (Σy² − (Σy)²/n) / (n − 1), with Σy²−(Σy)²/n formed as
 * Σy² − mean·Σy and clamped at 0, because in double precision the subtraction can leave a tiny
 * negative residue when all values are (nearly) equal. Returns null for n < 2.
 */
export function varianceFromSums(stats: SufficientStats): number | null {
  if (stats.n < 2) {
    return null;
  }
  const mean = stats.sum / stats.n;
  const centred = stats.sumSquares - mean * stats.sum;
  // Rounding error of the two terms is about eps·Σy²; anything below is noise, not variance.
  const noise = 8 * Number.EPSILON * Math.abs(stats.sumSquares);

  return centred <= noise ? 0 : centred / (stats.n - 1);
}

/** Mean and sample variance of an arm from its sufficient statistics (null for n < 2). */
export function summarizeSums(stats: SufficientStats): ArmSummary | null {
  const variance = varianceFromSums(stats);
  if (variance === null) {
    return null;
  }

  return { n: stats.n, mean: stats.sum / stats.n, variance };
}

/**
 * A conversion metric as a mean: rate p = x/n with the Bernoulli variance p(1 − p), as used by
 * GrowthBook gbstats for proportion metrics. Returns null for n < 1.
 */
export function summarizeProportion(n: number, conversions: number): ArmSummary | null {
  if (n < 1) {
    return null;
  }
  const p = conversions / n;

  return { n, mean: p, variance: p * (1 - p) };
}

/** Arm summary from a reported mean and standard deviation. */
export function summarizeMeanSd(n: number, mean: number, sd: number): ArmSummary {
  return { n, mean, variance: sd * sd };
}
