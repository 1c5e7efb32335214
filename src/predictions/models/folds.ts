import { badInput } from '../../errors';
import { seededRandom, shuffledIndexes } from './random';

/**
 * Stratified k-fold assignment (Kohavi 1995; scikit-learn's `StratifiedKFold` with shuffling):
 * positives and negatives are shuffled separately with `seededRandom(seed)` and dealt round-robin
 * to folds 0 … k−1, the negatives continuing where the positives stopped. Each fold so gets
 * ⌊/⌈ its share of positives, of negatives and of rows. Returns the fold of each row; the same
 * labels and seed always give the same folds. `k` must be an integer in 2 … 255 and labels 0/1
 * (`BAD_USER_INPUT` otherwise); with fewer rows than folds some folds are empty.
 */
export function stratifiedFolds(labels: ArrayLike<number>, k: number, seed: number): Uint8Array {
  if (!Number.isInteger(k) || k < 2 || k > 255) {
    throw badInput(`k must be an integer from 2 to 255, got ${k}`, 'k');
  }
  const positives: number[] = [];
  const negatives: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === 1) {
      positives.push(i);
    } else if (labels[i] === 0) {
      negatives.push(i);
    } else {
      throw badInput(`label ${labels[i]} at row ${i} is not 0 or 1`, `labels[${i}]`);
    }
  }
  const random = seededRandom(seed);
  const folds = new Uint8Array(labels.length);
  let dealt = 0;
  for (const members of [positives, negatives]) {
    const order = shuffledIndexes(members.length, random);
    for (let j = 0; j < order.length; j++) {
      folds[members[order[j]]] = dealt++ % k;
    }
  }

  return folds;
}
