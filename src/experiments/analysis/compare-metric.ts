import type { MetricSums } from '../outcome-sums';
import type { ArmSums } from '../outcome-sums';
import { betaBinomialTest } from '../stats/bayes-binomial';
import { bayesianEffectTest } from '../stats/bayes-gaussian';
import { cuped } from '../stats/cuped';
import { type DeltaLift, type Interval, fiellerLift, intervalAround } from '../stats/lift';
import { normalCdf, normalCritical, normalPValue } from '../stats/normal';
import { asymptoticConfidenceSequence } from '../stats/sequential';
import { studentTCritical } from '../stats/student-t';
import { type ArmSummary, type Maybe, type Sided, defined, undefinedBecause } from '../stats/sums';
import { twoProportionZTest } from '../stats/two-proportions';
import { welchTTest } from '../stats/welch';
import { armSummary } from './arm-summary';
import type { AnalysisSettings } from './settings';

// One treatment against the control on one metric, every way the issue asks: frequentist,
// Bayesian, sequential, CUPED, power. Differences are treatment − control; `improvement` is
// signed so that a positive value is good news, which flips for inverse metrics.

export type Verdict = 'BETTER' | 'WORSE' | 'INCONCLUSIVE';

export interface FrequentistTest {
  test: 'TWO_PROPORTION_Z' | 'WELCH_T';
  sided: Sided;
  statistic: number;
  degreesOfFreedom: number | null;
  pValue: number;
  /** Proportions: Welch's test with p(1 − p) variances, beside the pooled z-test. */
  welchPValue: number | null;
}

export interface BayesianSummary {
  model: 'BETA_BINOMIAL' | 'GAUSSIAN';
  /** Probability the treatment is better (lower, for inverse metrics). */
  chanceToBeBetter: number;
  /**
   * Expected loss of shipping the treatment / keeping the control: in rate points for
   * BETA_BINOMIAL, in relative lift for GAUSSIAN (absolute units when the control mean is 0).
   */
  riskOfShipping: number;
  riskOfKeeping: number;
  /** Credible interval of the relative lift (Gaussian model, with the prior when given). */
  liftCredibleInterval: Interval | null;
  liftCredibleIntervalReason: string | null;
  priorApplied: boolean;
}

export interface SequentialSummary {
  method: 'ASYMPTOTIC_CONFIDENCE_SEQUENCE';
  looks: number;
  tuningN: number;
  /** Always-valid interval of the difference (CUPED-adjusted when CUPED applies). */
  interval: Interval;
  pValue: number;
}

export interface CupedSummary {
  theta: number;
  thetaReason: string | null;
  /** 1 − Var(adjusted effect) / Var(unadjusted effect). */
  varianceReduction: number | null;
  adjustedDifference: number;
  adjustedStandardError: number;
  adjustedInterval: Interval;
  adjustedPValue: Maybe<number>;
  unadjustedDifference: number;
  unadjustedPValue: Maybe<number>;
}

export interface PowerSummary {
  /** Smallest true difference detectable now with the set power (absolute and relative). */
  mdeAbsolute: number;
  mdeRelative: Maybe<number>;
  /** Power to detect the target relative effect at the current sample. */
  powerAtTarget: Maybe<number>;
}

export interface Comparison {
  variantKey: string;
  difference: Maybe<number>;
  differenceInterval: Maybe<Interval>;
  relativeLift: Maybe<DeltaLift>;
  relativeLiftFieller: Maybe<Interval>;
  frequentist: Maybe<FrequentistTest>;
  bayesian: Maybe<BayesianSummary>;
  sequential: Maybe<SequentialSummary>;
  /** null when the metric has no covariate or CUPED is off. */
  cuped: Maybe<CupedSummary> | null;
  power: Maybe<PowerSummary>;
  /** Signed so that > 0 is better (CUPED-adjusted when CUPED applies). */
  improvement: number | null;
  /** The p-value the decision method uses (null for BAYESIAN or when undefined). */
  decisionPValue: number | null;
  /** After the multiple-comparison correction (goal metrics only; else equals the raw one). */
  adjustedPValue: number | null;
  verdict: Verdict;
}

/** Which way a one-sided test looks: goals for improvement, guardrails for harm. */
function sidedFor(metric: MetricSums, settings: AnalysisSettings): Sided {
  if (settings.sidedness === 'TWO_SIDED') {
    return 'two';
  }
  const up = metric.role === 'GUARDRAIL' ? metric.inverse : !metric.inverse;

  return up ? 'greater' : 'less';
}

