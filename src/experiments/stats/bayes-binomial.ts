import { badInput } from '../../errors';
import { logBeta, regularizedBeta } from './special';
import { type Maybe, defined, undefinedBecause } from './sums';

/** Conversions of one arm: `conversions` of `n` exposed units converted. */
export interface ConversionCounts {
  n: number;
  conversions: number;
}

/** A Beta(alpha, beta) posterior over an arm's conversion rate. */
export interface BetaPosterior {
  alpha: number;
  beta: number;
}

/** Beta-binomial comparison of a treatment (B) with the control (A). */
export interface BetaBinomialComparison {
  posteriorControl: BetaPosterior;
  posteriorTreatment: BetaPosterior;
  posteriorMeanControl: number;
  posteriorMeanTreatment: number;
  /** P(p_B > p_A), exact. */
  probBBeatsA: number;
  /** E[max(p_A − p_B, 0)] in conversion-rate units: what shipping B is expected to cost. */
  expectedLossChooseB: number;
  /** E[max(p_B − p_A, 0)] in conversion-rate units: what keeping A is expected to cost. */
  expectedLossChooseA: number;
}

/**
 * Posterior Beta(1 + conversions, 1 + n − conversions) of a conversion rate under the uniform
 * Beta(1, 1) prior. Throws BAD_USER_INPUT unless n and conversions are integers with
 * 0 ≤ conversions ≤ n; `field` names the offending input.
 */
export function betaPosterior(counts: ConversionCounts, field = 'counts'): BetaPosterior {
  const { n, conversions } = counts;
  if (!Number.isInteger(n) || n < 0) {
    throw badInput(`n must be a non-negative integer, got ${n}`, `${field}.n`);
  }
  if (!Number.isInteger(conversions) || conversions < 0 || conversions > n) {
    throw badInput(
      `conversions must be an integer between 0 and n (${n}), got ${conversions}`,
      `${field}.conversions`,
    );
  }

  return { alpha: 1 + conversions, beta: 1 + n - conversions };
}

/** Mean α / (α + β) of a Beta posterior. */
export function betaMean(p: BetaPosterior): number {
  return p.alpha / (p.alpha + p.beta);
}

/**
 * Exact P(X > Y) for X ~ Beta(αX, βX), Y ~ Beta(αY, βY), with at least one α an integer
 * (always true under the uniform prior). Evan Miller, "Formulas for Bayesian A/B Testing" (2015):
 * P(X > Y) = Σ_{i=0}^{αX−1} B(αY + i, βY + βX) / ((βX + i) B(1 + i, βX) B(αY, βY)),
 * evaluated through log-beta at the largest term and the ratio of consecutive terms, so tiny
 * probabilities keep their relative precision. When only αY is an integer the result is
 * 1 − P(Y > X) (ties have probability 0).
 */
export function probabilityGreater(x: BetaPosterior, y: BetaPosterior): number {
  const xIntegral = Number.isInteger(x.alpha);
  const yIntegral = Number.isInteger(y.alpha);
  if (!xIntegral && !yIntegral) {
    throw badInput(
      `one posterior alpha must be an integer, got ${x.alpha} and ${y.alpha}`,
      'posterior.alpha',
    );
  }
  if (xIntegral) {
    return millerSum(x, y);
  }

  return Math.min(1, Math.max(0, 1 - millerSum(y, x)));
}

// Consecutive terms differ by r(i) = (αY + i)(βX + i) / ((αY + βY + βX + i)(1 + i)), and
// r(i) > 1 exactly while i < i* = (αY βX − αY − βY − βX) / (βY + 1) (the condition is linear
// in i), so the terms rise to one peak and then fall. The sum starts at the peak, evaluated by
// log-beta, walks both ways by the ratio relative to the peak (no underflow, one multiplication
// per term) and stops once a term is below 1e-20 of the sum: even a million smaller terms add
// less than 1e-14.
const NEGLIGIBLE = 1e-20;

