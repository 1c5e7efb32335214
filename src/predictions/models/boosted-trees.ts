import { badInput } from '../../errors';
import { type BinaryDataset } from './dataset';
import { binIndex, quantileBinEdges } from './histogram-bins';
import { logLossAtLogOdds, sigmoid } from './logistic-regression';
import { seededRandom, shuffledIndexes } from './random';

/** Options of `fitBoostedTrees`. */
export interface BoostingOptions {
  /** Trees to grow at most. Defaults to 300. */
  trees?: number;
  /** Levels of splits per tree (1 = stumps). Defaults to 3. */
  maxDepth?: number;
  /** Shrinkage η applied to every tree's output. Defaults to 0.1. */
  learningRate?: number;
  /** Minimum training rows in each child of a split. Defaults to 20. */
  minLeaf?: number;
  /** Minimum Σ hessian in each child of a split. Defaults to 1e-3. */
  minChildWeight?: number;
  /** L2 penalty λ on leaf weights. Defaults to 1. */
  l2?: number;
  /** Histogram bins per feature, 2 … 255. Defaults to 32. */
  bins?: number;
  /** Share of `data` held out (at random, by `seed`) for early stopping; 0 turns early
   * stopping off. Defaults to 0.2. */
  validationShare?: number;
  /** Stop after this many trees without a new best validation log loss. Defaults to 20. */
  earlyStoppingRounds?: number;
  /** Seed of the validation split. Defaults to 1. */
  seed?: number;
}

/**
 * One regression tree as flat arrays indexed by node, node 0 the root. A leaf has feature −1
 * (and left = right = −1, threshold 0); an internal node sends a row left when
 * row[feature] ≤ threshold. value[] is every node's Newton weight −G/(H + λ) before shrinkage;
 * a row's output is learningRate × value[leaf].
 */
export interface Tree {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  value: number[];
}

/** A fitted ensemble: plain numbers and arrays, so it can be stored as JSON. */
export interface BoostedTreesModel {
  /** Log-odds of the training base rate, the starting margin. */
  baseScore: number;
  learningRate: number;
  /** The trees kept: the first `bestIteration` grown. */
  trees: Tree[];
  /** Number of trees with the lowest validation log loss (0 = the base rate alone was best). */
  bestIteration: number;
  /** Validation log loss after 1, 2, … trees grown (empty without a validation share). */
  validationLogLoss: number[];
}

// Keeps the base score finite when the training rows hold a single class.
const BASE_RATE_FLOOR = 1e-6;
// Gradient, hessian and row count per (feature, bin) cell of a node's histogram.
const STRIDE = 3;

interface Settings {
  trees: number;
  maxDepth: number;
  learningRate: number;
  minLeaf: number;
  minChildWeight: number;
  l2: number;
  bins: number;
  validationShare: number;
  earlyStoppingRounds: number;
  seed: number;
}

function validated(options: BoostingOptions): Settings {
  const settings: Settings = {
    trees: options.trees ?? 300,
    maxDepth: options.maxDepth ?? 3,
    learningRate: options.learningRate ?? 0.1,
    minLeaf: options.minLeaf ?? 20,
    minChildWeight: options.minChildWeight ?? 1e-3,
    l2: options.l2 ?? 1,
    bins: options.bins ?? 32,
    validationShare: options.validationShare ?? 0.2,
    earlyStoppingRounds: options.earlyStoppingRounds ?? 20,
    seed: options.seed ?? 1,
  };
  const check = (name: keyof Settings, ok: boolean, rule: string) => {
    if (!ok) {
      throw badInput(`${name} must be ${rule}, got ${settings[name]}`, `options.${name}`);
    }
  };
  const integer = (name: keyof Settings, min: number, max = Infinity) =>
    check(
      name,
      Number.isInteger(settings[name]) && settings[name] >= min && settings[name] <= max,
      max === Infinity ? `an integer ≥ ${min}` : `an integer in ${min} … ${max}`,
    );
  integer('trees', 1);
  integer('maxDepth', 1, 16);
  integer('minLeaf', 1);
  integer('bins', 2, 255);
  integer('earlyStoppingRounds', 1);
  integer('seed', -(2 ** 31), 2 ** 32);
  const { learningRate, minChildWeight, l2, validationShare } = settings;
  check('learningRate', learningRate > 0 && learningRate <= 1, 'in (0, 1]');
  check('minChildWeight', minChildWeight >= 0 && Number.isFinite(minChildWeight), 'finite ≥ 0');
  check('l2', l2 >= 0 && Number.isFinite(l2), 'finite ≥ 0');
  check('validationShare', validationShare >= 0 && validationShare < 1, 'in [0, 1)');

  return settings;
}