/** Compares `treatment` with `control` on `metric`; the verdict is set later by `judge`. */
export function compareMetric(
  metric: MetricSums,
  control: ArmSums,
  treatment: ArmSums,
  settings: AnalysisSettings,
  looks: number,
): Comparison {
  const sided = sidedFor(metric, settings);
  const a = armSummary(metric.kind, control);
  const b = armSummary(metric.kind, treatment);
  const sign = metric.inverse ? -1 : 1;
  if (a.value === null || b.value === null) {
    const reason = (a.reason ?? b.reason) as NonNullable<typeof a.reason>;
    const none = undefinedBecause<never>(reason);

    return {
      variantKey: treatment.variantKey,
      difference: none,
      differenceInterval: none,
      relativeLift: none,
      relativeLiftFieller: none,
      frequentist: none,
      bayesian: none,
      sequential: none,
      cuped: null,
      power: none,
      improvement: null,
      decisionPValue: null,
      adjustedPValue: null,
      verdict: 'INCONCLUSIVE',
    };
  }
  const frequentist = frequentistTest(
    metric,
    control,
    treatment,
    a.value,
    b.value,
    settings,
    sided,
  );
  const adjusted = settings.cuped
    ? cupedSummary(metric, control, treatment, settings, sided)
    : null;
  const difference = b.value.mean - a.value.mean;
  const varianceOfDifference = a.value.variance / a.value.n + b.value.variance / b.value.n;
  // CUPED changes the estimate and its variance; the sequential test and the decision use them.
  const useCuped = adjusted?.value ?? null;
  const estimate = useCuped ? useCuped.adjustedDifference : difference;
  const effectVariance = useCuped ? useCuped.adjustedStandardError ** 2 : varianceOfDifference;
  const sequential = asymptoticConfidenceSequence({
    estimate,
    variance: effectVariance,
    n: a.value.n + b.value.n,
    alpha: settings.alpha,
    tuningN: settings.sequentialTuningN,
    looks,
  });
  const decisionPValue =
    settings.method === 'SEQUENTIAL'
      ? sequentialPValue(sequential.value?.pValue ?? null, estimate, sided)
      : settings.method === 'FREQUENTIST'
        ? ((useCuped ? useCuped.adjustedPValue.value : frequentist.value?.pValue) ?? null)
        : null;

  return {
    variantKey: treatment.variantKey,
    difference: defined(difference),
    differenceInterval: frequentist.value
      ? defined(
          intervalAround(
            difference,
            Math.sqrt(varianceOfDifference),
            differenceCritical(frequentist.value, settings.alpha, sided),
            sided,
          ),
        )
      : undefinedBecause(frequentist.reason ?? 'NOT_ENOUGH_DATA'),
    relativeLift: relativeLift(metric, control, treatment, a.value, b.value, settings, sided),
    relativeLiftFieller: fiellerLift(
      meanEstimate(a.value),
      meanEstimate(b.value),
      normalCritical(settings.alpha, 'two'),
    ),
    frequentist,
    bayesian: bayesian(metric, control, treatment, a.value, b.value, settings),
    sequential:
      sequential.value === null
        ? undefinedBecause(sequential.reason)
        : defined({
            method: sequential.value.method,
            looks,
            tuningN: settings.sequentialTuningN,
            interval: { lower: sequential.value.ci[0], upper: sequential.value.ci[1] },
            pValue: sequential.value.pValue,
          }),
    cuped: adjusted,
    power: power(a.value, Math.sqrt(effectVariance), settings, sided),
    improvement: sign * estimate,
    decisionPValue,
    adjustedPValue: decisionPValue,
    verdict: 'INCONCLUSIVE',
  };
}

/** Sets the verdict from the decision method, the (adjusted) p-value or the chance to win. */
export function judge(comparison: Comparison, settings: AnalysisSettings): Comparison {
  const better = (comparison.improvement ?? 0) > 0;
  let verdict: Verdict = 'INCONCLUSIVE';
  if (settings.method === 'BAYESIAN') {
    const chance = comparison.bayesian.value?.chanceToBeBetter;
    if (chance !== undefined && chance >= settings.chanceToWinThreshold) {
      verdict = 'BETTER';
    } else if (chance !== undefined && chance <= 1 - settings.chanceToWinThreshold) {
      verdict = 'WORSE';
    }
  } else if (
    comparison.adjustedPValue !== null &&
    comparison.adjustedPValue < settings.alpha &&
    comparison.improvement !== 0
  ) {
    verdict = better ? 'BETTER' : 'WORSE';
  }

  return { ...comparison, verdict };
}