function millerSum(x: BetaPosterior, y: BetaPosterior): number {
  const ratio = (i: number) =>
    ((y.alpha + i) * (x.beta + i)) / ((y.alpha + y.beta + x.beta + i) * (1 + i));
  const last = x.alpha - 1;
  const crossing = (y.alpha * x.beta - y.alpha - y.beta - x.beta) / (y.beta + 1);
  const peak = Math.min(last, Math.max(0, Math.ceil(crossing)));
  const logPeak =
    logBeta(y.alpha + peak, y.beta + x.beta) -
    Math.log(x.beta + peak) -
    logBeta(1 + peak, x.beta) -
    logBeta(y.alpha, y.beta);
  let scaled = 1;
  let term = 1;
  for (let i = peak; i < last && term > NEGLIGIBLE * scaled; i++) {
    term *= ratio(i);
    scaled += term;
  }
  term = 1;
  for (let i = peak - 1; i >= 0 && term > NEGLIGIBLE * scaled; i--) {
    term /= ratio(i);
    scaled += term;
  }

  return Math.min(1, Math.exp(logPeak) * scaled);
}

/**
 * Expected loss E[max(p_Y − p_X, 0)] of choosing X over Y, in rate units. Uses
 * x·Beta(x; α, β) = α/(α+β) · Beta(x; α+1, β) (Chris Stucchio, "Bayesian A/B Testing at VWO",
 * 2015; Evan Miller's sums): E[p_Y 1{p_Y > p_X}] = E[p_Y] P(Y⁺ > X) with Y⁺ ~ Beta(αY + 1, βY),
 * so the loss is E[p_Y] P(Y⁺ > X) − E[p_X] P(Y > X⁺). Rounding below 0 is clamped to 0.
 */
export function expectedLoss(chosen: BetaPosterior, other: BetaPosterior): number {
  const otherUp = { alpha: other.alpha + 1, beta: other.beta };
  const chosenUp = { alpha: chosen.alpha + 1, beta: chosen.beta };
  const loss =
    betaMean(other) * probabilityGreater(otherUp, chosen) -
    betaMean(chosen) * probabilityGreater(other, chosenUp);

  return Math.max(0, loss);
}

/**
 * Beta-binomial A/B comparison with uniform priors: posteriors, their means, exact P(B > A) and
 * the expected loss of either choice. Null with NOT_ENOUGH_DATA when an arm has no units (the
 * numbers would only restate the prior).
 */
export function betaBinomialTest(
  control: ConversionCounts,
  treatment: ConversionCounts,
): Maybe<BetaBinomialComparison> {
  const a = betaPosterior(control, 'control');
  const b = betaPosterior(treatment, 'treatment');
  if (control.n === 0 || treatment.n === 0) {
    return undefinedBecause('NOT_ENOUGH_DATA');
  }

  return defined({
    posteriorControl: a,
    posteriorTreatment: b,
    posteriorMeanControl: betaMean(a),
    posteriorMeanTreatment: betaMean(b),
    probBBeatsA: probabilityGreater(b, a),
    expectedLossChooseB: expectedLoss(b, a),
    expectedLossChooseA: expectedLoss(a, b),
  });
}

// 20-point Gauss–Legendre nodes and weights on [−1, 1], by Newton's method on P_20 (Numerical
// Recipes §4.6 `gauleg`); computed once at load.
const GAUSS_ORDER = 20;
const GAUSS = gaussLegendre(GAUSS_ORDER);
// Each arm's density is integrated where it is within e^−50 (≈ 2e−22) of its peak.
const LOG_DENSITY_DROP = 50;
// Panels are two of the narrowest relevant posterior standard deviations wide; a 20-point rule
// integrates a Gaussian-shaped factor over such a panel to rounding error.
const PANEL_SDS = 2;
const MAX_PANELS = 4096;

interface Support {
  lo: number;
  hi: number;
  sd: number;
  logNorm: number;
}

/**
 * Probability that each arm has the highest conversion rate,
 * P(i is best) = ∫ f_i(x) Π_{j≠i} F_j(x) dx (f = Beta density, F = regularized incomplete beta),
 * integrated deterministically with composite 20-point Gauss–Legendre. Arm i is integrated over
 * where its density is within e^−50 of its peak, cut below where another arm's F_j is still
 * negligible, in panels two of the narrowest overlapping posterior sd wide. Needs two arms.
 */
