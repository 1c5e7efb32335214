import { badInput } from '../../errors';
import { deltaMethodLift } from './lift';
import { normalCdf, normalPdf, normalQuantile } from './normal';
import { type ArmSummary, type Maybe, defined, undefinedBecause } from './sums';

/** Whether the effect is treatment − control (`absolute`) or treatment / control − 1. */
export type DifferenceType = 'absolute' | 'relative';

/** A proper Gaussian prior on the effect, on the scale of the difference type. */
export interface GaussianPrior {
  mean: number;
  variance: number;
}

/** Options of {@link bayesianEffectTest}. */
export interface GaussianEffectOptions {
  differenceType: DifferenceType;
  /** Proper prior on the effect. Defaults to none (improper flat prior, as GrowthBook's default). */
  prior?: GaussianPrior | null;
  /** Probability mass of the equal-tailed credible interval. Defaults to 0.95. */
  credibleLevel?: number;
}

/** Posterior summary of the effect; risks are expected losses on the effect's scale. */
export interface GaussianEffect {
  differenceType: DifferenceType;
  /** Posterior mean of the effect. */
  expected: number;
  /** Posterior standard deviation of the effect. */
  stddev: number;
  /** P(effect > 0). */
  chanceToWin: number;
  ci: [number, number];
  /** E[max(effect, 0)]: what keeping the control is expected to cost. */
  riskControl: number;
  /** E[max(−effect, 0)]: what shipping the treatment is expected to cost. */
  riskTreatment: number;
  priorApplied: boolean;
}

/**
 * Sampling distribution of the effect from two arms' moments, as in GrowthBook gbstats
 * (`frequentist_diff` / `frequentist_variance`):
 * absolute: Δ = m_B − m_A, Var = v_B/n_B + v_A/n_A;
 * relative (delta method): Δ = m_B/m_A − 1, Var = v_B/(m_A² n_B) + v_A m_B²/(m_A⁴ n_A).
 * Undefined (null + reason) with fewer than 2 units in an arm, a zero control mean for the
 * relative effect, or zero variance.
 */
export function effectSamplingDistribution(
  control: ArmSummary,
  treatment: ArmSummary,
  differenceType: DifferenceType,
): Maybe<{ estimate: number; variance: number }> {
  if (control.n < 2 || treatment.n < 2) {
    return undefinedBecause('NOT_ENOUGH_DATA');
  }
  const a = { mean: control.mean, varianceOfMean: control.variance / control.n };
  const b = { mean: treatment.mean, varianceOfMean: treatment.variance / treatment.n };
  let estimate = b.mean - a.mean;
  let variance = a.varianceOfMean + b.varianceOfMean;
  if (differenceType === 'relative') {
    // Only the lift and its standard error are used; the interval comes from the posterior.
    const lift = deltaMethodLift(a, b, 0);
    if (lift.value === null) {
      return lift;
    }
    estimate = lift.value.lift;
    variance = lift.value.standardError ** 2;
  }
  if (!(variance > 0)) {
    return undefinedBecause('ZERO_VARIANCE');
  }

  return defined({ estimate, variance });
}

/**
 * GrowthBook's Bayesian "effect" model (gbstats `EffectBayesianABTest`): the effect estimate is
 * treated as Gaussian data, combined with a Gaussian prior by precision weighting,
 * 1/σ²_post = 1/σ²_data + 1/σ²_prior, μ_post = σ²_post (Δ/σ²_data + μ_prior/σ²_prior), or left as
 * is under the improper flat prior. Then chance to win = Φ(μ/σ), credible interval μ ± z σ, and
 * risk from the truncated-normal means: E[max(δ, 0)] = σ (zΦ(z) + φ(z)) with z = μ/σ, and
 * E[max(−δ, 0)] the same with −z.
 */
export function gaussianEffectPosterior(
  estimate: number,
  variance: number,
  differenceType: DifferenceType,
  prior: GaussianPrior | null = null,
  credibleLevel = 0.95,
): GaussianEffect {
  if (prior !== null && !(prior.variance > 0 && Number.isFinite(prior.variance))) {
    throw badInput(`prior variance must be a positive number, got ${prior.variance}`, 'prior');
  }
  if (!(credibleLevel > 0 && credibleLevel < 1)) {
    throw badInput(
      `credibleLevel must be between 0 and 1 exclusive, got ${credibleLevel}`,
      'credibleLevel',
    );
  }
  let mean = estimate;
  let postVariance = variance;
  if (prior !== null) {
    const precision = 1 / variance + 1 / prior.variance;
    postVariance = 1 / precision;
    mean = postVariance * (estimate / variance + prior.mean / prior.variance);
  }
  const sd = Math.sqrt(postVariance);
  const z = mean / sd;
  const half = normalQuantile(1 - (1 - credibleLevel) / 2) * sd;

  return {
    differenceType,
    expected: mean,
    stddev: sd,
    chanceToWin: normalCdf(z),
    ci: [mean - half, mean + half],
    riskControl: sd * positivePartMean(z),
    riskTreatment: sd * positivePartMean(-z),
    priorApplied: prior !== null,
  };
}

/**
 * Bayesian comparison of two arms on a mean or proportion metric (GrowthBook gbstats Gaussian
 * effect model): {@link effectSamplingDistribution} then {@link gaussianEffectPosterior}.
 * For proportions pass `summarizeProportion` (variance p(1 − p), as gbstats' ProportionStatistic).
 */
export function bayesianEffectTest(
  control: ArmSummary,
  treatment: ArmSummary,
  options: GaussianEffectOptions,
): Maybe<GaussianEffect> {
  const sampling = effectSamplingDistribution(control, treatment, options.differenceType);
  if (sampling.value === null) {
    return sampling;
  }

  return defined(
    gaussianEffectPosterior(
      sampling.value.estimate,
      sampling.value.variance,
      options.differenceType,
      options.prior ?? null,
      options.credibleLevel,
    ),
  );
}

// E[max(X, 0)] for X ~ N(z, 1), i.e. zΦ(z) + φ(z). The two terms cancel as z → −∞ (the result
// is ≈ φ(z)/z²); past |z| = 10 the asymptotic series φ(t) Σ (−1)^k (2k+1)!! / t^(2k+2) is used,
// which at t ≥ 10 converges to full precision long before its terms start to grow.
function positivePartMean(z: number): number {
  if (z > -10) {
    return Math.max(0, z * normalCdf(z) + normalPdf(z));
  }
  const t = -z;
  const inv = 1 / (t * t);
  let term = inv;
  let sum = 0;
  for (let k = 0; k < 30 && Math.abs(term) > 1e-17 * Math.abs(sum); k++) {
    sum += term;
    term *= -(2 * k + 3) * inv;
  }

  return normalPdf(t) * sum;
}
