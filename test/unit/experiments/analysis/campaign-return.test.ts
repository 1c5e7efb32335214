import { campaignReturns } from '../../../../src/experiments/analysis/campaign-return';
import type { MetricSums } from '../../../../src/experiments/outcome-sums';

const arm = (variantKey: string, values: number[]) => ({
  variantKey,
  n: values.length,
  sum: values.reduce((s, v) => s + v, 0),
  sumSquares: values.reduce((s, v) => s + v * v, 0),
  covariate: null,
  denominator: null,
});
const revenue = (measuresRevenue = true): MetricSums => ({
  metricKey: 'revenue',
  name: 'revenue',
  kind: 'MEAN',
  role: 'SECONDARY',
  inverse: false,
  measuresRevenue,
  arms: [arm('holdout', [0, 10, 20, 30]), arm('campaign', [10, 20, 30, 40, 50])],
});
const variants = (cost: number | null) => [
  { key: 'holdout', name: 'holdout', weight: 1, isControl: true, costPerCustomer: null },
  { key: 'campaign', name: 'campaign', weight: 1, isControl: false, costPerCustomer: cost },
];

describe('campaign return against a holdout', () => {
  it('scales the per-customer revenue difference and cost by the treated customers', () => {
    const [result] = campaignReturns(variants(2), [revenue()], 0.05);
    // Means 15 and 30: +15 per customer over 5 customers; cost 2 × 5.
    expect(result).toMatchObject({
      variantKey: 'campaign',
      customers: 5,
      incrementalRevenue: 75,
      incrementalCost: 10,
      returnOnInvestment: 6.5,
      returnOnInvestmentReason: null,
    });
    // se = √(var_A/n_A + var_B/n_B) = √(166.67/4 + 250/5); interval ±1.96·se·5.
    const margin = 1.959963984540054 * Math.sqrt(500 / 3 / 4 + 250 / 5) * 5;
    expect(result.incrementalRevenueInterval!.lower).toBeCloseTo(75 - margin, 9);
    expect(result.incrementalRevenueInterval!.upper).toBeCloseTo(75 + margin, 9);
  });

  it('gives no return on investment when nothing more was spent', () => {
    const [result] = campaignReturns(variants(0), [revenue()], 0.05);
    expect(result).toMatchObject({
      returnOnInvestment: null,
      returnOnInvestmentReason: 'NO_INCREMENTAL_COST',
    });
  });

  it('leaves revenue and return null with NOT_ENOUGH_DATA when the control has no customer', () => {
    const empty = { ...revenue(), arms: [arm('holdout', []), arm('campaign', [10, 20])] };
    const [result] = campaignReturns(variants(2), [empty], 0.05);
    expect(result).toEqual({
      variantKey: 'campaign',
      revenueMetricKey: 'revenue',
      customers: 2,
      incrementalRevenue: null,
      incrementalRevenueInterval: null,
      incrementalCost: 4,
      returnOnInvestment: null,
      returnOnInvestmentReason: 'NOT_ENOUGH_DATA',
    });
  });

  it('reports nothing without costs or without a revenue metric', () => {
    expect(campaignReturns(variants(null), [revenue()], 0.05)).toEqual([]);
    expect(campaignReturns(variants(2), [revenue(false)], 0.05)).toEqual([]);
  });
});