export function probabilityEachBest(posteriors: BetaPosterior[]): number[] {
  if (posteriors.length < 2) {
    throw badInput(`at least two arms are needed, got ${posteriors.length}`, 'posteriors');
  }
  const supports = posteriors.map(support);

  return posteriors.map((arm, i) => {
    const own = supports[i];
    const lo = Math.max(
      ...supports.map((other, j) => (j === i ? own.lo : Math.max(own.lo, other.lo))),
    );
    const hi = own.hi;
    if (!(hi > lo)) {
      return 0;
    }
    const scale = Math.min(
      ...supports.filter((other) => other.lo < hi && other.hi > lo).map((other) => other.sd),
    );
    const panels = Math.min(MAX_PANELS, Math.max(8, Math.ceil((hi - lo) / (PANEL_SDS * scale))));
    const width = (hi - lo) / panels;
    let total = 0;
    for (let panel = 0; panel < panels; panel++) {
      const mid = lo + (panel + 0.5) * width;
      for (let k = 0; k < GAUSS_ORDER; k++) {
        const x = mid + (GAUSS.nodes[k] * width) / 2;
        let logIntegrand = logDensity(x, arm, own.logNorm);
        for (let j = 0; j < posteriors.length && logIntegrand > -Infinity; j++) {
          if (j !== i) {
            logIntegrand += Math.log(regularizedBeta(x, posteriors[j].alpha, posteriors[j].beta));
          }
        }
        total += (GAUSS.weights[k] * width * Math.exp(logIntegrand)) / 2;
      }
    }

    return Math.min(1, total);
  });
}

function logDensity(x: number, arm: BetaPosterior, logNorm: number): number {
  // Written out so that α = 1 or β = 1 gives a finite density at the end points (0 · ln 0).
  const left = arm.alpha === 1 ? 0 : (arm.alpha - 1) * Math.log(x);
  const right = arm.beta === 1 ? 0 : (arm.beta - 1) * Math.log1p(-x);

  return left + right - logNorm;
}

// The log density is concave for α, β ≥ 1, so the points where it has fallen LOG_DENSITY_DROP
// below the mode are found by bisection on either side of the mode.
function support(arm: BetaPosterior): Support {
  const { alpha, beta } = arm;
  const logNorm = logBeta(alpha, beta);
  const sd = Math.sqrt((alpha * beta) / ((alpha + beta) ** 2 * (alpha + beta + 1)));
  const mode = alpha + beta > 2 ? (alpha - 1) / (alpha + beta - 2) : 0.5;
  const floor = logDensity(mode, arm, logNorm) - LOG_DENSITY_DROP;
  const edge = (inside: number, outside: number) => {
    if (logDensity(outside, arm, logNorm) >= floor) {
      return outside;
    }
    let a = inside;
    let b = outside;
    for (let step = 0; step < 200 && Math.abs(b - a) > 1e-15; step++) {
      const m = (a + b) / 2;
      if (logDensity(m, arm, logNorm) >= floor) {
        a = m;
      } else {
        b = m;
      }
    }

    return b;
  };

  return { lo: edge(mode, 0), hi: edge(mode, 1), sd, logNorm };
}

function gaussLegendre(order: number): { nodes: number[]; weights: number[] } {
  const nodes = new Array<number>(order);
  const weights = new Array<number>(order);
  for (let i = 0; i < Math.ceil(order / 2); i++) {
    let z = Math.cos((Math.PI * (i + 0.75)) / (order + 0.5));
    let derivative = 0;
    for (let iteration = 0; iteration < 100; iteration++) {
      let p1 = 1;
      let p2 = 0;
      for (let j = 1; j <= order; j++) {
        const p3 = p2;
        p2 = p1;
        p1 = ((2 * j - 1) * z * p2 - (j - 1) * p3) / j;
      }
      derivative = (order * (z * p1 - p2)) / (z * z - 1);
      const step = p1 / derivative;
      z -= step;
      if (Math.abs(step) < 1e-15) {
        break;
      }
    }
    nodes[i] = -z;
    nodes[order - 1 - i] = z;
    weights[i] = 2 / ((1 - z * z) * derivative * derivative);
    weights[order - 1 - i] = weights[i];
  }

  return { nodes, weights };
}
