/**
 * The shape every binary model trains on: encoded numeric rows (no missing values; the encoder
 * imputes them) and 0/1 labels, in the same order.
 */
export interface BinaryDataset {
  rows: readonly Float64Array[];
  labels: ArrayLike<number>;
}

/** Training data handed over in batches, so that a fit can stream rather than hold copies. */
export type BatchSource = () => Iterable<BinaryDataset>;

/** An in-memory dataset served as batches of `batchSize` rows. */
export function inBatches(data: BinaryDataset, batchSize = 10_000): BatchSource {
  return function* () {
    for (let start = 0; start < data.rows.length; start += batchSize) {
      const end = Math.min(start + batchSize, data.rows.length);
      yield {
        rows: data.rows.slice(start, end),
        labels: Array.prototype.slice.call(data.labels, start, end) as number[],
      };
    }
  };
}