/**
 * The confidence sequence is two-sided; a one-sided test keeps its evidence only in the direction
 * it looks (a goal that got worse must not be called WORSE by a test for improvement). Using the
 * two-sided p-value there is conservative: the error rate in the tested direction stays ≤ α.
 */
function sequentialPValue(pValue: number | null, estimate: number, sided: Sided): number | null {
  const against = (sided === 'greater' && estimate < 0) || (sided === 'less' && estimate > 0);

  return pValue === null || !against ? pValue : 1;
}

/**
 * The critical value of the difference interval: the test's own, so that the interval excludes
 * 0 exactly when its p-value is below α — Welch's t with its degrees of freedom for means and
 * ratios (a normal value would be too narrow for small samples), the normal one for the z-test.
 */
function differenceCritical(test: FrequentistTest, alpha: number, sided: Sided): number {
  return test.degreesOfFreedom === null
    ? normalCritical(alpha, sided)
    : studentTCritical(alpha, test.degreesOfFreedom, sided);
}

function meanEstimate(arm: ArmSummary) {
  return { mean: arm.mean, varianceOfMean: arm.variance / arm.n };
}

function frequentistTest(
  metric: MetricSums,
  control: ArmSums,
  treatment: ArmSums,
  a: ArmSummary,
  b: ArmSummary,
  settings: AnalysisSettings,
  sided: Sided,
): Maybe<FrequentistTest> {
  const welch = welchTTest({ control: a, treatment: b, alpha: settings.alpha, sided });
  if (metric.kind !== 'PROPORTION') {
    return welch.value === null
      ? welch
      : defined({
          test: 'WELCH_T',
          sided,
          statistic: welch.value.t,
          degreesOfFreedom: welch.value.df,
          pValue: welch.value.pValue,
          welchPValue: null,
        });
  }
  const z = twoProportionZTest({
    control: { n: control.n, conversions: control.sum },
    treatment: { n: treatment.n, conversions: treatment.sum },
    alpha: settings.alpha,
    sided,
  });
  if (z.value === null || z.value.zPooled.value === null || z.value.pValuePooled.value === null) {
    return undefinedBecause(z.reason ?? z.value?.zPooled.reason ?? 'ZERO_VARIANCE');
  }

  return defined({
    test: 'TWO_PROPORTION_Z',
    sided,
    statistic: z.value.zPooled.value,
    degreesOfFreedom: null,
    pValue: z.value.pValuePooled.value,
    welchPValue: welch.value?.pValue ?? null,
  });
}

function relativeLift(
  metric: MetricSums,
  control: ArmSums,
  treatment: ArmSums,
  a: ArmSummary,
  b: ArmSummary,
  settings: AnalysisSettings,
  sided: Sided,
): Maybe<DeltaLift> {
  if (metric.kind === 'PROPORTION') {
    const z = twoProportionZTest({
      control: { n: control.n, conversions: control.sum },
      treatment: { n: treatment.n, conversions: treatment.sum },
      alpha: settings.alpha,
      sided,
    });

    return z.value === null ? z : z.value.relativeLift;
  }
  const welch = welchTTest({ control: a, treatment: b, alpha: settings.alpha, sided });

  return welch.value === null ? welch : welch.value.relativeLift;
}

