import { logGamma } from '../../experiments/stats/special';
import { nelderMead } from './optimize';
import { type PurchaseSummary } from './purchase-summary';

// Reference: Fader, Hardie & Lee (2005), "RFM and CLV: using iso-value curves for customer base
// analysis", Journal of Marketing Research 42(4), 415–430, §"Spend per transaction", and Fader &
// Hardie, "The Gamma-Gamma model of monetary value" (2013 note).

/**
 * Gamma-Gamma spend parameters: each transaction's value ~ Gamma(p, ν) and the customer's ν ~
 * Gamma(q, v), so the customer's mean spend is p/ν. All positive; v is in currency units.
 */
export interface GammaGammaParams {
  p: number;
  q: number;
  v: number;
}

/** Maximum-likelihood estimate with its log-likelihood. */
export interface GammaGammaFit {
  params: GammaGammaParams;
  logLikelihood: number;
  converged: boolean;
}

function isValid(g: GammaGammaParams): boolean {
  return [g.p, g.q, g.v].every((v) => Number.isFinite(v) && v > 0);
}

function isRepeatBuyer(c: PurchaseSummary): boolean {
  return c.x >= 1 && c.meanValue > 0;
}

/**
 * Log-likelihood of the Gamma-Gamma model over repeat buyers: the density of the mean repeat
 * spend m̄ of x transactions,
 * f(m̄ | p, q, v, x) = Γ(px+q)/(Γ(px)Γ(q)) · v^q m̄^(px−1) x^(px) / (v + x·m̄)^(px+q).
 * Customers with x = 0 or a non-positive mean value carry no spend information and are skipped.
 * −∞ when a parameter is not positive.
 */
export function gammaGammaLogLikelihood(
  g: GammaGammaParams,
  buyers: readonly PurchaseSummary[],
): number {
  if (!isValid(g)) {
    return -Infinity;
  }
  const { p, q, v } = g;
  const constant = q * Math.log(v) - logGamma(q);
  let total = 0;
  for (const c of buyers) {
    if (!isRepeatBuyer(c)) {
      continue;
    }
    const px = p * c.x;
    total +=
      constant +
      logGamma(px + q) -
      logGamma(px) +
      (px - 1) * Math.log(c.meanValue) +
      px * Math.log(c.x) -
      (px + q) * Math.log(v + c.x * c.meanValue);
  }

  return total;
}

const fromLog = (w: number[]): GammaGammaParams => ({
  p: Math.exp(w[0]),
  q: Math.exp(w[1]),
  v: Math.exp(w[2]),
});

/**
 * Maximum-likelihood Gamma-Gamma fit: Nelder–Mead on ln(p, q, v) from (1, 1, 1), restarted once
 * from the optimum to escape a collapsed simplex. Only repeat buyers (x ≥ 1) are used.
 */
export function fitGammaGamma(buyers: readonly PurchaseSummary[]): GammaGammaFit {
  const objective = (w: number[]): number => -gammaGammaLogLikelihood(fromLog(w), buyers);
  const first = nelderMead(objective, [0, 0, 0], { initialStep: 0.5, maxIterations: 2000 });
  const second = nelderMead(objective, first.x, { initialStep: 0.1, maxIterations: 2000 });
  const best = second.value <= first.value ? second : first;

  return { params: fromLog(best.x), logLikelihood: -best.value, converged: best.converged };
}

/**
 * Expected mean transaction value of a customer, E[M | p, q, v, m̄, x] =
 * p(v + x·m̄)/(px + q − 1): a weighted average of the population mean pv/(q−1) and the
 * customer's own mean m̄, with weight px/(px+q−1) on m̄. For x = 0 it is the population mean
 * pv/(q−1). Throws a RangeError when the mean does not exist (q ≤ 1 for x = 0, px + q ≤ 1 in
 * general) or a parameter is not positive.
 */
export function conditionalExpectedSpend(g: GammaGammaParams, c: PurchaseSummary): number {
  const { p, q, v } = g;
  const denominator = p * c.x + q - 1;
  if (!isValid(g) || denominator <= 0) {
    throw new RangeError(`Gamma-Gamma expected spend is not defined for ${JSON.stringify(g)}`);
  }

  return (p * (v + c.x * c.meanValue)) / denominator;
}
