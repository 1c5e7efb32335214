// The chi-square distribution, for goodness-of-fit tests (sample ratio mismatch).
import { regularizedGammaP, regularizedGammaQ } from './special';

/**
 * Upper tail P(X > x) for k degrees of freedom: Q(k/2, x/2), the regularized upper incomplete
 * gamma function (A&S 26.4.19), computed directly so that tiny p-values do not underflow.
 */
export function chiSquareSurvival(x: number, df: number): number {
  return regularizedGammaQ(df / 2, x / 2);
}

/** P(X ≤ x) = P(k/2, x/2). */
export function chiSquareCdf(x: number, df: number): number {
  return regularizedGammaP(df / 2, x / 2);
}