function bayesian(
  metric: MetricSums,
  control: ArmSums,
  treatment: ArmSums,
  a: ArmSummary,
  b: ArmSummary,
  settings: AnalysisSettings,
): Maybe<BayesianSummary> {
  const prior =
    settings.priorMean !== null && settings.priorSd !== null
      ? { mean: settings.priorMean, variance: settings.priorSd ** 2 }
      : null;
  const gaussian = bayesianEffectTest(a, b, {
    differenceType: 'relative',
    prior,
    credibleLevel: 1 - settings.alpha,
  });
  const interval = gaussian.value
    ? { lower: gaussian.value.ci[0], upper: gaussian.value.ci[1] }
    : null;
  const common = {
    liftCredibleInterval: interval,
    liftCredibleIntervalReason: gaussian.reason,
    priorApplied: prior !== null,
  };
  if (metric.kind === 'PROPORTION') {
    const beta = betaBinomialTest(
      { n: control.n, conversions: control.sum },
      { n: treatment.n, conversions: treatment.sum },
    );
    if (beta.value === null) {
      return beta;
    }
    const up = beta.value.probBBeatsA;

    return defined({
      model: 'BETA_BINOMIAL',
      chanceToBeBetter: metric.inverse ? 1 - up : up,
      riskOfShipping: metric.inverse
        ? beta.value.expectedLossChooseA
        : beta.value.expectedLossChooseB,
      riskOfKeeping: metric.inverse
        ? beta.value.expectedLossChooseB
        : beta.value.expectedLossChooseA,
      ...common,
    });
  }
  // Means and ratios: the posterior of the relative lift (with the prior when one is set, as
  // GrowthBook) gives the chance, the interval and the risks, in lift units. With a zero control
  // mean the lift is undefined and the absolute difference (flat prior) stands in.
  const posterior = gaussian.value
    ? gaussian
    : bayesianEffectTest(a, b, { differenceType: 'absolute', credibleLevel: 1 - settings.alpha });
  if (posterior.value === null) {
    return posterior;
  }
  const up = posterior.value.chanceToWin;

  return defined({
    model: 'GAUSSIAN',
    chanceToBeBetter: metric.inverse ? 1 - up : up,
    riskOfShipping: metric.inverse ? posterior.value.riskControl : posterior.value.riskTreatment,
    riskOfKeeping: metric.inverse ? posterior.value.riskTreatment : posterior.value.riskControl,
    ...common,
  });
}

function cupedSummary(
  metric: MetricSums,
  control: ArmSums,
  treatment: ArmSums,
  settings: AnalysisSettings,
  sided: Sided,
): Maybe<CupedSummary> | null {
  if (!control.covariate || !treatment.covariate || metric.kind === 'RATIO') {
    return null;
  }
  const sums = (arm: ArmSums & { covariate: NonNullable<ArmSums['covariate']> }) => ({
    n: arm.n,
    sumPre: arm.covariate.sum,
    sumPreSquares: arm.covariate.sumSquares,
    sumPost: arm.sum,
    sumPostSquares: arm.sumSquares,
    sumPrePost: arm.covariate.sumProducts,
  });
  const result = cuped(
    sums(control as Parameters<typeof sums>[0]),
    sums(treatment as Parameters<typeof sums>[0]),
  );
  if (result.value === null) {
    return result;
  }
  const { adjusted, unadjusted } = result.value;
  const critical = normalCritical(settings.alpha, sided);
  const pOf = (comparison: typeof adjusted): Maybe<number> =>
    comparison.z.value === null ? comparison.z : defined(normalPValue(comparison.z.value, sided));

  return defined({
    theta: result.value.theta,
    thetaReason: result.value.thetaReason,
    varianceReduction: result.value.effectVarianceReduction,
    adjustedDifference: adjusted.effect,
    adjustedStandardError: adjusted.se,
    adjustedInterval: intervalAround(adjusted.effect, adjusted.se, critical, sided),
    adjustedPValue: pOf(adjusted),
    unadjustedDifference: unadjusted.effect,
    unadjustedPValue: pOf(unadjusted),
  });
}

/**
 * MDE now, (z + z₁₋β)·se, and the power to detect the target effect, Φ(target·|baseline|/se − z),
 * with the critical value z of the test actually run: z₁₋α when ONE_SIDED, z₁₋α/₂ when TWO_SIDED.
 */
function power(
  control: ArmSummary,
  se: number,
  settings: AnalysisSettings,
  sided: Sided,
): Maybe<PowerSummary> {
  if (!(se > 0)) {
    return undefinedBecause('ZERO_VARIANCE');
  }
  const zAlpha = normalCritical(settings.alpha, sided);
  const zPower = normalCritical(1 - settings.power, 'greater');
  const mdeAbsolute = (zAlpha + zPower) * se;
  const baseline = Math.abs(control.mean);

  return defined({
    mdeAbsolute,
    mdeRelative: baseline > 0 ? defined(mdeAbsolute / baseline) : undefinedBecause('BASELINE_ZERO'),
    powerAtTarget:
      baseline > 0
        ? defined(normalCdf((settings.targetRelativeEffect * baseline) / se - zAlpha))
        : undefinedBecause('BASELINE_ZERO'),
  });
}
