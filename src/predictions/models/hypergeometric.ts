import { logGamma } from '../../experiments/stats/special';

// Relative size of the bounded series tail at which a sum is accepted.
const TOLERANCE = 1e-15;
const MAX_TERMS = 100_000;
// Beyond |z| = 0.9 the plain series needs hundreds of terms; a transformation is used instead.
const SERIES_LIMIT = 0.9;
// The 1 − z transformation divides by Γ(c − a − b) ↔ Γ(a + b − c); closer than this to an integer
// its two terms cancel and lose more than three digits, so the plain series is kept there.
const INTEGER_GAP = 1e-3;

function isNonPositiveInteger(x: number): boolean {
  return x <= 0 && Number.isInteger(x);
}

/**
 * Gauss series Σ (a)ₙ(b)ₙ/(c)ₙ zⁿ/n!. Stops when the tail bound |tₙ|·ρ/(1 − ρ), with ρ the larger
 * of the current term ratio and |z| (the limit of the ratios), falls below 1e-15·|sum| — stricter
 * than |tₙ| < 1e-15·|sum| when z is close to 1. Terminates exactly when a or b is a non-positive
 * integer (polynomial case).
 */
function gaussSeries(a: number, b: number, c: number, z: number): number {
  let term = 1;
  let sum = 1;
  for (let n = 0; n < MAX_TERMS; n++) {
    const ratio = ((a + n) * (b + n) * z) / ((c + n) * (n + 1));
    term *= ratio;
    sum += term;
    if (term === 0) {
      return sum;
    }
    const rho = Math.max(Math.abs(ratio), Math.abs(z));
    if (rho < 1 && (Math.abs(term) * rho) / (1 - rho) < TOLERANCE * Math.abs(sum)) {
      return sum;
    }
  }
  throw new RangeError(`hyp2f1(${a}, ${b}; ${c}; ${z}) did not converge in ${MAX_TERMS} terms`);
}

/** Sign of Γ(x) for x not a non-positive integer: negative on (−1, 0), (−3, −2), … */
function gammaSign(x: number): number {
  return x > 0 || Math.floor(x) % 2 === 0 ? 1 : -1;
}

/** Π Γ(numerators) / Π Γ(denominators), with signs; 0 when a denominator is a pole of Γ. */
function gammaRatio(numerators: number[], denominators: number[]): number {
  if (denominators.some(isNonPositiveInteger)) {
    return 0;
  }
  let logValue = 0;
  let sign = 1;
  for (const x of numerators) {
    logValue += logGamma(x);
    sign *= gammaSign(x);
  }
  for (const x of denominators) {
    logValue -= logGamma(x);
    sign *= gammaSign(x);
  }

  return sign * Math.exp(logValue);
}

/**
 * Linear transformation to 1 − z (Abramowitz & Stegun 15.3.6), valid when c − a − b is not an
 * integer:
 * F(a,b;c;z) = Γ(c)Γ(c−a−b)/(Γ(c−a)Γ(c−b)) · F(a, b; a+b−c+1; 1−z)
 *            + (1−z)^(c−a−b) Γ(c)Γ(a+b−c)/(Γ(a)Γ(b)) · F(c−a, c−b; c−a−b+1; 1−z).
 */
function oneMinusZTransform(a: number, b: number, c: number, z: number): number {
  const y = 1 - z;
  const m = c - a - b;
  const first = gammaRatio([c, m], [c - a, c - b]);
  const second = gammaRatio([c, -m], [a, b]);
  const firstSeries = first === 0 ? 0 : first * gaussSeries(a, b, 1 - m, y);
  const secondSeries = second === 0 ? 0 : second * y ** m * gaussSeries(c - a, c - b, 1 + m, y);

  return firstSeries + secondSeries;
}

/**
 * Gauss hypergeometric function ₂F₁(a, b; c; z) for real arguments and z < 1 (the domain used by
 * BG/NBD, where z = t/(α + t) ∈ [0, 1)).
 *
 * - |z| ≤ 0.9: the Gauss series (A&S 15.1.1) with a tail bound (see `gaussSeries`), at most 10⁵
 *   terms.
 * - z < −0.9: Pfaff transformation F(a,b;c;z) = (1−z)^(−a) F(a, c−b; c; z/(z−1)) (A&S 15.3.4),
 *   which maps z into (0.47, 1).
 * - 0.9 < z < 1: the 1 − z linear transformation (A&S 15.3.6) when c − a − b is at least 1e-3 away
 *   from an integer; otherwise the Gauss series itself, which converges within 10⁵ terms up to
 *   z ≈ 0.9996.
 *
 * Throws a RangeError when z ≥ 1, when c is a non-positive integer (the function is undefined),
 * or when the series does not converge within 10⁵ terms.
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  if (!(z < 1) || !Number.isFinite(a + b + c + z)) {
    throw new RangeError(`hyp2f1 needs finite arguments and z < 1, got z = ${z}`);
  }
  if (isNonPositiveInteger(c)) {
    throw new RangeError(`hyp2f1 is undefined for c = ${c}`);
  }
  if (z < -SERIES_LIMIT) {
    return (1 - z) ** -a * hyp2f1(a, c - b, c, z / (z - 1));
  }
  const m = c - a - b;
  if (z > SERIES_LIMIT && Math.abs(m - Math.round(m)) > INTEGER_GAP) {
    return oneMinusZTransform(a, b, c, z);
  }

  return gaussSeries(a, b, c, z);
}
