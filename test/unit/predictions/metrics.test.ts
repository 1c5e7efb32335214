import {
  PSI_SHARE_FLOOR,
  averagePrecision,
  brierScore,
  brierSkillScore,
  calibrationTable,
  evaluateBinary,
  expectedCalibrationError,
  histogramCounts,
  liftAtTop,
  logLoss,
  populationStabilityIndex,
  referenceHistogram,
  rocAuc,
} from '../../../src/predictions/metrics';
import { PulseError } from '../../../src/errors';
import { seededRandom } from '../../../src/predictions/models/random';

// Independent references: brute-force pair counting and the threshold-by-threshold definition.
function bruteForceAuc(scores: number[], labels: number[]): number {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < scores.length; i++) {
    for (let j = 0; j < scores.length; j++) {
      if (labels[i] === 1 && labels[j] === 0) {
        pairs++;
        wins += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
      }
    }
  }

  return wins / pairs;
}

function bruteForceAveragePrecision(scores: number[], labels: number[]): number {
  const positives = labels.filter((y) => y === 1).length;
  const thresholds = [...new Set(scores)].sort((a, b) => b - a);
  let previousRecall = 0;
  let ap = 0;
  for (const t of thresholds) {
    const selected = scores.map((s, i) => (s >= t ? i : -1)).filter((i) => i >= 0);
    const hits = selected.filter((i) => labels[i] === 1).length;
    const recall = hits / positives;
    ap += (recall - previousRecall) * (hits / selected.length);
    previousRecall = recall;
  }

  return ap;
}

function randomData(
  n: number,
  seed: number,
  levels: number,
): { scores: number[]; labels: number[] } {
  const random = seededRandom(seed);
  const scores: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    // Few distinct levels, so ties are frequent.
    const score = Math.floor(random() * levels) / levels;
    scores.push(score);
    labels.push(random() < 0.2 + 0.6 * score ? 1 : 0);
  }

  return { scores, labels };
}

// Labels drawn with P(y = 1) = p, the definition of a calibrated forecast.
function calibratedSample(n: number, seed: number): { scores: number[]; labels: number[] } {
  const random = seededRandom(seed);
  const scores: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const p = 0.05 + 0.85 * random();
    scores.push(p);
    labels.push(random() < p ? 1 : 0);
  }

  return { scores, labels };
}

const docScores = [0.1, 0.4, 0.35, 0.8];
const docLabels = [0, 0, 1, 1];

describe('rocAuc', () => {
  it('gives 0.75 on the scikit-learn documentation example', () => {
    expect(rocAuc(docScores, docLabels)).toBeCloseTo(0.75, 12);
  });

  it('matches a brute-force pair count with ties counting one half on random tied data', () => {
    for (const seed of [1, 2, 3]) {
      const { scores, labels } = randomData(400, seed, 7);
      expect(rocAuc(scores, labels)).toBeCloseTo(bruteForceAuc(scores, labels), 12);
    }
  });

  it('gives 0.5 when every score is tied', () => {
    expect(rocAuc([0.3, 0.3, 0.3, 0.3], [1, 0, 0, 1])).toBe(0.5);
  });

  it('returns null when one class is absent', () => {
    expect(rocAuc([0.1, 0.9], [1, 1])).toBeNull();
    expect(rocAuc([0.1, 0.9], [0, 0])).toBeNull();
  });

  it('accepts typed arrays', () => {
    expect(rocAuc(Float64Array.from(docScores), Uint8Array.from(docLabels))).toBeCloseTo(0.75, 12);
  });

  it.each([
    ['mismatched lengths', [0.1, 0.2], [1], 'labels'],
    ['empty input', [], [], 'scores'],
    ['a NaN score', [0.1, NaN], [1, 0], 'scores[1]'],
    ['a label of 2', [0.1, 0.2], [1, 2], 'labels[1]'],
  ])('throws BAD_USER_INPUT on %s', (_, scores, labels, field) => {
    expect(() => rocAuc(scores, labels)).toThrow(PulseError);
    try {
      rocAuc(scores, labels);
    } catch (error) {
      expect((error as PulseError).code).toBe('BAD_USER_INPUT');
      expect((error as PulseError).field).toBe(field);
    }
  });
});

