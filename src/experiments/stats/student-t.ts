// Student's t distribution with real (Welch–Satterthwaite) degrees of freedom.
import { normalQuantile } from './normal';
import { logGamma, regularizedBeta } from './special';
import { type Sided } from './sums';

/**
 * Survival function P(T > t) for ν degrees of freedom (ν > 0, not necessarily an integer).
 *
 * For t ≥ 0, P(T > t) = ½ I_x(ν/2, ½) with x = ν/(ν + t²) (Abramowitz & Stegun 26.7.1,
 * 26.5.27); 1 − x is passed as t²/(ν + t²) so that neither tail loses precision.
 */
export function studentTSurvival(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) {
    return NaN;
  }
  const t2 = t * t;
  const tail = 0.5 * regularizedBeta(df / (df + t2), df / 2, 0.5, t2 / (df + t2));

  return t >= 0 ? tail : 1 - tail;
}

/** Cumulative distribution P(T ≤ t) = P(T > −t) by symmetry. */
export function studentTCdf(t: number, df: number): number {
  return studentTSurvival(-t, df);
}

/** Two-sided p-value 2 P(T > |t|) (GrowthBook gbstats TwoSidedTTest.p_value). */
export function studentTTwoSidedP(t: number, df: number): number {
  return Math.min(1, 2 * studentTSurvival(Math.abs(t), df));
}

/** Density Γ((ν+1)/2) / (√(νπ) Γ(ν/2)) · (1 + t²/ν)^(−(ν+1)/2). */
export function studentTPdf(t: number, df: number): number {
  const logDensity =
    logGamma((df + 1) / 2) -
    logGamma(df / 2) -
    0.5 * Math.log(df * Math.PI) -
    ((df + 1) / 2) * Math.log1p((t * t) / df);

  return Math.exp(logDensity);
}

/**
 * Quantile F⁻¹(p; ν) for 0 < p < 1 (±Infinity at 0 and 1). The tail probability min(p, 1 − p)
 * is solved for directly, so p = 1e-20 gives a finite quantile rather than going through 1 − p.
 */
export function studentTQuantile(p: number, df: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1 || !(df > 0)) {
    return NaN;
  }
  if (p === 0.5) {
    return 0;
  }

  return p < 0.5 ? -upperTailQuantile(p, df) : upperTailQuantile(1 - p, df);
}

/**
 * The t > 0 with P(T > t) = q, for 0 ≤ q < ½: Newton's method on the survival function, started
 * from the normal quantile with the Cornish–Fisher correction (A&S 26.7.5) and kept inside a
 * bisection bracket so it cannot diverge for small ν.
 */
function upperTailQuantile(q: number, df: number): number {
  if (q === 0) {
    return Infinity;
  }
  const z = -normalQuantile(q);
  let t = z + (z * z * z + z) / (4 * df);
  let low = 0;
  let high = Infinity;
  for (let i = 0; i < 500; i++) {
    const excess = studentTSurvival(t, df) - q;
    if (excess > 0) {
      low = t;
    } else {
      high = t;
    }
    let next = t + excess / studentTPdf(t, df);
    if (!(next > low && next < high)) {
      next = Number.isFinite(high) ? (low + high) / 2 : 2 * Math.max(t, 1);
    }
    if (Math.abs(next - t) <= 1e-15 * Math.abs(next)) {
      return next;
    }
    t = next;
  }

  return t;
}

/** p-value of a t statistic for the alternative B ≠ A, B > A (upper tail) or B < A (lower). */
export function studentTPValue(t: number, df: number, sided: Sided): number {
  if (sided === 'greater') {
    return studentTSurvival(t, df);
  }

  return sided === 'less' ? studentTSurvival(-t, df) : studentTTwoSidedP(t, df);
}

/** Critical value t with P(|T| > t) = α (two-sided) or P(T > t) = α (one-sided). */
export function studentTCritical(alpha: number, df: number, sided: Sided): number {
  return -studentTQuantile(sided === 'two' ? alpha / 2 : alpha, df);
}
