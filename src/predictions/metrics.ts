// Evaluation metrics for binary scores and population stability for drift. Pure: the registry
// stores their results, the scoring job feeds them SQL-aggregated counts.
import { badInput } from '../errors';

/** Floor applied to both shares in the population stability index, so empty bins stay finite. */
export const PSI_SHARE_FLOOR = 1e-4;

const LOG_LOSS_CLIP = 1e-15;

interface LabelCounts {
  n: number;
  positives: number;
}

// Scores must be finite and labels exactly 0 or 1; a silent NaN would poison every sum.
function checkPairs(scores: ArrayLike<number>, labels: ArrayLike<number>): LabelCounts {
  if (scores.length !== labels.length) {
    throw badInput(
      `scores (${scores.length}) and labels (${labels.length}) must have the same length`,
      'labels',
    );
  }
  if (scores.length === 0) {
    throw badInput('at least one scored row is needed', 'scores');
  }
  let positives = 0;
  for (let i = 0; i < scores.length; i++) {
    if (!Number.isFinite(scores[i])) {
      throw badInput(`score ${scores[i]} at row ${i} is not a finite number`, `scores[${i}]`);
    }
    const label = labels[i];
    if (label !== 0 && label !== 1) {
      throw badInput(`label ${label} at row ${i} is not 0 or 1`, `labels[${i}]`);
    }
    positives += label;
  }

  return { n: scores.length, positives };
}

// Row indexes ordered by score (ascending or descending), ties kept in row order.
function orderByScore(scores: ArrayLike<number>, descending: boolean): number[] {
  const order = Array.from({ length: scores.length }, (_, i) => i);
  const sign = descending ? -1 : 1;
  order.sort((a, b) => sign * (scores[a] - scores[b]) || a - b);

  return order;
}

/**
 * Area under the ROC curve by the Mann–Whitney U statistic:
 * AUC = (R₊ − n₊(n₊ + 1)/2) / (n₊ n₋), where R₊ is the sum of the positives' ranks and tied
 * scores get their mid-rank, so a tied positive–negative pair counts ½ (Hanley & McNeil 1982;
 * Fawcett 2006, §6). `null` when either class is absent. Throws `BAD_USER_INPUT` on mismatched
 * lengths, empty input, non-finite scores or labels other than 0/1 (as every metric here).
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number | null {
  const { n, positives } = checkPairs(scores, labels);
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) {
    return null;
  }
  const order = orderByScore(scores, false);
  let positiveRankSum = 0;
  for (let start = 0; start < n;) {
    let end = start;
    let groupPositives = 0;
    while (end < n && scores[order[end]] === scores[order[start]]) {
      groupPositives += labels[order[end]];
      end++;
    }
    // Ranks start+1 … end share their mean.
    positiveRankSum += (groupPositives * (start + 1 + end)) / 2;
    start = end;
  }

  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * Average precision, the step-wise area under the precision–recall curve as scikit-learn's
 * `average_precision_score`: AP = Σₙ (Rₙ − Rₙ₋₁) Pₙ over the distinct score thresholds taken in
 * descending order (tied scores enter together), without interpolation (Manning, Raghavan &
 * Schütze 2008, §8.4). `null` when there is no positive (recall is undefined); 1 when every row
 * is positive.
 */
export function averagePrecision(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
): number | null {
  const { n, positives } = checkPairs(scores, labels);
  if (positives === 0) {
    return null;
  }
  const order = orderByScore(scores, true);
  let truePositives = 0;
  let average = 0;
  for (let start = 0; start < n;) {
    let end = start;
    let groupPositives = 0;
    while (end < n && scores[order[end]] === scores[order[start]]) {
      groupPositives += labels[order[end]];
      end++;
    }
    truePositives += groupPositives;
    average += (groupPositives / positives) * (truePositives / end);
    start = end;
  }

  return average;
}

/**
 * Mean negative log-likelihood (cross-entropy): −(1/N) Σ [y ln p + (1 − y) ln(1 − p)], with the
 * probability given to the outcome (p or 1 − p) clipped at 1e−15 as scikit-learn's `log_loss`, so
 * a certain miss costs −ln 1e−15 ≈ 34.54 rather than infinity. Natural logarithm.
 */
export function logLoss(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const { n } = checkPairs(scores, labels);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    // Clipping the probability of the outcome, not p, since 1 − (1 − 1e−15) ≠ 1e−15 in floats.
    const outcome = labels[i] === 1 ? scores[i] : 1 - scores[i];
    sum -= Math.log(Math.min(Math.max(outcome, LOG_LOSS_CLIP), 1));
  }

  return sum / n;
}

/** Brier score (Brier 1950): mean squared difference (1/N) Σ (p − y)², 0 is perfect. */
export function brierScore(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const { n } = checkPairs(scores, labels);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += (scores[i] - labels[i]) ** 2;
  }

  return sum / n;
}

