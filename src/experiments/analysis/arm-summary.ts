import type { ArmSums } from '../outcome-sums';
import type { MetricKind } from '../experiment-definition';
import { summarizeRatio } from '../stats/ratio';
import {
  type ArmSummary,
  type Maybe,
  defined,
  summarizeProportion,
  summarizeSums,
  undefinedBecause,
} from '../stats/sums';

/**
 * An arm's mean and per-unit variance for its metric kind: Bernoulli p(1 − p) for proportions
 * (as gbstats), the sample variance for means, the delta-method variance for ratios.
 */
export function armSummary(kind: MetricKind, arm: ArmSums): Maybe<ArmSummary> {
  if (kind === 'RATIO') {
    const d = arm.denominator;

    return d
      ? summarizeRatio({
          n: arm.n,
          sumNumerator: arm.sum,
          sumNumeratorSquares: arm.sumSquares,
          sumDenominator: d.sum,
          sumDenominatorSquares: d.sumSquares,
          sumProducts: d.sumProducts,
        })
      : undefinedBecause('NOT_ENOUGH_DATA');
  }
  // One customer's 0 or 1 says nothing about a rate's spread: p(1 − p) would be 0, not unknown.
  if (arm.n < 2) {
    return undefinedBecause('NOT_ENOUGH_DATA');
  }
  const summary = kind === 'PROPORTION' ? summarizeProportion(arm.n, arm.sum) : summarizeSums(arm);

  return summary ? defined(summary) : undefinedBecause('NOT_ENOUGH_DATA');
}
