import { badInput } from '../../errors';
import { normalCdf, normalQuantile } from './normal';
import { defined, type Maybe, undefinedBecause } from './sums';

/** Options shared by the planners; defaults are the conventional α = 0.05 and power 0.8. */
export interface PlanOptions {
  /** Two-sided significance level, in (0, 1). Default 0.05. */
  alpha?: number;
  /** Probability of detecting the MDE, in (0, 1). Default 0.8. */
  power?: number;
  /** Number of variants including control (total = per variant × arms). Default 2. */
  arms?: number;
  /** Units entering the experiment per day (the targeted segment's recent traffic). */
  dailyUnits?: number;
}

export interface ProportionPlanInput extends PlanOptions {
  /** Control conversion rate p, in (0, 1). */
  baselineRate: number;
  /** Minimum detectable effect: in rate points (absolute) or as a fraction of p (relative). */
  mde: number;
  mdeType: 'absolute' | 'relative';
}

export interface MeanPlanInput extends PlanOptions {
  /** Standard deviation σ of the metric per unit. */
  sd: number;
  /** Minimum detectable absolute difference of the means. */
  delta: number;
}

export interface SampleSizePlan {
  zAlpha2: number;
  zBeta: number;
  /** The unrounded per-variant n; compare this, not the rounded one, across tools. */
  nPerVariantRaw: number;
  nPerVariant: number;
  nTotal: number;
  /** ⌈nTotal / dailyUnits⌉, or null (reason NOT_ENOUGH_DATA) when no traffic is given. */
  expectedDays: number | null;
}

export interface ProportionPlan extends SampleSizePlan {
  deltaAbsolute: number;
  treatmentRate: number;
}

function check(ok: boolean, field: string, message: string): void {
  if (!ok) {
    throw badInput(message, field);
  }
}

function isOpenUnit(x: number): boolean {
  return Number.isFinite(x) && x > 0 && x < 1;
}

function zHalfAlpha(alpha = 0.05): number {
  check(isOpenUnit(alpha), 'alpha', `alpha must be in (0, 1), got ${alpha}`);

  return normalQuantile(1 - alpha / 2);
}

function quantiles(options: PlanOptions): { zAlpha2: number; zBeta: number } {
  const { power = 0.8 } = options;
  check(isOpenUnit(power), 'power', `power must be in (0, 1), got ${power}`);

  return { zAlpha2: zHalfAlpha(options.alpha), zBeta: normalQuantile(power) };
}

function finish(nPerVariantRaw: number, options: PlanOptions) {
  const { arms = 2, dailyUnits } = options;
  check(Number.isInteger(arms) && arms >= 2, 'arms', `arms must be an integer ≥ 2, got ${arms}`);
  check(
    dailyUnits === undefined || (Number.isFinite(dailyUnits) && dailyUnits > 0),
    'dailyUnits',
    `dailyUnits must be positive, got ${dailyUnits}`,
  );
  const nPerVariant = Math.ceil(nPerVariantRaw);
  const nTotal = nPerVariant * arms;

  return {
    nPerVariantRaw,
    nPerVariant,
    nTotal,
    expectedDays: dailyUnits === undefined ? null : Math.ceil(nTotal / dailyUnits),
  };
}

function proportionDelta(input: ProportionPlanInput): number {
  const { baselineRate: p, mde, mdeType } = input;
  check(isOpenUnit(p), 'baselineRate', `baselineRate must be in (0, 1), got ${p}`);
  check(Number.isFinite(mde) && mde !== 0, 'mde', `mde must be a non-zero number, got ${mde}`);
  const delta = mdeType === 'relative' ? mde * p : mde;
  check(isOpenUnit(p + delta), 'mde', `the treatment rate ${p + delta} must be in (0, 1)`);

  return delta;
}

/**
 * Per-variant sample size for a two-sided two-proportion test (Evan Miller,
 * evanmiller.org/ab-testing/sample-size.html, `num_subjects`):
 * n = (z₁₋α/₂·√(2p(1−p)) + z₁₋β·√(p(1−p) + (p+d)(1−p−d)))² / d²,
 * d = mde (absolute) or mde·p (relative). The null-hypothesis spread uses the baseline p for
 * both arms; reported as the raw n and ⌈n⌉. Invalid inputs throw BAD_USER_INPUT.
 */
export function proportionSampleSize(input: ProportionPlanInput): ProportionPlan {
  const { zAlpha2, zBeta } = quantiles(input);
  const p = input.baselineRate;
  const d = proportionDelta(input);
  const sdNull = Math.sqrt(2 * p * (1 - p));
  const sdAlt = Math.sqrt(p * (1 - p) + (p + d) * (1 - p - d));
  const raw = (zAlpha2 * sdNull + zBeta * sdAlt) ** 2 / (d * d);

  return { zAlpha2, zBeta, deltaAbsolute: d, treatmentRate: p + d, ...finish(raw, input) };
}

