import { normalTwoSidedP } from './normal';
import { defined, type Maybe, undefinedBecause, varianceFromSums } from './sums';

/** Sufficient statistics of one arm: pre-exposure covariate X ("pre") and metric Y ("post"). */
export interface CupedArmSums {
  n: number;
  sumPre: number;
  sumPreSquares: number;
  sumPost: number;
  sumPostSquares: number;
  sumPrePost: number;
}

/** Per-arm moments (n − 1 denominators) and the CUPED-adjusted mean and variance. */
export interface CupedArm {
  n: number;
  meanPre: number;
  meanPost: number;
  varPre: number;
  varPost: number;
  covPrePost: number;
  /** Ȳ − θ·X̄ (GrowthBook `RegressionAdjustedStatistic.mean`). */
  adjustedMeanUncentered: number;
  /** Ȳ − θ·(X̄ − pooled X̄): the same effect, on the metric's own scale. */
  adjustedMeanCentered: number;
  adjustedVar: number;
  /** 1 − adjustedVar / varPost; null when the metric has no variance in this arm. */
  varianceReduction: number | null;
}

/** Treatment − control on the means, with a normal (z) test. */
export interface CupedComparison {
  effect: number;
  se: number;
  /** Undefined (ZERO_VARIANCE) when the standard error is 0. */
  z: Maybe<number>;
  pTwoSided: Maybe<number>;
}

export interface CupedResult {
  theta: number;
  /** ZERO_VARIANCE when the pooled covariate has no variance, so θ is set to 0. */
  thetaReason: 'ZERO_VARIANCE' | null;
  pooledPreMean: number;
  control: CupedArm;
  treatment: CupedArm;
  unadjusted: CupedComparison;
  adjusted: CupedComparison;
  /** 1 − se²_adjusted / se²_unadjusted; null when the unadjusted effect has no variance. */
  effectVarianceReduction: number | null;
}

/** Σ(x − x̄)(y − ȳ) = Σxy − Σx·Σy/n; unlike a sum of squares it may be negative. */
function coMoment(sumX: number, sumY: number, sumXY: number, n: number): number {
  return sumXY - (sumX * sumY) / n;
}

/** Sample variance (n − 1) from sums, with varianceFromSums' guard against cancellation noise. */
function variance(n: number, sum: number, sumSquares: number): number {
  return varianceFromSums({ n, sum, sumSquares }) ?? 0;
}

function describeArm(sums: CupedArmSums, theta: number, pooledPreMean: number): CupedArm {
  const { n } = sums;
  const meanPre = sums.sumPre / n;
  const meanPost = sums.sumPost / n;
  const varPre = variance(n, sums.sumPre, sums.sumPreSquares);
  const varPost = variance(n, sums.sumPost, sums.sumPostSquares);
  const covPrePost = coMoment(sums.sumPre, sums.sumPost, sums.sumPrePost, n) / (n - 1);
  // Var(Y − θX) ≥ 0 in exact arithmetic; a tiny negative is rounding.
  const adjustedVar = Math.max(0, varPost + theta * theta * varPre - 2 * theta * covPrePost);

  return {
    n,
    meanPre,
    meanPost,
    varPre,
    varPost,
    covPrePost,
    adjustedMeanUncentered: meanPost - theta * meanPre,
    adjustedMeanCentered: meanPost - theta * (meanPre - pooledPreMean),
    adjustedVar,
    varianceReduction: varPost > 0 ? 1 - adjustedVar / varPost : null,
  };
}

function compare(
  effect: number,
  varA: number,
  nA: number,
  varB: number,
  nB: number,
): CupedComparison {
  const se = Math.sqrt(varA / nA + varB / nB);
  if (se === 0) {
    return {
      effect,
      se,
      z: undefinedBecause('ZERO_VARIANCE'),
      pTwoSided: undefinedBecause('ZERO_VARIANCE'),
    };
  }
  const z = effect / se;

  return { effect, se, z: defined(z), pTwoSided: defined(normalTwoSidedP(z)) };
}

/**
 * CUPED (Deng, Xu, Kohavi & Walker 2013, "Improving the sensitivity of online controlled
 * experiments by utilizing pre-experiment data") from per-arm sufficient statistics.
 *
 * θ = cov(Y, X) / var(X) on the POOLED sample of both arms (n − 1 denominators), as GrowthBook
 * gbstats `compute_theta` and PostHog `cuped.compute_theta`; pooling keeps θ independent of the
 * treatment. θ = 0 (reason ZERO_VARIANCE) when the covariate has no variance, which reduces to
 * the unadjusted analysis. Per arm: adjusted mean Ȳ − θX̄ (and centered Ȳ − θ(X̄ − X̄pooled)),
 * adjusted variance var(Y) + θ²var(X) − 2θ·cov(X, Y), variance reduction 1 − adjVar/var(Y).
 * The effect B − A is reported adjusted and unadjusted, each with se = √(v_A/n_A + v_B/n_B),
 * z = effect/se and a two-sided normal p-value from the survival function.
 * Needs n ≥ 2 in each arm, else undefined with NOT_ENOUGH_DATA.
 */
export function cuped(control: CupedArmSums, treatment: CupedArmSums): Maybe<CupedResult> {
  if (control.n < 2 || treatment.n < 2) {
    return undefinedBecause('NOT_ENOUGH_DATA');
  }
  const n = control.n + treatment.n;
  const sumPre = control.sumPre + treatment.sumPre;
  const sumPost = control.sumPost + treatment.sumPost;
  const varX = variance(n, sumPre, control.sumPreSquares + treatment.sumPreSquares);
  const covXY = coMoment(sumPre, sumPost, control.sumPrePost + treatment.sumPrePost, n) / (n - 1);
  const theta = varX > 0 ? covXY / varX : 0;
  const pooledPreMean = sumPre / n;
  const a = describeArm(control, theta, pooledPreMean);
  const b = describeArm(treatment, theta, pooledPreMean);
  const unadjusted = compare(b.meanPost - a.meanPost, a.varPost, a.n, b.varPost, b.n);
  const adjusted = compare(
    b.adjustedMeanUncentered - a.adjustedMeanUncentered,
    a.adjustedVar,
    a.n,
    b.adjustedVar,
    b.n,
  );

  return defined({
    theta,
    thetaReason: varX > 0 ? null : 'ZERO_VARIANCE',
    pooledPreMean,
    control: a,
    treatment: b,
    unadjusted,
    adjusted,
    effectVarianceReduction:
      unadjusted.se > 0 ? 1 - (adjusted.se * adjusted.se) / (unadjusted.se * unadjusted.se) : null,
  });
}