/**
 * Rows as histogram cells, row-major: cells[i·featureCount + f] = f·binCount + (bin of row i on
 * feature f). Storing the cell rather than the bin saves an index computation per feature in
 * the histogram loop, and row-major order lets that loop read each row's cells contiguously.
 * Cells fit 16 bits unless features × bins exceeds 65,536.
 */
interface BinnedRows {
  cells: Uint16Array | Uint32Array;
  featureCount: number;
  binCount: number;
}

function binnedRows(
  data: BinaryDataset,
  rowIndexes: Uint32Array,
  edges: number[][],
  binCount: number,
): BinnedRows {
  const featureCount = edges.length;
  const size = rowIndexes.length * featureCount;
  const cells = featureCount * binCount <= 65_536 ? new Uint16Array(size) : new Uint32Array(size);
  rowIndexes.forEach((row, i) => {
    const values = data.rows[row];
    for (let f = 0; f < featureCount; f++) {
      cells[i * featureCount + f] = f * binCount + binIndex(edges[f], values[f]);
    }
  });

  return { cells, featureCount, binCount };
}

/** Training rows binned, plus the per-row boosting state. */
interface TrainingState {
  rows: BinnedRows;
  edges: number[][];
  labels: Float64Array;
  margin: Float64Array;
  gradient: Float64Array;
  hessian: Float64Array;
  order: Uint32Array; // training rows grouped by node: each node owns a contiguous range
}

function trainingState(
  data: BinaryDataset,
  trainRows: Uint32Array,
  edges: number[][],
  binCount: number,
  baseScore: number,
): TrainingState {
  const n = trainRows.length;

  return {
    rows: binnedRows(data, trainRows, edges, binCount),
    edges,
    labels: Float64Array.from(trainRows, (row) => data.labels[row]),
    margin: new Float64Array(n).fill(baseScore),
    gradient: new Float64Array(n),
    hessian: new Float64Array(n),
    order: new Uint32Array(n),
  };
}

/** Each feature's bin edges from the training rows. */
function featureEdges(data: BinaryDataset, trainRows: Uint32Array, bins: number): number[][] {
  const column = new Float64Array(trainRows.length);

  return Array.from({ length: data.rows[0].length }, (_, f) => {
    trainRows.forEach((row, i) => (column[i] = data.rows[row][f]));

    return quantileBinEdges(column, bins);
  });
}

interface Split {
  gain: number;
  feature: number;
  bin: number;
  leftGradient: number;
  leftHessian: number;
  leftCount: number;
}

/** A node being grown: its rows are state.order[start … end). */
interface OpenNode {
  index: number;
  start: number;
  end: number;
  depth: number;
  gradient: number;
  hessian: number;
  histogram: Float64Array | null; // null once the node can no longer split
}

/** A grown tree and, per node, the histogram cell it splits at (−1 for a leaf). */
interface GrownTree {
  tree: Tree;
  splitCell: number[];
}

class TreeGrower {
  private readonly tree: Tree = { feature: [], threshold: [], left: [], right: [], value: [] };
  private readonly splitCell: number[] = [];
  private readonly histogramSize: number;

  constructor(
    private readonly state: TrainingState,
    private readonly settings: Settings,
  ) {
    this.histogramSize = state.rows.featureCount * state.rows.binCount * STRIDE;
  }

