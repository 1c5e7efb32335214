// Relative lift B/A − 1 of a treatment mean over the control mean, with two intervals.
import { type Maybe, type Sided, defined, undefinedBecause } from './sums';

/** A mean with the variance of that mean (σ²/n), for one independent arm. */
export interface MeanEstimate {
  mean: number;
  varianceOfMean: number;
}

/** A confidence interval; a `null` bound means that side is open (one-sided interval). */
export interface Interval {
  lower: number | null;
  upper: number | null;
}

/** Relative lift with its delta-method standard error and interval. */
export interface DeltaLift {
  lift: number;
  standardError: number;
  interval: Interval;
}

/** Interval estimate ± critical·se, open on the side a one-sided test does not look at. */
export function intervalAround(
  estimate: number,
  standardError: number,
  critical: number,
  sided: Sided,
): Interval {
  return {
    lower: sided === 'less' ? null : estimate - critical * standardError,
    upper: sided === 'greater' ? null : estimate + critical * standardError,
  };
}

/**
 * Relative lift r = μ_B/μ_A − 1 with the delta-method standard error
 * se = √(v_B/μ_A² + v_A·μ_B²/μ_A⁴) for independent arms (v = variance of each mean), and the
 * interval r ± critical·se. GrowthBook "Statistical details", eq. 2; Deng et al. (2018),
 * "Applying the Delta Method in Metric Analytics". Null (`BASELINE_ZERO`) when μ_A = 0.
 */
export function deltaMethodLift(
  control: MeanEstimate,
  treatment: MeanEstimate,
  critical: number,
  sided: Sided = 'two',
): Maybe<DeltaLift> {
  if (control.mean === 0) {
    return undefinedBecause('BASELINE_ZERO');
  }
  const a = control.mean;
  const b = treatment.mean;
  const lift = b / a - 1;
  const standardError = Math.sqrt(
    treatment.varianceOfMean / (a * a) + (control.varianceOfMean * b * b) / (a * a * a * a),
  );

  return defined({
    lift,
    standardError,
    interval: intervalAround(lift, standardError, critical, sided),
  });
}

/**
 * Fieller's interval for the relative lift: the set of r with
 * (μ_B − ρ μ_A)² ≤ c² (v_B + ρ² v_A), ρ = 1 + r, i.e. the roots of
 * (μ_A² − c² v_A) ρ² − 2 μ_A μ_B ρ + (μ_B² − c² v_B) = 0, minus 1
 * (Fieller 1954; Statsig "Fieller intervals"). It is a finite interval only when
 * μ_A² > c² v_A (the control mean is significantly non-zero); otherwise `UNBOUNDED`.
 * Null with `BASELINE_ZERO` when μ_A = 0. For one-sided use pass the one-sided critical value
 * and read the bound on the tested side.
 */
export function fiellerLift(
  control: MeanEstimate,
  treatment: MeanEstimate,
  critical: number,
): Maybe<Interval> {
  const a = control.mean;
  const b = treatment.mean;
  if (a === 0) {
    return undefinedBecause('BASELINE_ZERO');
  }
  const c2 = critical * critical;
  const quadratic = a * a - c2 * control.varianceOfMean;
  if (quadratic <= 0) {
    return undefinedBecause('UNBOUNDED');
  }
  // The discriminant (ab)² − quadratic·(b² − c²v_B) simplifies to c²(v_B·quadratic + b²v_A),
  // which is non-negative by construction and free of cancellation.
  const root = Math.sqrt(
    c2 * (treatment.varianceOfMean * quadratic + b * b * control.varianceOfMean),
  );
  const ab = a * b;
  // Stable quadratic roots: form the larger-magnitude root first, the other from the product.
  const q = ab + (ab >= 0 ? root : -root);
  const constant = b * b - c2 * treatment.varianceOfMean;
  const first = q / quadratic;
  const second = q === 0 ? -first : constant / q;

  return defined({ lower: Math.min(first, second) - 1, upper: Math.max(first, second) - 1 });
}
