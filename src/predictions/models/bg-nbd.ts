import { logBeta, logGamma } from '../../experiments/stats/special';
import { hyp2f1 } from './hypergeometric';
import { nelderMead } from './optimize';
import { type PurchaseSummary } from './purchase-summary';

// References: Fader, Hardie & Lee (2005), "Counting your customers the easy way: an alternative to
// the Pareto/NBD model", Marketing Science 24(2), 275–284; equation numbers below are the paper's.

/**
 * BG/NBD parameters: purchase rates λ ~ Gamma(shape r, rate α) while alive; after each purchase
 * the customer drops out with probability p ~ Beta(a, b). All positive; α is in the caller's time
 * unit.
 */
export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** Maximum-likelihood estimate with its log-likelihood. */
export interface BgNbdFit {
  params: BgNbdParams;
  logLikelihood: number;
  /** Nelder–Mead iterations over all restarts. */
  iterations: number;
  converged: boolean;
}

function isValid(p: BgNbdParams): boolean {
  return [p.r, p.alpha, p.a, p.b].every((v) => Number.isFinite(v) && v > 0);
}

function requireValid(p: BgNbdParams): void {
  if (!isValid(p)) {
    throw new RangeError(`BG/NBD parameters must be positive, got ${JSON.stringify(p)}`);
  }
}

// Eq. (9) and (10) divide by a − 1; their limit at a = 1 exists but needs another formula, and a
// fitted a equals 1 with probability zero.
function requireANotOne(p: BgNbdParams): void {
  if (p.a === 1) {
    throw new RangeError('BG/NBD expectations are not defined by eq. (9)/(10) at a = 1');
  }
}

function requireHorizon(t: number): void {
  if (!(t >= 0) || !Number.isFinite(t)) {
    throw new RangeError(`BG/NBD horizon must be finite and non-negative, got ${t}`);
  }
}

// Customers with the same (x, tₓ, T) contribute identical terms: CDNOW's 2,357 customers make
// about 1,000 distinct histories, and the one-time buyers collapse to one per first-purchase day.
interface HistoryGroup {
  x: number;
  tx: number;
  T: number;
  count: number;
}

function groupHistories(customers: readonly PurchaseSummary[]): HistoryGroup[] {
  const groups = new Map<string, HistoryGroup>();
  for (const { x, tx, T } of customers) {
    const key = `${x}|${tx}|${T}`;
    const group = groups.get(key);
    if (group) {
      group.count += 1;
    } else {
      groups.set(key, { x, tx, T, count: 1 });
    }
  }

  return [...groups.values()];
}

/**
 * Σ count · ln of eq. (6), with ln(A + B) formed stably as max + log1p(exp(min − max)). The terms
 * depending on x only (lnΓ(r+x) − lnΓ(r), ln B(a, b+x)) are computed once per distinct x.
 */
function groupedLogLikelihood(p: BgNbdParams, groups: readonly HistoryGroup[]): number {
  const { r, alpha, a, b } = p;
  const logBetaAB = logBeta(a, b);
  const logAlpha = Math.log(alpha);
  const byFrequency = new Map<number, number>();
  let total = 0;
  for (const { x, tx, T, count } of groups) {
    let common = byFrequency.get(x);
    if (common === undefined) {
      common = logGamma(r + x) - logGamma(r) + r * logAlpha + logBeta(a, b + x) - logBetaAB;
      byFrequency.set(x, common);
    }
    const survived = -(r + x) * Math.log(alpha + T);
    if (x === 0) {
      total += count * (common + survived);
      continue;
    }
    // B(a+1, b+x−1)/B(a, b+x) = a/(b+x−1): the customer dropped out right after the last purchase.
    const dropped = Math.log(a / (b + x - 1)) - (r + x) * Math.log(alpha + tx);
    const high = Math.max(survived, dropped);
    total += count * (common + high + Math.log1p(Math.exp(Math.min(survived, dropped) - high)));
  }

  return total;
}

/**
 * Log-likelihood of the BG/NBD model, the sum over customers of ln of eq. (6):
 * L = B(a, b+x)/B(a, b) · Γ(r+x)α^r / (Γ(r)(α+T)^(r+x))
 *   + δ(x>0) · B(a+1, b+x−1)/B(a, b) · Γ(r+x)α^r / (Γ(r)(α+tₓ)^(r+x)).
 * −∞ when a parameter is not positive (likelihood 0 outside the parameter space).
 */
export function bgNbdLogLikelihood(p: BgNbdParams, customers: readonly PurchaseSummary[]): number {
  return isValid(p) ? groupedLogLikelihood(p, groupHistories(customers)) : -Infinity;
}

const fromLog = (v: number[]): BgNbdParams => ({
  r: Math.exp(v[0]),
  alpha: Math.exp(v[1]),
  a: Math.exp(v[2]),
  b: Math.exp(v[3]),
});

const MAX_RESTARTS = 10;

/**
 * Maximum-likelihood BG/NBD fit (Fader, Hardie & Lee 2005, §3): Nelder–Mead on the logarithms of
 * (r, α, a, b), which keeps them positive, starting from (1, 1, 1, 1). The simplex is restarted
 * from the best point until a restart improves the log-likelihood by less than 1e-9 (at most 10
 * runs), the usual guard against Nelder–Mead stalling on a collapsed simplex.
 */
