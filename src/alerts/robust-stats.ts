/** Median of `values` (mean of the two middle ones for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) {
    return Number.NaN;
  }
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);

  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Median absolute deviation from the median, unscaled; NaN when empty. */
export function medianAbsoluteDeviation(values: readonly number[]): number {
  const centre = median(values);

  return median(values.map((value) => Math.abs(value - centre)));
}

/**
 * 1 / Φ⁻¹(3/4): multiplied with the MAD it estimates the standard deviation of normally
 * distributed data (Rousseeuw & Croux 1993), so `k` reads like "k sigmas" (R's `mad()` default).
 */
export const MAD_SCALE = 1.4826;

/** The normal band of trailing values: median ± k · 1.4826 · MAD. */
export interface AnomalyBand {
  median: number;
  /** The scaled MAD (1.4826 · MAD), the band's unit. */
  scaledMad: number;
  low: number;
  high: number;
}

/** The band median ± k · scaled MAD of `trailing` (at least one value). */
export function anomalyBand(trailing: readonly number[], k: number): AnomalyBand {
  const centre = median(trailing);
  const scaledMad = MAD_SCALE * medianAbsoluteDeviation(trailing);

  return { median: centre, scaledMad, low: centre - k * scaledMad, high: centre + k * scaledMad };
}