/**
 * Brier skill score against the climatological forecast (always predicting the base rate ȳ):
 * BSS = 1 − Brier / (ȳ(1 − ȳ)), since that forecast's Brier score is ȳ(1 − ȳ) (Wilks 2011,
 * §8.4.2). 1 is perfect, 0 no better than the base rate, negative worse. `null` when the base
 * rate is 0 or 1 (the reference score is 0).
 */
export function brierSkillScore(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
): number | null {
  const { n, positives } = checkPairs(scores, labels);
  const baseRate = positives / n;
  if (positives === 0 || positives === n) {
    return null;
  }

  return 1 - brierScore(scores, labels) / (baseRate * (1 - baseRate));
}

/** One row of a calibration table: the rows whose scores fall in one quantile bin. */
export interface CalibrationBin {
  /** 1-based bin number, lowest scores first. */
  bin: number;
  count: number;
  meanPredicted: number;
  /** Share of positives among the bin's rows. */
  observedRate: number;
  /** Lowest score in the bin. */
  lowerScore: number;
  /** Highest score in the bin. */
  upperScore: number;
}

/**
 * Reliability table over equal-count bins by score (deciles by default), as in Niculescu-Mizil &
 * Caruana 2005 with quantile rather than fixed-width bins. Rows are sorted by score and cut at
 * positions ⌊b·N/bins⌋; a cut that would split rows of equal score moves to the end of that tie
 * group, so equal scores always share a bin and heavily tied scores give fewer, larger bins
 * (numbered consecutively). `bins` defaults to 10.
 */
export function calibrationTable(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  bins = 10,
): CalibrationBin[] {
  const { n } = checkPairs(scores, labels);
  if (!Number.isInteger(bins) || bins < 1) {
    throw badInput(`bins must be a positive integer, got ${bins}`, 'bins');
  }
  const order = orderByScore(scores, false);
  const table: CalibrationBin[] = [];
  let start = 0;
  for (let b = 1; b <= bins && start < n; b++) {
    let end = Math.floor((b * n) / bins);
    if (end <= start) {
      // This cut fell inside an earlier tie group (or N < bins).
      continue;
    }
    while (end < n && scores[order[end]] === scores[order[end - 1]]) {
      end++;
    }
    let predicted = 0;
    let positives = 0;
    for (let i = start; i < end; i++) {
      predicted += scores[order[i]];
      positives += labels[order[i]];
    }
    const count = end - start;
    table.push({
      bin: table.length + 1,
      count,
      meanPredicted: predicted / count,
      observedRate: positives / count,
      lowerScore: scores[order[start]],
      upperScore: scores[order[end - 1]],
    });
    start = end;
  }

  return table;
}

/**
 * Expected calibration error over a calibration table: ECE = Σ_b (n_b / N) |observed_b −
 * predicted_b| (Naeini, Cooper & Hauskrecht 2015). Throws `BAD_USER_INPUT` on an empty table.
 */
export function expectedCalibrationError(table: readonly CalibrationBin[]): number {
  let total = 0;
  let weighted = 0;
  for (const bin of table) {
    total += bin.count;
    weighted += bin.count * Math.abs(bin.observedRate - bin.meanPredicted);
  }
  if (total === 0) {
    throw badInput('the calibration table has no rows', 'table');
  }

  return weighted / total;
}

/**
 * Lift and cumulative gain in the top `share` of rows by score (default 0.1, the top decile):
 * k = ⌈share·N⌉ rows, lift = (positives in top k / k) / (positives / N), gain = positives in top
 * k / positives (Berry & Linoff, Data Mining Techniques, ch. 5). When the k-th row ties with rows
 * outside the top, the tie group contributes its positives pro rata to the places it takes,
 * which is the expectation under random tie-breaking. Both `null` when there is no positive.
 */
export function liftAtTop(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  share = 0.1,
): { lift: number | null; gain: number | null } {
  const { n, positives } = checkPairs(scores, labels);
  if (!(share > 0 && share <= 1)) {
    throw badInput(`share must be in (0, 1], got ${share}`, 'share');
  }
  if (positives === 0) {
    return { lift: null, gain: null };
  }
  // The tolerance keeps 0.1 × 30 = 3.0000000000000004 at 3 rows.
  const top = Math.max(1, Math.ceil(share * n - 1e-9));
  const order = orderByScore(scores, true);
  let captured = 0;
  for (let start = 0; start < top;) {
    let end = start;
    let groupPositives = 0;
    while (end < n && scores[order[end]] === scores[order[start]]) {
      groupPositives += labels[order[end]];
      end++;
    }
    captured += (groupPositives * (Math.min(end, top) - start)) / (end - start);
    start = end;
  }

  return { lift: captured / top / (positives / n), gain: captured / positives };
}

/** Every metric of a binary model's scores on one evaluation set. */
export interface BinaryMetrics {
  count: number;
  positiveRate: number;
  auc: number | null;
  averagePrecision: number | null;
  logLoss: number;
  brier: number;
  brierSkill: number | null;
  ece: number;
  topDecileLift: number | null;
  topDecileGain: number | null;
  calibration: CalibrationBin[];
}

