// Sample ratio mismatch: do the observed arm sizes fit the configured traffic weights?
import { badInput } from '../../errors';
import { chiSquareSurvival } from './chi-square';
import { type Maybe, defined, undefinedBecause } from './sums';

/** GrowthBook's DEFAULT_SRM_THRESHOLD and Eppo's α for the SRM check. */
export const SRM_P_THRESHOLD = 0.001;
/** Below this many units in an arm the check is not run (too little data to judge). */
export const SRM_MIN_UNITS_PER_ARM = 8;

/** Inputs of {@link checkSampleRatio}; weights need not sum to 1. */
export interface SrmInput {
  observed: number[];
  weights: number[];
  threshold?: number;
  minUnitsPerArm?: number;
}

/** The goodness-of-fit result; `flagged` is true only when the check could run and failed. */
export interface SrmResult {
  observed: number[];
  expected: number[];
  chiSquare: number;
  df: number;
  pValue: Maybe<number>;
  /** Likelihood-ratio G = 2 Σ O ln(O/E), reported for comparison with G-test tools. */
  gStatistic: number;
  threshold: number;
  flagged: boolean;
  /** `SRM_DETECTED` when flagged, `NOT_ENOUGH_DATA` when an arm is below the minimum. */
  reason: 'SRM_DETECTED' | 'NOT_ENOUGH_DATA' | null;
}

/**
 * Chi-square goodness of fit of arm counts against weights (GrowthBook gbstats
 * `check_srm`; Fabijan et al. 2019, "Diagnosing Sample Ratio Mismatch"):
 * E_i = w_i/Σw · ΣO, χ² = Σ (O_i − E_i)²/E_i with k − 1 degrees of freedom, p = Q((k−1)/2, χ²/2).
 * Flagged when p < threshold (default 0.001) and every arm has at least `minUnitsPerArm` units.
 * Throws BAD_USER_INPUT when weights and counts differ in length, or a weight is not positive.
 */
export function checkSampleRatio(input: SrmInput): SrmResult {
  const { observed, weights } = input;
  const threshold = input.threshold ?? SRM_P_THRESHOLD;
  const minUnits = input.minUnitsPerArm ?? SRM_MIN_UNITS_PER_ARM;
  if (observed.length !== weights.length || observed.length < 2) {
    throw badInput('SRM needs one weight per arm and at least two arms', 'weights');
  }
  if (weights.some((w) => !(w > 0))) {
    throw badInput('Every traffic weight must be positive', 'weights');
  }
  const totalWeight = weights.reduce((s, w) => s + w, 0);
  const total = observed.reduce((s, o) => s + o, 0);
  const expected = weights.map((w) => (w / totalWeight) * total);
  let chiSquare = 0;
  let gStatistic = 0;
  observed.forEach((o, i) => {
    const e = expected[i];
    if (e > 0) {
      chiSquare += ((o - e) * (o - e)) / e;
      gStatistic += o > 0 ? 2 * o * Math.log(o / e) : 0;
    }
  });
  const df = observed.length - 1;
  const enough = observed.every((o) => o >= minUnits);
  const pValue: Maybe<number> =
    total > 0 ? defined(chiSquareSurvival(chiSquare, df)) : undefinedBecause('NOT_ENOUGH_DATA');
  const flagged = enough && pValue.value !== null && pValue.value < threshold;

  return {
    observed,
    expected,
    chiSquare,
    df,
    pValue,
    gStatistic,
    threshold,
    flagged,
    reason: flagged ? 'SRM_DETECTED' : enough ? null : 'NOT_ENOUGH_DATA',
  };
}