  /** Grows one tree on state.gradient/hessian and adds its shrunk output to state.margin. */
  grow(): GrownTree {
    const { order, gradient, hessian } = this.state;
    let totalGradient = 0;
    let totalHessian = 0;
    for (let i = 0; i < order.length; i++) {
      order[i] = i;
      totalGradient += gradient[i];
      totalHessian += hessian[i];
    }
    const root = this.addNode(totalGradient, totalHessian);
    // Depth-first with an explicit stack; node numbering is still deterministic.
    const open: OpenNode[] = [
      {
        index: root,
        start: 0,
        end: order.length,
        depth: 0,
        gradient: totalGradient,
        hessian: totalHessian,
        histogram: this.histogram(0, order.length),
      },
    ];
    while (open.length > 0) {
      const node = open.pop() as OpenNode;
      const split = node.histogram === null ? null : this.bestSplit(node, node.histogram);
      if (split === null) {
        this.finishLeaf(node);
        continue;
      }
      open.push(...this.split(node, split).reverse());
    }

    return { tree: this.tree, splitCell: this.splitCell };
  }

  private addNode(gradient: number, hessian: number): number {
    const { tree } = this;
    tree.feature.push(-1);
    tree.threshold.push(0);
    tree.left.push(-1);
    tree.right.push(-1);
    tree.value.push(-gradient / (hessian + this.settings.l2));
    this.splitCell.push(-1);

    return tree.value.length - 1;
  }

  private finishLeaf(node: OpenNode): void {
    const { order, margin } = this.state;
    const output = this.settings.learningRate * this.tree.value[node.index];
    for (let i = node.start; i < node.end; i++) {
      margin[order[i]] += output;
    }
  }

  private histogram(start: number, end: number): Float64Array {
    const { order, gradient, hessian } = this.state;
    const { cells, featureCount } = this.state.rows;
    const histogram = new Float64Array(this.histogramSize);
    for (let i = start; i < end; i++) {
      const row = order[i];
      const g = gradient[row];
      const h = hessian[row];
      const base = row * featureCount;
      for (let f = 0; f < featureCount; f++) {
        const cell = cells[base + f] * STRIDE;
        histogram[cell] += g;
        histogram[cell + 1] += h;
        histogram[cell + 2] += 1;
      }
    }

    return histogram;
  }

  /**
   * The split with the largest gain ½[G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ)] (Chen & Guestrin
   * 2016, eq. 7) among those leaving ≥ minLeaf rows and ≥ minChildWeight hessian on each side;
   * null when none has a positive gain. Ties keep the first feature and bin, so fits are
   * reproducible.
   */
  private bestSplit(node: OpenNode, histogram: Float64Array): Split | null {
    const { minLeaf, minChildWeight, l2 } = this.settings;
    const { binCount, featureCount } = this.state.rows;
    const count = node.end - node.start;
    const parentScore = (node.gradient * node.gradient) / (node.hessian + l2);
    let best: Split | null = null;
    for (let f = 0; f < featureCount; f++) {
      let leftGradient = 0;
      let leftHessian = 0;
      let leftCount = 0;
      const lastBin = this.state.edges[f].length; // splitting after the last bin is no split
      for (let b = 0; b < lastBin; b++) {
        const cell = (f * binCount + b) * STRIDE;
        leftGradient += histogram[cell];
        leftHessian += histogram[cell + 1];
        leftCount += histogram[cell + 2];
        const rightCount = count - leftCount;
        if (leftCount < minLeaf) {
          continue;
        }
        if (rightCount < minLeaf) {
          break;
        }
        const rightHessian = node.hessian - leftHessian;
        if (leftHessian < minChildWeight || rightHessian < minChildWeight) {
          continue;
        }
        const rightGradient = node.gradient - leftGradient;
        const gain =
          0.5 *
          ((leftGradient * leftGradient) / (leftHessian + l2) +
            (rightGradient * rightGradient) / (rightHessian + l2) -
            parentScore);
        if (gain > 0 && (best === null || gain > best.gain)) {
          best = { gain, feature: f, bin: b, leftGradient, leftHessian, leftCount };
        }
      }
    }

    return best;
  }