export function fitBgNbd(customers: readonly PurchaseSummary[]): BgNbdFit {
  const groups = groupHistories(customers);
  const objective = (v: number[]): number => -groupedLogLikelihood(fromLog(v), groups);
  let best = nelderMead(objective, [0, 0, 0, 0], { initialStep: 0.5, maxIterations: 2000 });
  let iterations = best.iterations;
  for (let run = 1; run < MAX_RESTARTS; run++) {
    const next = nelderMead(objective, best.x, { initialStep: 0.1, maxIterations: 2000 });
    iterations += next.iterations;
    const improvement = best.value - next.value;
    if (next.value <= best.value) {
      best = next;
    }
    if (improvement < 1e-9) {
      break;
    }
  }

  return {
    params: fromLog(best.x),
    logLikelihood: -best.value,
    iterations,
    converged: best.converged,
  };
}

/**
 * Expected number of purchases in (0, t] of a randomly chosen new customer, eq. (9):
 * E[X(t)] = (a+b−1)/(a−1) · [1 − (α/(α+t))^r ₂F₁(r, b; a+b−1; t/(α+t))].
 * Throws a RangeError for invalid parameters, a negative horizon or a = 1.
 */
export function expectedPurchases(p: BgNbdParams, t: number): number {
  requireValid(p);
  requireHorizon(t);
  requireANotOne(p);
  const { r, alpha, a, b } = p;
  const z = t / (alpha + t);

  return ((a + b - 1) / (a - 1)) * (1 - (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1, z));
}

/**
 * P(X(t) = n), the probability that a randomly chosen new customer makes n purchases in (0, t],
 * eq. (8):
 * B(a, b+n)/B(a, b) · Γ(r+n)/(Γ(r) n!) · (α/(α+t))^r (t/(α+t))^n
 * + δ(n>0) · B(a+1, b+n−1)/B(a, b) · [1 − (α/(α+t))^r Σ_{j<n} Γ(r+j)/(Γ(r) j!) (t/(α+t))^j].
 * (For n = 0 this is (α/(α+t))^r: the paper's P(X(39) = 0) = 0.5738 for CDNOW is this
 * population-level figure, not a conditional one.) Throws a RangeError for invalid parameters, a
 * negative horizon or n not a non-negative integer.
 */
export function probabilityOfPurchases(p: BgNbdParams, t: number, n: number): number {
  requireValid(p);
  requireHorizon(t);
  if (!Number.isInteger(n) || n < 0) {
    throw new RangeError(`P(X(t) = n) needs a non-negative integer n, got ${n}`);
  }
  const { r, alpha, a, b } = p;
  const logBetaAB = logBeta(a, b);
  const logStay = Math.log(alpha / (alpha + t));
  const logGo = n === 0 ? 0 : n * Math.log(t / (alpha + t));
  const alive = Math.exp(
    logBeta(a, b + n) -
      logBetaAB +
      logGamma(r + n) -
      logGamma(r) -
      logGamma(n + 1) +
      r * logStay +
      logGo,
  );
  if (n === 0) {
    return alive;
  }
  // Negative binomial probabilities of j < n purchases, by the recurrence of their ratios.
  const share = t / (alpha + t);
  let term = Math.exp(r * logStay);
  let below = 0;
  for (let j = 0; j < n; j++) {
    below += term;
    term *= ((r + j) / (j + 1)) * share;
  }

  return alive + Math.exp(logBeta(a + 1, b + n - 1) - logBetaAB) * (1 - below);
}

/**
 * P(alive | x, tₓ, T) = 1 / (1 + δ(x>0) · a/(b+x−1) · ((α+T)/(α+tₓ))^(r+x)) (Fader, Hardie &
 * Lee, "Computing P(alive) using the BG/NBD model", technical note, 2008; the denominator of eq.
 * (10)).
 *
 * It is 1 for every customer with x = 0: in BG/NBD a customer can only drop out right after a
 * repeat purchase, so a one-time buyer is "alive" by construction. It is therefore not a churn
 * probability. Throws a RangeError for invalid parameters.
 */
export function probabilityAlive(p: BgNbdParams, c: PurchaseSummary): number {
  requireValid(p);
  if (c.x === 0) {
    return 1;
  }
  const { r, alpha, a, b } = p;
  const odds = (a / (b + c.x - 1)) * Math.exp((r + c.x) * Math.log((alpha + c.T) / (alpha + c.tx)));

  return 1 / (1 + odds);
}

/**
 * Expected purchases in the next t time units of a customer with history (x, tₓ, T), eq. (10):
 * E[Y(t) | x, tₓ, T] = (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x)
 *   ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))] · P(alive | x, tₓ, T).
 * Throws a RangeError for invalid parameters, a negative horizon or a = 1.
 */
export function conditionalExpectedPurchases(
  p: BgNbdParams,
  t: number,
  c: PurchaseSummary,
): number {
  requireValid(p);
  requireANotOne(p);
  requireHorizon(t);
  const { r, alpha, a, b } = p;
  const { x, T } = c;
  const horizon = alpha + T + t;
  const bracket =
    1 - ((alpha + T) / horizon) ** (r + x) * hyp2f1(r + x, b + x, a + b + x - 1, t / horizon);

  return ((a + b + x - 1) / (a - 1)) * bracket * probabilityAlive(p, c);
}
