// Welch's unequal-variance t-test on two arm summaries (control A, treatment B).
import { type DeltaLift, type Interval, deltaMethodLift, intervalAround } from './lift';
import { normalPValue } from './normal';
import { studentTCritical, studentTPValue } from './student-t';
import { type ArmSummary, type Maybe, type Sided, defined, undefinedBecause } from './sums';

/** Inputs of {@link welchTTest}; α defaults to 0.05, the test to two-sided. */
export interface WelchInput {
  control: ArmSummary;
  treatment: ArmSummary;
  alpha?: number;
  sided?: Sided;
}

/** Everything the Welch test reports. */
export interface WelchResult {
  alpha: number;
  sided: Sided;
  absDiff: number;
  se: number;
  t: number;
  df: number;
  pValue: number;
  /** What a z-test on the same statistic would report (for comparison with z-based tools). */
  pValueNormalApprox: number;
  tCritical: number;
  absDiffInterval: Interval;
  relativeLift: Maybe<DeltaLift>;
}

/**
 * Welch's t-test (Welch 1947; GrowthBook gbstats TwoSidedTTest):
 * se = √(s_A²/n_A + s_B²/n_B), t = (μ_B − μ_A)/se, Welch–Satterthwaite
 * ν = (s_A²/n_A + s_B²/n_B)² / ((s_A²/n_A)²/(n_A−1) + (s_B²/n_B)²/(n_B−1)); p-value from the t
 * survival function, interval μ_B − μ_A ± t_{1−α/2, ν}·se, relative lift by the delta method
 * with the same critical value. For proportions pass {@link summarizeProportion} summaries.
 * Null with `NOT_ENOUGH_DATA` when an arm has fewer than 2 units, `ZERO_VARIANCE` when se = 0.
 */
export function welchTTest(input: WelchInput): Maybe<WelchResult> {
  const { control, treatment } = input;
  const alpha = input.alpha ?? 0.05;
  const sided = input.sided ?? 'two';
  if (control.n < 2 || treatment.n < 2) {
    return undefinedBecause('NOT_ENOUGH_DATA');
  }
  const vA = control.variance / control.n;
  const vB = treatment.variance / treatment.n;
  const se = Math.sqrt(vA + vB);
  if (se === 0) {
    return undefinedBecause('ZERO_VARIANCE');
  }
  const absDiff = treatment.mean - control.mean;
  const t = absDiff / se;
  const df = (vA + vB) ** 2 / ((vA * vA) / (control.n - 1) + (vB * vB) / (treatment.n - 1));
  const tCritical = studentTCritical(alpha, df, sided);

  return defined({
    alpha,
    sided,
    absDiff,
    se,
    t,
    df,
    pValue: studentTPValue(t, df, sided),
    pValueNormalApprox: normalPValue(t, sided),
    tCritical,
    absDiffInterval: intervalAround(absDiff, se, tCritical, sided),
    relativeLift: deltaMethodLift(
      { mean: control.mean, varianceOfMean: vA },
      { mean: treatment.mean, varianceOfMean: vB },
      tCritical,
      sided,
    ),
  });
}
