import type { VariantDefinition } from '../experiment-definition';
import type { MetricSums } from '../outcome-sums';
import type { Interval } from '../stats/lift';
import { normalCritical } from '../stats/normal';
import { summarizeSums } from '../stats/sums';

/** Incremental revenue and return of one treatment against the control (e.g. a holdout). */
export interface CampaignReturn {
  variantKey: string;
  revenueMetricKey: string;
  /** Treated (exposed) customers of the treatment. */
  customers: number;
  /** (mean revenue per customer of the treatment − of the control) × customers; null without data. */
  incrementalRevenue: number | null;
  incrementalRevenueInterval: Interval | null;
  /** (cost per customer of the treatment − of the control) × customers. */
  incrementalCost: number;
  /** (incremental revenue − incremental cost) / incremental cost; null when nothing was spent. */
  returnOnInvestment: number | null;
  returnOnInvestmentReason: 'NO_INCREMENTAL_COST' | 'NOT_ENOUGH_DATA' | null;
}

/**
 * Campaign return of every treatment for which a cost is set (on it or on the control), from
 * the first MEAN metric of order revenue. Incremental revenue scales the per-customer
 * difference of means (and its normal interval) by the treatment's exposed customers.
 */
export function campaignReturns(
  variants: readonly VariantDefinition[],
  metrics: readonly MetricSums[],
  alpha: number,
): CampaignReturn[] {
  const revenue = metrics.find((metric) => metric.measuresRevenue);
  const control = variants.find((variant) => variant.isControl);
  if (!revenue || !control) {
    return [];
  }
  const controlArm = revenue.arms.find((arm) => arm.variantKey === control.key);
  const a = controlArm && summarizeSums(controlArm);

  return variants
    .filter((v) => !v.isControl && (v.costPerCustomer !== null || control.costPerCustomer !== null))
    .map((variant) => {
      const arm = revenue.arms.find((candidate) => candidate.variantKey === variant.key);
      const customers = arm?.n ?? 0;
      const b = arm && summarizeSums(arm);
      const incrementalCost =
        ((variant.costPerCustomer ?? 0) - (control.costPerCustomer ?? 0)) * customers;
      const base = { variantKey: variant.key, revenueMetricKey: revenue.metricKey, customers };
      if (!a || !b) {
        return {
          ...base,
          incrementalRevenue: null,
          incrementalRevenueInterval: null,
          incrementalCost,
          returnOnInvestment: null,
          returnOnInvestmentReason: 'NOT_ENOUGH_DATA' as const,
        };
      }
      const perCustomer = b.mean - a.mean;
      const se = Math.sqrt(a.variance / a.n + b.variance / b.n);
      const margin = normalCritical(alpha, 'two') * se * customers;
      const incrementalRevenue = perCustomer * customers;

      return {
        ...base,
        incrementalRevenue,
        incrementalRevenueInterval: {
          lower: incrementalRevenue - margin,
          upper: incrementalRevenue + margin,
        },
        incrementalCost,
        returnOnInvestment:
          incrementalCost > 0 ? (incrementalRevenue - incrementalCost) / incrementalCost : null,
        returnOnInvestmentReason: incrementalCost > 0 ? null : ('NO_INCREMENTAL_COST' as const),
      };
    });
}
