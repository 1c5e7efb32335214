/**
 * A customer's purchase history in the form BG/NBD and Gamma-Gamma need (Fader, Hardie & Lee 2005),
 * in the caller's time unit (weeks for CDNOW).
 */
export interface PurchaseSummary {
  /** Number of repeat purchases: distinct purchase days in the calibration period minus one. */
  x: number;
  /** Time of the last purchase, measured from the first purchase (0 when x = 0). */
  tx: number;
  /** Time from the first purchase to the end of the calibration period. */
  T: number;
  /** Mean value of the repeat purchases (the first purchase excluded); 0 when x = 0. */
  meanValue: number;
}

/** One purchase as `summarizePurchases` reads it. */
export interface DatedPurchase {
  customer: string;
  /** Days since the epoch (integer), in the reporting time zone. */
  day: number;
  value: number;
}

/**
 * Summarises purchases per customer as of the end of a calibration period.
 *
 * Purchases on the same day are merged into one (values summed), as in Fader, Hardie & Lee's
 * CDNOW data preparation; purchases after `calibrationEndDay` are ignored, and customers whose
 * first purchase is after it are left out. Times are day differences divided by `unitDays`:
 * tx = (last − first)/unit and T = (calibrationEndDay − first)/unit, so the end day counts as
 * the end point (a first purchase on 1997-01-01 and an end on 1997-09-30 give T = 272/7 weeks,
 * as in the published CDNOW summary).
 */
export function summarizePurchases(
  purchases: readonly DatedPurchase[],
  calibrationEndDay: number,
  unitDays: number,
): Map<string, PurchaseSummary> {
  const byCustomer = new Map<string, Map<number, number>>();
  for (const { customer, day, value } of purchases) {
    if (day > calibrationEndDay) {
      continue;
    }
    let days = byCustomer.get(customer);
    if (!days) {
      days = new Map();
      byCustomer.set(customer, days);
    }
    days.set(day, (days.get(day) ?? 0) + value);
  }

  const summaries = new Map<string, PurchaseSummary>();
  for (const [customer, days] of byCustomer) {
    const ordered = [...days.keys()].sort((p, q) => p - q);
    const first = ordered[0];
    const last = ordered[ordered.length - 1];
    const x = ordered.length - 1;
    let repeatTotal = 0;
    for (const day of ordered.slice(1)) {
      repeatTotal += days.get(day)!;
    }
    summaries.set(customer, {
      x,
      tx: (last - first) / unitDays,
      T: (calibrationEndDay - first) / unitDays,
      meanValue: x === 0 ? 0 : repeatTotal / x,
    });
  }

  return summaries;
}
