/**
 * Quantile bin edges of one feature, as used by histogram-based gradient boosting (Ke et al.
 * 2017, LightGBM §2; Chen & Guestrin 2016, XGBoost §3.2 "approximate algorithm"). With the
 * values sorted as v₍₁₎ ≤ … ≤ v₍ₙ₎, edge k (k = 1 … bins − 1) is the empirical k/bins quantile
 * v₍⌈k·n/bins⌉₎, a value that occurs in the data. Repeated edges are dropped, and so is an edge
 * equal to the maximum (it would leave its right bin empty), so a feature with few distinct
 * values gets fewer bins: a 0/1 feature gets the single edge [0]. The result is strictly
 * increasing and has at most bins − 1 entries; bin b holds the values in (edges[b−1], edges[b]],
 * the last bin the values above every edge. Values must be finite (the encoder imputes missing
 * ones); an empty input gives no edges.
 */
export function quantileBinEdges(values: Float64Array | number[], bins: number): number[] {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  const edges: number[] = [];
  if (n === 0) {
    return edges;
  }
  const maximum = sorted[n - 1];
  for (let k = 1; k < bins; k++) {
    const edge = sorted[Math.ceil((k * n) / bins) - 1];
    if (edge < maximum && (edges.length === 0 || edge > edges[edges.length - 1])) {
      edges.push(edge);
    }
  }

  return edges;
}

/**
 * The bin of `value` for edges from `quantileBinEdges`: the first b with value ≤ edges[b], or
 * edges.length when the value is above every edge (binary search, O(log bins)). So
 * binIndex(edges, x) ≤ b exactly when x ≤ edges[b], which lets a tree split found on bins be
 * stored as the raw threshold edges[b].
 */
export function binIndex(edges: readonly number[], value: number): number {
  let low = 0;
  let high = edges.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (value <= edges[middle]) {
      high = middle;
    } else {
      low = middle + 1;
    }
  }

  return low;
}