/**
 * All metrics above on one evaluation set: decile calibration table and its ECE, top-decile
 * lift and gain. Nullable fields are `null` under the conditions of the functions that give them.
 */
export function evaluateBinary(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
): BinaryMetrics {
  const { n, positives } = checkPairs(scores, labels);
  const calibration = calibrationTable(scores, labels);
  const top = liftAtTop(scores, labels);

  return {
    count: n,
    positiveRate: positives / n,
    auc: rocAuc(scores, labels),
    averagePrecision: averagePrecision(scores, labels),
    logLoss: logLoss(scores, labels),
    brier: brierScore(scores, labels),
    brierSkill: brierSkillScore(scores, labels),
    ece: expectedCalibrationError(calibration),
    topDecileLift: top.lift,
    topDecileGain: top.gain,
    calibration,
  };
}

/** A reference distribution for drift: inner cut points and the reference share of each bin. */
export interface ReferenceHistogram {
  /** Inner cut points, strictly ascending; bin i holds edges[i−1] < x ≤ edges[i]. */
  edges: number[];
  /** edges.length + 1 shares summing to 1. */
  shares: number[];
}

function checkFinite(values: ArrayLike<number>, field: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw badInput(`value ${values[i]} at row ${i} is not a finite number`, `${field}[${i}]`);
    }
  }
}

/**
 * Quantile histogram of a reference sample (the training scores or a feature's training
 * values). Cut points are the order statistics x₍⌈b·N/bins⌉₎ for b = 1 … bins−1 (the
 * inverted-CDF quantile, so every edge is an observed value); bins are right-closed. Repeated
 * edges, and an edge equal to the maximum (which would leave an empty top bin), are dropped, so
 * a feature with few distinct values gets one bin per value. Shares are the reference's exact
 * counts per bin divided by N. `bins` defaults to 10.
 */
export function referenceHistogram(values: ArrayLike<number>, bins = 10): ReferenceHistogram {
  if (values.length === 0) {
    throw badInput('the reference sample is empty', 'values');
  }
  if (!Number.isInteger(bins) || bins < 1) {
    throw badInput(`bins must be a positive integer, got ${bins}`, 'bins');
  }
  checkFinite(values, 'values');
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  const max = sorted[n - 1];
  const edges: number[] = [];
  for (let b = 1; b < bins; b++) {
    const edge = sorted[Math.ceil((b * n) / bins) - 1];
    if (edge < max && (edges.length === 0 || edge > edges[edges.length - 1])) {
      edges.push(edge);
    }
  }
  const counts = histogramCounts({ edges, shares: [] }, sorted);

  return { edges, shares: counts.map((count) => count / n) };
}

/**
 * Counts of `values` in the bins of a reference histogram (value x goes to the first bin whose
 * upper edge is ≥ x, or the last bin). Counts of batches can be added before computing the PSI.
 */
export function histogramCounts(
  reference: ReferenceHistogram,
  values: ArrayLike<number>,
): number[] {
  checkFinite(values, 'values');
  const { edges } = reference;
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (let i = 0; i < values.length; i++) {
    counts[binOf(edges, values[i])]++;
  }

  return counts;
}

/** The reference bin of a finite value: the number of upper edges strictly below it. */
export function binOf(edges: readonly number[], value: number): number {
  let low = 0;
  let high = edges.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (edges[middle] < value) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }

  return low;
}

/**
 * Population stability index of actual bin counts against the reference shares:
 * PSI = Σᵢ (aᵢ − eᵢ) ln(aᵢ / eᵢ), with aᵢ the actual and eᵢ the reference share (Siddiqi,
 * Credit Risk Scorecards, 2006, ch. 8; Yurdakul 2018). Both shares are floored at
 * `PSI_SHARE_FLOOR` = 1e−4 (not renormalised) so an empty bin adds a large but finite term.
 * Usual reading: < 0.1 stable, 0.1–0.25 moderate shift, > 0.25 major shift. Throws
 * `BAD_USER_INPUT` when the counts do not match the bins or are all zero.
 */
export function populationStabilityIndex(
  reference: ReferenceHistogram,
  actualCounts: readonly number[],
): number {
  if (actualCounts.length !== reference.shares.length) {
    throw badInput(
      `expected ${reference.shares.length} bin counts, got ${actualCounts.length}`,
      'actualCounts',
    );
  }
  const total = actualCounts.reduce((sum, count) => sum + count, 0);
  if (!(total > 0)) {
    throw badInput('the actual counts are all zero', 'actualCounts');
  }
  let psi = 0;
  for (let i = 0; i < actualCounts.length; i++) {
    const actual = Math.max(actualCounts[i] / total, PSI_SHARE_FLOOR);
    const expected = Math.max(reference.shares[i], PSI_SHARE_FLOOR);
    psi += (actual - expected) * Math.log(actual / expected);
  }

  return psi;
}
