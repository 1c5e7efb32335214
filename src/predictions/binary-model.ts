import { rocAuc } from './metrics';
import {
  type BoostedTreesModel,
  boostedTreesContributions,
  boostedTreesScore,
  fitBoostedTrees,
} from './models/boosted-trees';
import { type BinaryDataset, inBatches } from './models/dataset';
import {
  fitLogisticRegression,
  type LogisticModel,
  logisticContributions,
  logisticScore,
} from './models/logistic-regression';
import type { TrainingOptions } from './training-options';

// One face for the two binary learners, so training, evaluation and scoring do not branch on
// the algorithm everywhere.

/** A fitted binary model as stored in `model_versions.model`. */
export type FittedBinary =
  | { algorithm: 'LOGISTIC_REGRESSION'; logistic: LogisticModel }
  | { algorithm: 'BOOSTED_TREES'; trees: BoostedTreesModel };

type Hyper = Pick<
  TrainingOptions,
  'algorithm' | 'l2' | 'trees' | 'maxDepth' | 'learningRate' | 'minLeaf' | 'seed'
>;

/** Fits the chosen algorithm; `onProgress` gets the share done (trees report per tree). */
export function fitBinary(
  data: BinaryDataset,
  featureCount: number,
  hyper: Hyper,
  onProgress: (share: number) => void = () => undefined,
): FittedBinary {
  if (hyper.algorithm === 'BOOSTED_TREES') {
    const trees = fitBoostedTrees(
      data,
      {
        trees: hyper.trees,
        maxDepth: hyper.maxDepth,
        learningRate: hyper.learningRate,
        minLeaf: hyper.minLeaf,
        l2: hyper.l2,
        seed: hyper.seed,
      },
      (done, planned) => onProgress(done / planned),
    );

    return { algorithm: 'BOOSTED_TREES', trees };
  }
  const logistic = fitLogisticRegression(inBatches(data), featureCount, { l2: hyper.l2 });
  onProgress(1);

  return { algorithm: 'LOGISTIC_REGRESSION', logistic };
}

/** The probability of the positive class for one encoded row. */
export function scoreBinary(model: FittedBinary, row: ArrayLike<number>): number {
  return model.algorithm === 'BOOSTED_TREES'
    ? boostedTreesScore(model.trees, row)
    : logisticScore(model.logistic, row);
}

/** Each encoded column's contribution to the row's log-odds. */
export function contributionsOf(
  model: FittedBinary,
  row: ArrayLike<number>,
  featureCount: number,
): number[] {
  return model.algorithm === 'BOOSTED_TREES'
    ? boostedTreesContributions(model.trees, row, featureCount)
    : logisticContributions(model.logistic, row);
}

/** A column whose values alone rank the label almost perfectly. */
export interface SuspectedLeak {
  column: string;
  auc: number;
}

/**
 * Columns that separate the labels almost perfectly on their own (AUC ≥ `threshold` either way)
 * are taken for leaks: a feature that knows the outcome, such as an attribute written after the
 * fact. Real behaviour never predicts churn that well one horizon ahead.
 */
export function suspectedLeaks(
  columns: readonly string[],
  data: BinaryDataset,
  threshold = 0.98,
): SuspectedLeak[] {
  const leaks: SuspectedLeak[] = [];
  const values = new Float64Array(data.rows.length);
  columns.forEach((column, index) => {
    data.rows.forEach((row, r) => {
      values[r] = row[index];
    });
    const auc = rocAuc(values, data.labels);
    if (auc !== null && Math.max(auc, 1 - auc) >= threshold) {
      leaks.push({ column, auc: Math.max(auc, 1 - auc) });
    }
  });

  return leaks;
}
