import { badInput } from '../../errors';
import { defined, type Maybe, undefinedBecause } from './sums';

/** Input of {@link asymptoticConfidenceSequence}: an effect estimate and its sampling variance. */
export interface ConfidenceSequenceInput {
  /** Point estimate of the effect (absolute or relative difference). */
  estimate: number;
  /** Sampling variance of the estimate (e.g. v_A/n_A + v_B/n_B). */
  variance: number;
  /** Units analysed so far over all compared arms (N = n_A + n_B). */
  n: number;
  /** Two-sided error rate, in (0, 1), held over every look. Default 0.05. */
  alpha?: number;
  /**
   * Tuning sample size N*: the total N at which the sequence is tightest. GrowthBook's default
   * is 5,000; choose roughly the expected final sample size.
   */
  tuningN?: number;
  /** How many times the results have been looked at (echoed, the bound does not depend on it). */
  looks: number;
}

export interface ConfidenceSequence {
  method: 'ASYMPTOTIC_CONFIDENCE_SEQUENCE';
  looks: number;
  alpha: number;
  tuningN: number;
  /** Mixing parameter ρ of the normal mixture. */
  rho: number;
  estimate: number;
  ci: [number, number];
  /** Always-valid p-value min(1, 1/E) from the mixture e-value E. */
  pValue: number;
}

/**
 * ρ that makes the boundary tightest at N = tuningN (Howard, Ramdas, McAuliffe & Sekhon 2021,
 * "Time-uniform, nonparametric, nonasymptotic confidence sequences", eq. (3.5); Waudby-Smith et
 * al. 2021, arXiv:2103.06476 v7 eq. 161, as in GrowthBook gbstats `SequentialTwoSidedTTest.rho`):
 * ρ = √((−2 ln α + ln(1 − 2 ln α)) / N*).
 */
export function optimalRho(alpha: number, tuningN: number): number {
  return Math.sqrt((-2 * Math.log(alpha) + Math.log(1 - 2 * Math.log(alpha))) / tuningN);
}

/**
 * Always-valid asymptotic confidence sequence (Waudby-Smith, Arbour, Sinha, Kennedy & Ramdas
 * 2021, "Time-uniform central limit theory and asymptotic confidence sequences",
 * arXiv:2103.06476; the normal-mixture boundary of Howard et al. 2021), as in GrowthBook gbstats
 * `SequentialTwoSidedTTest`. With σ² = Var(estimate)·N the per-unit variance:
 * half-width = σ √( 2(Nρ² + 1) / (N²ρ²) · ln(√(Nρ² + 1) / α) ),
 * and the p-value is min(1, 1/E) with the mixture e-value
 * E = exp(ρ² N Δ² / (2 Var·(Nρ² + 1))) / √(Nρ² + 1), so p ≤ α exactly when 0 lies outside the
 * interval. Coverage holds simultaneously over all looks, so results may be read every day.
 * Undefined below 2 units per comparison (NOT_ENOUGH_DATA) or with zero variance.
 */
export function asymptoticConfidenceSequence(
  input: ConfidenceSequenceInput,
): Maybe<ConfidenceSequence> {
  const { estimate, variance, n, alpha = 0.05, tuningN = 5000, looks } = input;
  if (!(Number.isFinite(alpha) && alpha > 0 && alpha < 1)) {
    throw badInput(`alpha must be in (0, 1), got ${alpha}`, 'alpha');
  }
  if (!(Number.isFinite(tuningN) && tuningN > 0)) {
    throw badInput(`tuningN must be positive, got ${tuningN}`, 'tuningN');
  }
  if (!(n >= 2)) {
    return undefinedBecause('NOT_ENOUGH_DATA');
  }
  if (!(variance > 0)) {
    return undefinedBecause('ZERO_VARIANCE');
  }
  const rho = optimalRho(alpha, tuningN);
  const nRho2 = n * rho * rho;
  // σ²·2(Nρ² + 1)/(N²ρ²) with σ² = Var·N simplifies to Var·2(Nρ² + 1)/(Nρ²).
  const halfWidth = Math.sqrt(
    ((variance * 2 * (nRho2 + 1)) / nRho2) * Math.log(Math.sqrt(nRho2 + 1) / alpha),
  );
  // ln E kept in logs: the e-value overflows long before the p-value is uninteresting.
  const logE = (nRho2 * estimate * estimate) / (2 * variance * (nRho2 + 1)) - Math.log1p(nRho2) / 2;

  return defined({
    method: 'ASYMPTOTIC_CONFIDENCE_SEQUENCE',
    looks,
    alpha,
    tuningN,
    rho,
    estimate,
    ci: [estimate - halfWidth, estimate + halfWidth],
    pValue: Math.min(1, Math.exp(-logE)),
  });
}
