// The standard normal distribution. Tails come from erfc(x) = Q(1/2, x²) so that survival
// probabilities keep relative precision far into the tail.
import { regularizedGammaQ } from './special';
import { type Sided } from './sums';

/**
 * Survival function of the standard normal, 1 − Φ(z) = ½ erfc(z/√2), computed without the
 * subtraction: erfc(x) = Q(½, x²) for x ≥ 0 (Abramowitz & Stegun 7.1.2, 6.5.17).
 */
export function normalSurvival(z: number): number {
  if (Number.isNaN(z)) {
    return NaN;
  }
  const tail = 0.5 * regularizedGammaQ(0.5, (z * z) / 2);

  return z >= 0 ? tail : 1 - tail;
}

/** Φ(z), the standard normal cumulative distribution function; Φ(z) = 1 − Φ(−z) exactly. */
export function normalCdf(z: number): number {
  return normalSurvival(-z);
}

/** Standard normal density φ(z) = e^(−z²/2) / √(2π). */
export function normalPdf(z: number): number {
  return Math.exp((-z * z) / 2) / Math.sqrt(2 * Math.PI);
}

/** Two-sided p-value 2(1 − Φ(|z|)) = erfc(|z|/√2), from the survival function. */
export function normalTwoSidedP(z: number): number {
  return Math.min(1, 2 * normalSurvival(Math.abs(z)));
}

/** p-value of a z statistic for the alternative B ≠ A, B > A (upper tail) or B < A (lower). */
export function normalPValue(z: number, sided: Sided): number {
  if (sided === 'greater') {
    return normalSurvival(z);
  }

  return sided === 'less' ? normalSurvival(-z) : normalTwoSidedP(z);
}

/** Critical value z with P(|Z| > z) = α (two-sided) or P(Z > z) = α (one-sided). */
export function normalCritical(alpha: number, sided: Sided): number {
  return -normalQuantile(sided === 'two' ? alpha / 2 : alpha);
}

const A = [
  3.387132872796366608, 133.14166789178437745, 1971.5909503065514427, 13731.693765509461125,
  45921.953931549871457, 67265.770927008700853, 33430.575583588128105, 2509.0809287301226727,
];
const B = [
  1, 42.313330701600911252, 687.1870074920579083, 5394.1960214247511077, 21213.794301586595867,
  39307.89580009271061, 28729.085735721942674, 5226.495278852854561,
];
const C = [
  1.42343711074968357734, 4.6303378461565452959, 5.7694972214606914055, 3.64784832476320460504,
  1.27045825245236838258, 0.24178072517745061177, 0.0227238449892691845833,
  7.7454501427834140764e-4,
];
const D = [
  1, 2.05319162663775882187, 1.6763848301838038494, 0.68976733498510000455, 0.14810397642748007459,
  0.0151986665636164571966, 5.475938084995344946e-4, 1.05075007164441684324e-9,
];
const E = [
  6.6579046435011037772, 5.4637849111641143699, 1.7848265399172913358, 0.29656057182850489123,
  0.026532189526576123093, 0.0012426609473880784386, 2.71155556874348757815e-5,
  2.01033439929228813265e-7,
];
const F = [
  1, 0.59983220655588793769, 0.13692988092273580531, 0.0148753612908506148525,
  7.868691311456132591e-4, 1.8463183175100546818e-5, 1.4215117583164458887e-7,
  2.04426310338993978564e-15,
];

function polynomial(coefficients: number[], x: number): number {
  let value = 0;
  for (let i = coefficients.length - 1; i >= 0; i--) {
    value = value * x + coefficients[i];
  }

  return value;
}

/**
 * Quantile Φ⁻¹(p) of the standard normal for 0 < p < 1 (±Infinity at 0 and 1).
 *
 * Wichura's algorithm AS 241 (PPND16), Applied Statistics 37 (1988) 477–484: rational
 * approximations on three ranges, relative accuracy about 1e-16.
 */
export function normalQuantile(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) {
    return NaN;
  }
  if (p === 0) {
    return -Infinity;
  }
  if (p === 1) {
    return Infinity;
  }
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;

    return (q * polynomial(A, r)) / polynomial(B, r);
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let value: number;
  if (r <= 5) {
    r -= 1.6;
    value = polynomial(C, r) / polynomial(D, r);
  } else {
    r -= 5;
    value = polynomial(E, r) / polynomial(F, r);
  }

  return q < 0 ? -value : value;
}
