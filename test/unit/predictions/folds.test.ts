import { stratifiedFolds } from '../../../src/predictions/models/folds';
import { seededRandom } from '../../../src/predictions/models/random';

function randomLabels(n: number, rate: number, seed: number): number[] {
  const random = seededRandom(seed);

  return Array.from({ length: n }, () => (random() < rate ? 1 : 0));
}

function countPerFold(folds: Uint8Array, labels: number[], k: number, label: number): number[] {
  const counts = new Array<number>(k).fill(0);
  folds.forEach((fold, i) => {
    if (labels[i] === label) {
      counts[fold]++;
    }
  });

  return counts;
}

describe('stratifiedFolds', () => {
  it.each([
    [1003, 0.07, 5],
    [250, 0.5, 10],
    [97, 0.03, 3],
  ])(
    'gives every fold ⌊/⌈ its share of positives, negatives and rows (n %i, rate %d, k %i)',
    (n, rate, k) => {
      const labels = randomLabels(n, rate, n);
      const folds = stratifiedFolds(labels, k, 42);
      expect(folds).toHaveLength(n);
      expect(Math.max(...folds)).toBeLessThan(k);
      const positives = labels.filter((y) => y === 1).length;
      for (const [label, total] of [
        [1, positives],
        [0, n - positives],
      ]) {
        for (const count of countPerFold(folds, labels, k, label)) {
          expect([Math.floor(total / k), Math.ceil(total / k)]).toContain(count);
        }
      }
      const sizes = countPerFold(
        folds,
        labels.map(() => 1),
        k,
        1,
      );
      for (const size of sizes) {
        expect([Math.floor(n / k), Math.ceil(n / k)]).toContain(size);
      }
    },
  );

  it('puts every row in exactly one fold, so the folds partition the rows', () => {
    const labels = randomLabels(500, 0.2, 7);
    const folds = stratifiedFolds(labels, 4, 3);
    const members = [0, 1, 2, 3].map((f) => [...folds.keys()].filter((i) => folds[i] === f));
    expect(members.flat().sort((a, b) => a - b)).toEqual([...Array(500).keys()]);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const labels = randomLabels(400, 0.3, 9);
    expect(stratifiedFolds(labels, 5, 1)).toEqual(stratifiedFolds(labels, 5, 1));
    expect(stratifiedFolds(labels, 5, 1)).not.toEqual(stratifiedFolds(labels, 5, 2));
  });

  it('shuffles rather than dealing rows in order', () => {
    const labels = new Array(100).fill(0);
    const folds = stratifiedFolds(labels, 2, 5);
    const inOrder = Uint8Array.from(labels.map((_, i) => i % 2));
    expect(folds).not.toEqual(inOrder);
  });

  it.each([
    ['k of 1', [0, 1], 1, 'k must be an integer from 2 to 255, got 1'],
    ['k of 256', [0, 1], 256, 'k must be an integer from 2 to 255, got 256'],
    ['a fractional k', [0, 1], 2.5, 'k must be an integer from 2 to 255, got 2.5'],
    ['a label of 0.5', [0, 0.5], 2, 'label 0.5 at row 1 is not 0 or 1'],
  ])('throws BAD_USER_INPUT on %s', (_, labels, k, message) => {
    expect(() => stratifiedFolds(labels, k, 1)).toThrow(message);
  });
});