describe('averagePrecision', () => {
  it('gives 0.8333 on the scikit-learn documentation example', () => {
    expect(averagePrecision(docScores, docLabels)).toBeCloseTo(0.5 + 0.5 * (2 / 3), 12);
  });

  it('groups tied scores into one threshold', () => {
    // One threshold: precision 1/2 at recall 1.
    expect(averagePrecision([0.5, 0.5, 0.5, 0.5], [1, 0, 1, 0])).toBe(0.5);
    // Thresholds 0.9 (P 1, R 1/3) then 0.4 with three tied rows (P 3/4, R 1).
    expect(averagePrecision([0.9, 0.4, 0.4, 0.4], [1, 1, 0, 1])).toBeCloseTo(
      1 / 3 + (2 / 3) * 0.75,
      12,
    );
  });

  it('matches the threshold-by-threshold definition on random tied data', () => {
    for (const seed of [4, 5]) {
      const { scores, labels } = randomData(300, seed, 9);
      expect(averagePrecision(scores, labels)).toBeCloseTo(
        bruteForceAveragePrecision(scores, labels),
        12,
      );
    }
  });

  it('returns null without positives and 1 when every row is positive', () => {
    expect(averagePrecision([0.2, 0.7], [0, 0])).toBeNull();
    expect(averagePrecision([0.2, 0.7], [1, 1])).toBe(1);
  });
});

describe('logLoss', () => {
  it('gives 0.21616 on the scikit-learn documentation example', () => {
    expect(logLoss([0.9, 0.1, 0.2, 0.65], [1, 0, 0, 1])).toBeCloseTo(0.21616187468057912, 12);
  });

  it('equals the hand-computed mean of −ln of the probability given to the outcome', () => {
    expect(logLoss([0.9, 0.2, 0.6], [1, 0, 0])).toBeCloseTo(
      -(Math.log(0.9) + Math.log(0.8) + Math.log(0.4)) / 3,
      14,
    );
  });

  it('clips probabilities at 1e-15 so a certain miss costs −ln(1e-15)', () => {
    expect(logLoss([0, 1], [1, 0])).toBeCloseTo(-Math.log(1e-15), 6);
    expect(logLoss([0, 1], [1, 0])).toBeCloseTo(34.538776394910684, 6);
  });
});

describe('brierScore and brierSkillScore', () => {
  it('gives 0.0375 on the scikit-learn documentation example', () => {
    expect(brierScore([0.1, 0.9, 0.8, 0.3], [0, 1, 1, 0])).toBeCloseTo(0.0375, 14);
  });

  it('scores 1 − Brier / (ȳ(1 − ȳ)) by hand', () => {
    expect(brierSkillScore([0.1, 0.9, 0.8, 0.3], [0, 1, 1, 0])).toBeCloseTo(1 - 0.0375 / 0.25, 12);
  });

  it('gives a skill of 0 to the constant base-rate forecast', () => {
    const labels = [1, 0, 0, 0, 1, 0, 0, 0, 0, 0];
    expect(brierSkillScore(new Array(10).fill(0.2), labels)).toBeCloseTo(0, 14);
  });

  it('returns a null skill when the base rate is 0 or 1', () => {
    expect(brierSkillScore([0.2, 0.3], [0, 0])).toBeNull();
    expect(brierSkillScore([0.2, 0.3], [1, 1])).toBeNull();
  });
});