  /** Partitions the node's rows in place and opens both children. */
  private split(node: OpenNode, split: Split): OpenNode[] {
    const { order, edges } = this.state;
    const { cells, featureCount, binCount } = this.state.rows;
    const splitCell = split.feature * binCount + split.bin;
    let low = node.start;
    let high = node.end - 1;
    while (low <= high) {
      if (cells[order[low] * featureCount + split.feature] <= splitCell) {
        low++;
      } else {
        const swap = order[low];
        order[low] = order[high];
        order[high] = swap;
        high--;
      }
    }
    const middle = node.start + split.leftCount;
    const rightGradient = node.gradient - split.leftGradient;
    const rightHessian = node.hessian - split.leftHessian;
    const { tree } = this;
    const left = this.addNode(split.leftGradient, split.leftHessian);
    const right = this.addNode(rightGradient, rightHessian);
    tree.feature[node.index] = split.feature;
    tree.threshold[node.index] = edges[split.feature][split.bin];
    tree.left[node.index] = left;
    tree.right[node.index] = right;
    this.splitCell[node.index] = splitCell;
    const depth = node.depth + 1;
    const leftChild: OpenNode = {
      index: left,
      start: node.start,
      end: middle,
      depth,
      gradient: split.leftGradient,
      hessian: split.leftHessian,
      histogram: null,
    };
    const rightChild: OpenNode = {
      index: right,
      start: middle,
      end: node.end,
      depth,
      gradient: rightGradient,
      hessian: rightHessian,
      histogram: null,
    };
    // A child with fewer than 2·minLeaf rows cannot split, so it needs no histogram.
    const canSplit = (child: OpenNode) =>
      depth < this.settings.maxDepth && child.end - child.start >= 2 * this.settings.minLeaf;
    if (canSplit(leftChild) || canSplit(rightChild)) {
      // Histogram subtraction (LightGBM): build the smaller child, derive its sibling.
      const leftSmaller = middle - node.start <= node.end - middle;
      const [small, large] = leftSmaller ? [leftChild, rightChild] : [rightChild, leftChild];
      const smallHistogram = this.histogram(small.start, small.end);
      const parent = node.histogram as Float64Array;
      for (let c = 0; c < parent.length; c++) {
        parent[c] -= smallHistogram[c];
      }
      small.histogram = canSplit(small) ? smallHistogram : null;
      large.histogram = canSplit(large) ? parent : null;
    }

    return [leftChild, rightChild];
  }
}

/** Adds learningRate × the tree's output to each binned row's margin. */
function addTreeOutput(
  grown: GrownTree,
  rows: BinnedRows,
  learningRate: number,
  margin: Float64Array,
): void {
  const { tree, splitCell } = grown;
  for (let i = 0; i < margin.length; i++) {
    const base = i * rows.featureCount;
    let node = 0;
    while (tree.feature[node] >= 0) {
      const cell = rows.cells[base + tree.feature[node]];
      node = cell <= splitCell[node] ? tree.left[node] : tree.right[node];
    }
    margin[i] += learningRate * tree.value[node];
  }
}

/**
 * Gradient-boosted regression trees for a binary outcome under log loss, with second-order
 * (Newton) boosting as in XGBoost (Chen & Guestrin 2016, §2.2) and histogram split finding as
 * in LightGBM (Ke et al. 2017). A validation share is held out at random (by `seed`); bin
 * edges are the training rows' quantiles (`quantileBinEdges`, at most `bins` bins per
 * feature), computed once, and rows are stored as bin indexes in one typed array. Starting
 * from the base-rate log-odds, each round computes gᵢ = pᵢ − yᵢ and hᵢ = pᵢ(1 − pᵢ), grows a
 * tree depth-first up to maxDepth with the split gain ½[G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ)]
 * (histogram subtraction for the larger child), and gives each node the weight −G/(H+λ),
 * applied × learningRate. Training stops when the validation log loss has not improved for
 * earlyStoppingRounds trees; the trees up to the best one are kept (none if the base rate alone
 * was best). The same data, options and seed give the same model. Rows must be finite; an
 * empty dataset or invalid options throw BAD_USER_INPUT.
 */