/**
 * Per-variant sample size for a two-sided two-sample test of means with common σ:
 * n = 2(z₁₋α/₂ + z₁₋β)²σ² / δ² (e.g. Chow, Shao & Wang, "Sample Size Calculations in
 * Clinical Research", §3.2). Invalid inputs throw BAD_USER_INPUT.
 */
export function meanSampleSize(input: MeanPlanInput): SampleSizePlan {
  const { zAlpha2, zBeta } = quantiles(input);
  const { sd, delta } = input;
  check(Number.isFinite(sd) && sd > 0, 'sd', `sd must be positive, got ${sd}`);
  check(Number.isFinite(delta) && delta !== 0, 'delta', `delta must be non-zero, got ${delta}`);
  const raw = (2 * (zAlpha2 + zBeta) ** 2 * sd * sd) / (delta * delta);

  return { zAlpha2, zBeta, ...finish(raw, input) };
}

/**
 * Achieved power of the two-sided two-proportion test with n per variant, the inverse of
 * {@link proportionSampleSize}: Φ((|d|√n − z₁₋α/₂·√(2p(1−p))) / √(p(1−p) + (p+d)(1−p−d))).
 * The opposite tail (rejecting in the wrong direction) is ignored, as in Evan Miller's tool.
 */
export function proportionPower(input: ProportionPlanInput & { nPerVariant: number }): number {
  const zAlpha2 = zHalfAlpha(input.alpha);
  const p = input.baselineRate;
  const d = proportionDelta(input);
  const n = input.nPerVariant;
  check(Number.isFinite(n) && n > 0, 'nPerVariant', `nPerVariant must be positive, got ${n}`);
  const sdNull = Math.sqrt(2 * p * (1 - p));
  const sdAlt = Math.sqrt(p * (1 - p) + (p + d) * (1 - p - d));

  return normalCdf((Math.abs(d) * Math.sqrt(n) - zAlpha2 * sdNull) / sdAlt);
}

/**
 * Achieved power of the two-sided test of means with n per variant:
 * Φ(|δ| / (σ√(2/n)) − z₁₋α/₂), the inverse of {@link meanSampleSize}.
 */
export function meanPower(input: MeanPlanInput & { nPerVariant: number }): number {
  const zAlpha2 = zHalfAlpha(input.alpha);
  const { sd, delta, nPerVariant: n } = input;
  check(Number.isFinite(sd) && sd > 0, 'sd', `sd must be positive, got ${sd}`);
  check(Number.isFinite(n) && n > 0, 'nPerVariant', `nPerVariant must be positive, got ${n}`);

  return normalCdf(Math.abs(delta) / (sd * Math.sqrt(2 / n)) - zAlpha2);
}

/**
 * Minimum detectable difference of means with n per variant: δ = (z₁₋α/₂ + z₁₋β)·σ·√(2/n).
 */
export function meanMde(input: PlanOptions & { sd: number; nPerVariant: number }): number {
  const { zAlpha2, zBeta } = quantiles(input);
  const { sd, nPerVariant: n } = input;
  check(Number.isFinite(sd) && sd > 0, 'sd', `sd must be positive, got ${sd}`);
  check(Number.isFinite(n) && n > 0, 'nPerVariant', `nPerVariant must be positive, got ${n}`);

  return (zAlpha2 + zBeta) * sd * Math.sqrt(2 / n);
}

/**
 * Minimum detectable absolute lift d > 0 of a conversion rate with n per variant: the d at
 * which {@link proportionSampleSize} asks for exactly n, found by bisection (n(d) decreases
 * in d on (0, 1 − p)). null with NOT_ENOUGH_DATA when even d → 1 − p needs more than n units.
 */
export function proportionMde(
  input: PlanOptions & { baselineRate: number; nPerVariant: number },
): Maybe<number> {
  const { baselineRate: p, nPerVariant: n } = input;
  check(isOpenUnit(p), 'baselineRate', `baselineRate must be in (0, 1), got ${p}`);
  check(Number.isFinite(n) && n > 0, 'nPerVariant', `nPerVariant must be positive, got ${n}`);
  const needed = (d: number) =>
    proportionSampleSize({ ...input, mde: d, mdeType: 'absolute' }).nPerVariantRaw;
  let high = (1 - p) * (1 - 1e-12);
  if (needed(high) > n) {
    return undefinedBecause('NOT_ENOUGH_DATA');
  }
  let low = 0;
  // 200 halvings reach the double-precision resolution of any d in (0, 1).
  for (let i = 0; i < 200 && high - low > 1e-15; i += 1) {
    const mid = (low + high) / 2;
    if (needed(mid) > n) {
      low = mid;
    } else {
      high = mid;
    }
  }

  return defined(high);
}