describe('calibrationTable and expectedCalibrationError', () => {
  it('cuts 20 rows into deciles of two rows with their means, rates and score ranges', () => {
    const scores = Array.from({ length: 20 }, (_, i) => (19 - i) / 20);
    const labels = scores.map((_, i) => (i % 3 === 0 ? 1 : 0));
    const table = calibrationTable(scores, labels);
    expect(table).toHaveLength(10);
    expect(table[0]).toEqual({
      bin: 1,
      count: 2,
      meanPredicted: 0.025,
      observedRate: 0.5, // scores 0 (row 19, negative) and 0.05 (row 18, positive)
      lowerScore: 0,
      upperScore: 0.05,
    });
    expect(table[9]).toMatchObject({ bin: 10, count: 2, lowerScore: 0.9, upperScore: 0.95 });
    expect(table[9].observedRate).toBe(0.5); // row 0 positive, row 1 negative
  });

  it('keeps equal scores in one bin, giving fewer bins when scores are tied', () => {
    const scores = [0.1, 0.1, 0.1, 0.1, 0.1, 0.2, 0.2, 0.2, 0.2, 0.2];
    const labels = [0, 0, 0, 0, 1, 1, 1, 0, 1, 1];
    expect(calibrationTable(scores, labels)).toEqual([
      { bin: 1, count: 5, meanPredicted: 0.1, observedRate: 0.2, lowerScore: 0.1, upperScore: 0.1 },
      { bin: 2, count: 5, meanPredicted: 0.2, observedRate: 0.8, lowerScore: 0.2, upperScore: 0.2 },
    ]);
  });

  it('weights each bin gap by its share of rows in the ECE', () => {
    const table = [
      { bin: 1, count: 30, meanPredicted: 0.1, observedRate: 0.2, lowerScore: 0, upperScore: 0.2 },
      { bin: 2, count: 10, meanPredicted: 0.6, observedRate: 0.4, lowerScore: 0.2, upperScore: 1 },
    ];
    expect(expectedCalibrationError(table)).toBeCloseTo((30 * 0.1 + 10 * 0.2) / 40, 14);
  });

  it('finds an ECE under 0.01 on 200,000 perfectly calibrated synthetic rows', () => {
    const { scores, labels } = calibratedSample(200_000, 11);
    const table = calibrationTable(scores, labels);
    expect(table.map((bin) => bin.count)).toEqual(new Array(10).fill(20_000));
    expect(expectedCalibrationError(table)).toBeLessThan(0.01);
  });

  it('finds an ECE of about the shift for a predictor shifted up by 0.05', () => {
    const { scores, labels } = calibratedSample(200_000, 12);
    const shifted = scores.map((p) => p + 0.05);
    expect(expectedCalibrationError(calibrationTable(shifted, labels))).toBeCloseTo(0.05, 2);
  });
});

describe('liftAtTop', () => {
  const scores = [0.95, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1];
  const labels = [1, 0, 1, 0, 0, 0, 1, 0, 0, 0];

  it('gives the top decile lift and gain of a hand example', () => {
    // Top row positive: rate 1 against 3/10 overall; captures 1 of 3 positives.
    const { lift, gain } = liftAtTop(scores, labels);
    expect(lift).toBeCloseTo(1 / 0.3, 12);
    expect(gain).toBeCloseTo(1 / 3, 12);
  });

  it('takes ⌈share·N⌉ rows for other shares', () => {
    // Top 3 rows hold 2 positives: lift (2/3)/(3/10), gain 2/3.
    const { lift, gain } = liftAtTop(scores, labels, 0.3);
    expect(lift).toBeCloseTo(2 / 3 / 0.3, 12);
    expect(gain).toBeCloseTo(2 / 3, 12);
  });

  it('credits a tie group straddling the cut pro rata', () => {
    // Top 2 rows: row 0 (positive) plus 1 of the 3 tied rows holding 1 positive → 1 + 1/3.
    const result = liftAtTop([0.9, 0.5, 0.5, 0.5, 0.1], [1, 1, 0, 0, 0], 0.4);
    expect(result.gain).toBeCloseTo(4 / 3 / 2, 12);
    expect(result.lift).toBeCloseTo(4 / 3 / 2 / (2 / 5), 12);
  });

  it('returns null lift and gain without positives', () => {
    expect(liftAtTop([0.1, 0.2], [0, 0])).toEqual({ lift: null, gain: null });
  });

  it('throws BAD_USER_INPUT for a share outside (0, 1]', () => {
    expect(() => liftAtTop(scores, labels, 0)).toThrow('share must be in (0, 1], got 0');
  });
});

