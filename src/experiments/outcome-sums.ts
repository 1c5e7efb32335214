import type { MetricKind, MetricRole } from './experiment-definition';

// The only numbers analysis ever sees: per metric and variant, sums computed in SQL. Outcome
// SQL (outcome.service.ts) produces them; the pure analysis (analysis/) consumes them.

/** Σ of a second per-customer quantity x and its cross product with the outcome y. */
export interface PairedSums {
  /** Σx */
  sum: number;
  /** Σx² */
  sumSquares: number;
  /** Σx·y, y being the arm's outcome (the RATIO numerator). */
  sumProducts: number;
}

/** One variant's sufficient statistics for one metric. */
export interface ArmSums {
  variantKey: string;
  /** Exposed customers counted (every exposed customer, 0 when they did nothing). */
  n: number;
  /** Σy: conversions (PROPORTION), totals (MEAN) or the numerator (RATIO). */
  sum: number;
  /** Σy² (equals Σy for PROPORTION). */
  sumSquares: number;
  /** CUPED only: the same measure over the window before exposure. */
  covariate: PairedSums | null;
  /** RATIO only: the denominator per customer. */
  denominator: PairedSums | null;
}

/** A metric's sums over every variant, with what analysis needs to read them. */
export interface MetricSums {
  metricKey: string;
  name: string;
  kind: MetricKind;
  role: MetricRole;
  inverse: boolean;
  /** True for a MEAN of order amounts: campaign return is computed from it. */
  measuresRevenue: boolean;
  arms: ArmSums[];
}