export function fitBoostedTrees(
  data: BinaryDataset,
  options: BoostingOptions = {},
  onProgress?: (treesDone: number, treesPlanned: number) => void,
): BoostedTreesModel {
  const settings = validated(options);
  const n = data.rows.length;
  if (n === 0 || data.labels.length !== n) {
    throw badInput(
      `data needs rows and as many labels, got ${n} and ${data.labels.length}`,
      'data',
    );
  }
  const shuffled = shuffledIndexes(n, seededRandom(settings.seed));
  const validationCount = Math.min(n - 1, Math.floor(n * settings.validationShare));
  const validationRows = shuffled.slice(0, validationCount).sort();
  const trainRows = shuffled.slice(validationCount).sort();

  let positives = 0;
  trainRows.forEach((row) => (positives += data.labels[row]));
  const baseRate = Math.min(
    1 - BASE_RATE_FLOOR,
    Math.max(BASE_RATE_FLOOR, positives / trainRows.length),
  );
  const baseScore = Math.log(baseRate / (1 - baseRate));
  const edges = featureEdges(data, trainRows, settings.bins);
  const binCount = Math.max(1, ...edges.map((featureEdges) => featureEdges.length + 1));
  const state = trainingState(data, trainRows, edges, binCount, baseScore);
  const validation = binnedRows(data, validationRows, edges, binCount);
  const validationLabels = Float64Array.from(validationRows, (row) => data.labels[row]);
  const validationMargin = new Float64Array(validationCount).fill(baseScore);
  const validationLoss = () => {
    let loss = 0;
    for (let i = 0; i < validationCount; i++) {
      loss += logLossAtLogOdds(validationMargin[i], validationLabels[i]);
    }

    return loss / validationCount;
  };

  const trees: Tree[] = [];
  const validationLogLoss: number[] = [];
  let bestLoss = validationCount > 0 ? validationLoss() : Infinity;
  let bestIteration = 0;
  const { margin, gradient, hessian, labels } = state;
  for (let round = 1; round <= settings.trees; round++) {
    for (let i = 0; i < margin.length; i++) {
      const p = sigmoid(margin[i]);
      gradient[i] = p - labels[i];
      hessian[i] = p * (1 - p);
    }
    const grown = new TreeGrower(state, settings).grow();
    trees.push(grown.tree);
    onProgress?.(round, settings.trees);
    if (validationCount === 0) {
      bestIteration = round;
      continue;
    }
    addTreeOutput(grown, validation, settings.learningRate, validationMargin);
    const loss = validationLoss();
    validationLogLoss.push(loss);
    if (loss < bestLoss) {
      bestLoss = loss;
      bestIteration = round;
    } else if (round - bestIteration >= settings.earlyStoppingRounds) {
      break;
    }
  }

  return {
    baseScore,
    learningRate: settings.learningRate,
    trees: trees.slice(0, bestIteration),
    bestIteration,
    validationLogLoss,
  };
}

/** The tree's leaf value for a raw (unbinned) row. */
function leafValue(tree: Tree, row: ArrayLike<number>): number {
  let node = 0;
  while (tree.feature[node] >= 0) {
    node = row[tree.feature[node]] <= tree.threshold[node] ? tree.left[node] : tree.right[node];
  }

  return tree.value[node];
}

/** The model's margin: baseScore + learningRate × Σ over trees of the row's leaf value. */
function boostedTreesLogOdds(model: BoostedTreesModel, row: ArrayLike<number>): number {
  let eta = model.baseScore;
  for (const tree of model.trees) {
    eta += model.learningRate * leafValue(tree, row);
  }

  return eta;
}

/** The probability σ(baseScore + learningRate · Σ leaf values) for one encoded row. */
export function boostedTreesScore(model: BoostedTreesModel, row: ArrayLike<number>): number {
  return sigmoid(boostedTreesLogOdds(model, row));
}

/**
 * Per-feature contributions to the row's log-odds by path attribution (Saabas 2014,
 * "Interpreting random forests"; the "approximate" contributions of XGBoost's predict with
 * pred_contribs): walking each tree from the root to the row's leaf, every step adds
 * (value[child] − value[parent]) × learningRate to the parent's split feature. Hence
 * Σ contributions + baseScore + learningRate · Σ root values = the row's log-odds.
 */
export function boostedTreesContributions(
  model: BoostedTreesModel,
  row: ArrayLike<number>,
  featureCount: number,
): number[] {
  const contributions = new Array<number>(featureCount).fill(0);
  for (const tree of model.trees) {
    let node = 0;
    while (tree.feature[node] >= 0) {
      const feature = tree.feature[node];
      const child = row[feature] <= tree.threshold[node] ? tree.left[node] : tree.right[node];
      contributions[feature] += (tree.value[child] - tree.value[node]) * model.learningRate;
      node = child;
    }
  }

  return contributions;
}
