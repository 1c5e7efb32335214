// Ratio metrics (e.g. revenue per order): R = Σm / Σd over an arm's units, analysed as a mean.
import { type ArmSummary, type Maybe, defined, undefinedBecause, varianceFromSums } from './sums';

/** An arm's sums of numerator m and denominator d per unit, with Σm·d for their covariance. */
export interface RatioSums {
  n: number;
  sumNumerator: number;
  sumNumeratorSquares: number;
  sumDenominator: number;
  sumDenominatorSquares: number;
  sumProducts: number;
}

/**
 * The ratio R = m̄/d̄ as an arm summary whose `variance / n` is the delta-method variance of R̂
 * (Deng, Knoblich & Lu 2018, "Applying the Delta Method in Metric Analytics", eq. 3; GrowthBook
 * gbstats RatioStatistic): Var(R̂) ≈ (σ_m² − 2R·σ_md + R²·σ_d²) / (n·d̄²), so Welch, the lift
 * intervals and the Bayesian model apply unchanged. The covariance comes from Σm·d with the
 * same cancellation guard as the variances. Null with NOT_ENOUGH_DATA for n < 2 and
 * BASELINE_ZERO when Σd = 0 (the ratio itself is undefined).
 */
export function summarizeRatio(sums: RatioSums): Maybe<ArmSummary> {
  const { n } = sums;
  if (n < 2) {
    return undefinedBecause('NOT_ENOUGH_DATA');
  }
  if (sums.sumDenominator === 0) {
    return undefinedBecause('BASELINE_ZERO');
  }
  const varM = varianceFromSums({
    n,
    sum: sums.sumNumerator,
    sumSquares: sums.sumNumeratorSquares,
  }) as number;
  const varD = varianceFromSums({
    n,
    sum: sums.sumDenominator,
    sumSquares: sums.sumDenominatorSquares,
  }) as number;
  const meanD = sums.sumDenominator / n;
  const ratio = sums.sumNumerator / sums.sumDenominator;
  const covMD = (sums.sumProducts - (sums.sumNumerator * sums.sumDenominator) / n) / (n - 1);
  // The quadratic form is a variance, so it is ≥ 0; rounding can leave a tiny negative residue.
  const variance = Math.max(0, (varM - 2 * ratio * covMD + ratio * ratio * varD) / (meanD * meanD));

  return defined({ n, mean: ratio, variance });
}
