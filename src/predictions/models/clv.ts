import { type BgNbdParams, conditionalExpectedPurchases } from './bg-nbd';
import { conditionalExpectedSpend, type GammaGammaParams } from './gamma-gamma';
import { type PurchaseSummary } from './purchase-summary';

/** Options of `customerLifetimeValue`. */
export interface LifetimeValueOptions {
  /** Horizon in months. Defaults to 12. */
  months?: number;
  /** Annual discount rate, e.g. 0.10 for 10 %; converted to a monthly rate. Defaults to 0.10. */
  annualDiscountRate?: number;
  /** Model time units per month (the unit of the BG/NBD fit), e.g. 4.345 for weeks. */
  unitsPerMonth: number;
}

/**
 * Discounted expected value of a customer over the next `months` months, combining BG/NBD
 * purchases with Gamma-Gamma spend (Fader, Hardie & Lee 2005, "RFM and CLV", §CLV; the
 * month-by-month discounting of the `lifetimes` package):
 * CLV = Σ_{m=1..M} (E[Y(m·u) | x, tₓ, T] − E[Y((m−1)·u) | x, tₓ, T]) · E[M | x, m̄] / (1 + d)^m,
 * with u = unitsPerMonth and d = (1 + annual rate)^(1/12) − 1 the equivalent monthly rate.
 * Throws a RangeError when an ingredient is undefined (see `conditionalExpectedPurchases` and
 * `conditionalExpectedSpend`).
 */
export function customerLifetimeValue(
  bg: BgNbdParams,
  gg: GammaGammaParams,
  c: PurchaseSummary,
  options: LifetimeValueOptions,
): number {
  const months = options.months ?? 12;
  const monthlyRate = (1 + (options.annualDiscountRate ?? 0.1)) ** (1 / 12) - 1;
  const spend = conditionalExpectedSpend(gg, c);
  let value = 0;
  let before = 0;
  for (let m = 1; m <= months; m++) {
    const upTo = conditionalExpectedPurchases(bg, m * options.unitsPerMonth, c);
    value += ((upTo - before) * spend) / (1 + monthlyRate) ** m;
    before = upTo;
  }

  return value;
}