describe('evaluateBinary', () => {
  it('bundles every metric of the scikit-learn documentation example', () => {
    const metrics = evaluateBinary(docScores, docLabels);
    expect(metrics).toMatchObject({ count: 4, positiveRate: 0.5, topDecileGain: 0.5 });
    expect(metrics.auc).toBeCloseTo(0.75, 12);
    expect(metrics.averagePrecision).toBeCloseTo(5 / 6, 12);
    expect(metrics.brier).toBeCloseTo((0.01 + 0.16 + 0.65 ** 2 + 0.04) / 4, 12);
    expect(metrics.topDecileLift).toBe(2);
    // Four distinct scores, fewer rows than deciles: one row per bin.
    expect(metrics.calibration).toHaveLength(4);
    expect(metrics.ece).toBeCloseTo((0.1 + 0.4 + 0.65 + 0.2) / 4, 12);
  });
});

describe('population stability index', () => {
  it('cuts reference quantiles at observed values with right-closed bins', () => {
    const reference = referenceHistogram([10, 9, 8, 7, 6, 5, 4, 3, 2, 1], 5);
    expect(reference).toEqual({ edges: [2, 4, 6, 8], shares: [0.2, 0.2, 0.2, 0.2, 0.2] });
    expect(histogramCounts(reference, [2, 2.5, 8, 8.1, 100, -5])).toEqual([2, 1, 0, 1, 2]);
  });

  it('collapses duplicate edges so a binary feature gets two bins and a constant one bin', () => {
    const binary = [...new Array(30).fill(0), ...new Array(70).fill(1)];
    expect(referenceHistogram(binary)).toEqual({ edges: [0], shares: [0.3, 0.7] });
    expect(referenceHistogram([4, 4, 4])).toEqual({ edges: [], shares: [1] });
  });

  it('is 0 for the reference sample itself and near 0 for a fresh sample of the same law', () => {
    const random = seededRandom(21);
    const draw = () => Array.from({ length: 50_000 }, () => random() ** 2);
    const training = draw();
    const reference = referenceHistogram(training);
    expect(populationStabilityIndex(reference, histogramCounts(reference, training))).toBe(0);
    expect(populationStabilityIndex(reference, histogramCounts(reference, draw()))).toBeLessThan(
      0.002,
    );
  });

  it('equals the hand-computed two-bin value', () => {
    const reference = { edges: [0.5], shares: [0.5, 0.5] };
    const expected = (0.3 - 0.5) * Math.log(0.3 / 0.5) + (0.7 - 0.5) * Math.log(0.7 / 0.5);
    expect(populationStabilityIndex(reference, [30, 70])).toBeCloseTo(expected, 14);
    expect(populationStabilityIndex(reference, [30, 70])).toBeCloseTo(0.16945957207744, 12);
  });

  it('floors empty shares at 1e-4 so an emptied bin gives a finite index', () => {
    expect(PSI_SHARE_FLOOR).toBe(1e-4);
    const reference = { edges: [0.5], shares: [1, 0] };
    // a = (1e-4, 1), e = (1, 1e-4): 2 · (1 − 1e-4) · ln(1e4).
    expect(populationStabilityIndex(reference, [0, 10])).toBeCloseTo(
      2 * (1 - 1e-4) * Math.log(1e4),
      12,
    );
  });

  it('throws BAD_USER_INPUT when the counts do not match the bins or are all zero', () => {
    const reference = { edges: [0.5], shares: [0.5, 0.5] };
    expect(() => populationStabilityIndex(reference, [1, 2, 3])).toThrow(
      'expected 2 bin counts, got 3',
    );
    expect(() => populationStabilityIndex(reference, [0, 0])).toThrow(
      'the actual counts are all zero',
    );
  });
});
