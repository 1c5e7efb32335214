// Family-wise (Holm) and false-discovery-rate (Benjamini–Hochberg) p-value adjustment.

/** HOLM controls the family-wise error rate, BH the false discovery rate. */
export type AdjustmentMethod = 'HOLM' | 'BENJAMINI_HOCHBERG' | 'BONFERRONI';

/** Raw and adjusted p-values in input order, with the family size. */
export interface AdjustedPValues {
  method: AdjustmentMethod;
  familySize: number;
  alpha: number;
  raw: number[];
  adjusted: number[];
  rejected: boolean[];
}

/** Indices of `values` sorted by ascending value (stable). */
function ascendingOrder(values: number[]): number[] {
  return values.map((_, i) => i).sort((i, j) => values[i] - values[j] || i - j);
}

function holm(p: number[]): number[] {
  const m = p.length;
  const adjusted = new Array<number>(m);
  let running = 0;
  ascendingOrder(p).forEach((index, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p[index]));
    adjusted[index] = running;
  });

  return adjusted;
}

function benjaminiHochberg(p: number[]): number[] {
  const m = p.length;
  const adjusted = new Array<number>(m);
  const order = ascendingOrder(p);
  let running = 1;
  for (let rank = m - 1; rank >= 0; rank--) {
    const index = order[rank];
    running = Math.min(running, (m * p[index]) / (rank + 1));
    adjusted[index] = running;
  }

  return adjusted;
}

/**
 * Adjusts a family of p-values (GrowthBook: all goal metrics × treatment arms in one result).
 * Holm (1979): sorted ascending, adj₍ₖ₎ = max_{j≤k} min(1, (m − j + 1) p₍ⱼ₎).
 * Benjamini & Hochberg (1995): adj₍ₖ₎ = min_{j≥k} min(1, m p₍ⱼ₎ / j).
 * Bonferroni: min(1, m p). A hypothesis is rejected when its adjusted p-value is below α (GrowthBook: p < α).
 */
export function adjustPValues(
  pValues: number[],
  method: AdjustmentMethod,
  alpha = 0.05,
): AdjustedPValues {
  const m = pValues.length;
  const adjusted =
    method === 'HOLM'
      ? holm(pValues)
      : method === 'BENJAMINI_HOCHBERG'
        ? benjaminiHochberg(pValues)
        : pValues.map((p) => Math.min(1, m * p));

  return {
    method,
    familySize: m,
    alpha,
    raw: [...pValues],
    adjusted,
    rejected: adjusted.map((p) => p < alpha),
  };
}
