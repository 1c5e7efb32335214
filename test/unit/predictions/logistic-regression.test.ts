import { type BinaryDataset, inBatches } from '../../../src/predictions/models/dataset';
import { solveSymmetric } from '../../../src/predictions/models/linear-algebra';
import {
  fitLogisticRegression,
  logisticContributions,
  logisticScore,
} from '../../../src/predictions/models/logistic-regression';
import { syntheticChurn } from './synthetic-churn';

const logit = (p: number) => Math.log(p / (1 - p));

function dataset(rows: number[][], labels: number[]): BinaryDataset {
  return { rows: rows.map((row) => Float64Array.from(row)), labels };
}

describe('solveSymmetric', () => {
  it('solves a 3×3 symmetric positive-definite system exactly', () => {
    // A = [[4,12,−16],[12,37,−43],[−16,−43,98]] = L·Lᵀ with L = [[2,0,0],[6,1,0],[−8,5,3]];
    // b = A·[1, 2, 3] = [−20, −43, 192].
    const solution = solveSymmetric(
      [
        [4, 12, -16],
        [12, 37, -43],
        [-16, -43, 98],
      ],
      [-20, -43, 192],
    );
    expect(solution).not.toBeNull();
    [1, 2, 3].forEach((expected, i) => expect(solution?.[i]).toBeCloseTo(expected, 12));
  });

  it('returns null for a symmetric matrix that is not positive definite', () => {
    // Eigenvalues 3 and −1.
    expect(
      solveSymmetric(
        [
          [1, 2],
          [2, 1],
        ],
        [1, 1],
      ),
    ).toBeNull();
    expect(
      solveSymmetric(
        [
          [1, 1],
          [1, 1],
        ],
        [1, 1],
      ),
    ).toBeNull();
  });

  it('returns null when the right-hand side does not match the matrix size', () => {
    expect(solveSymmetric([[2]], [1, 2])).toBeNull();
  });
});

describe('fitLogisticRegression', () => {
  it('matches the closed-form MLE of one binary feature (logits of the two group rates) with l2 = 0', () => {
    // Group x = 0: 3 of 10 positive; group x = 1: 7 of 9 positive.
    const rows: number[][] = [];
    const labels: number[] = [];
    const add = (x: number, total: number, positives: number) => {
      for (let i = 0; i < total; i++) {
        rows.push([x]);
        labels.push(i < positives ? 1 : 0);
      }
    };
    add(0, 10, 3);
    add(1, 9, 7);
    const model = fitLogisticRegression(inBatches(dataset(rows, labels)), 1, { l2: 0 });
    expect(model.converged).toBe(true);
    expect(model.intercept).toBeCloseTo(logit(0.3), 6);
    expect(model.coefficients[0]).toBeCloseTo(logit(7 / 9) - logit(0.3), 6);
  });

  it('shrinks the coefficients with l2 > 0 and solves the penalised score equations, intercept unpenalised', () => {
    const data = syntheticChurn(400, 11);
    const lambda = 40;
    const plain = fitLogisticRegression(inBatches(data), 8, { l2: 0 });
    const ridge = fitLogisticRegression(inBatches(data), 8, { l2: lambda });
    expect(ridge.converged).toBe(true);
    expect(ridge.l2).toBe(lambda);
    const norm = (beta: number[]) => Math.hypot(...beta);
    expect(norm(ridge.coefficients)).toBeLessThan(0.8 * norm(plain.coefficients));

    // Σᵢ (yᵢ − pᵢ) = 0 and Σᵢ xᵢⱼ (yᵢ − pᵢ) = λβⱼ, with p computed here from the fitted βs.
    const score = new Array<number>(9).fill(0);
    data.rows.forEach((x, i) => {
      let eta = ridge.intercept;
      ridge.coefficients.forEach((beta, j) => (eta += beta * x[j]));
      const residual = data.labels[i] - 1 / (1 + Math.exp(-eta));
      score[0] += residual;
      x.forEach((value, j) => (score[j + 1] += value * residual));
    });
    expect(Math.abs(score[0])).toBeLessThan(1e-8);
    ridge.coefficients.forEach((beta, j) => {
      expect(Math.abs(score[j + 1] - lambda * beta)).toBeLessThan(1e-8);
    });
  });

  it('gives the same model for one batch and seven batches (to 1e-10)', () => {
    const data = syntheticChurn(700, 5);
    const one = fitLogisticRegression(inBatches(data, 700), 8);
    const seven = fitLogisticRegression(inBatches(data, 100), 8);
    expect(seven.iterations).toBe(one.iterations);
    expect(Math.abs(seven.intercept - one.intercept)).toBeLessThan(1e-10);
    seven.coefficients.forEach((beta, j) => {
      expect(Math.abs(beta - one.coefficients[j])).toBeLessThan(1e-10);
    });
  });

  it('returns finite parameters on perfectly separable data with l2 = 0', () => {
    const rows = [-2, -1.5, -1, -0.5, 0.5, 1, 1.5, 2].map((x) => [x]);
    const labels = rows.map(([x]) => (x > 0 ? 1 : 0));
    const model = fitLogisticRegression(inBatches(dataset(rows, labels)), 1, { l2: 0 });
    expect(Number.isFinite(model.intercept)).toBe(true);
    expect(Number.isFinite(model.coefficients[0])).toBe(true);
    // The MLE does not exist: either the fit admits it or the slope is already huge.
    expect(!model.converged || model.coefficients[0] > 10).toBe(true);
    expect(model.coefficients[0]).toBeGreaterThan(5);
  });

  it('recovers the sign of every planted churn effect and its size within 15 %', () => {
    const data = syntheticChurn(40_000, 2026);
    const model = fitLogisticRegression(inBatches(data, 5_000), 8);
    expect(model.converged).toBe(true);
    expect(Math.abs(model.intercept - data.trueIntercept)).toBeLessThan(
      0.15 * Math.abs(data.trueIntercept),
    );
    data.trueCoefficients.forEach((truth, j) => {
      const fitted = model.coefficients[j];
      if (truth === 0) {
        expect([j, Math.abs(fitted) < 0.05]).toEqual([j, true]);
      } else {
        expect([j, Math.sign(fitted), Math.abs(fitted - truth) < 0.15 * Math.abs(truth)]).toEqual([
          j,
          Math.sign(truth),
          true,
        ]);
      }
    });
  });

  it('rejects a negative l2 and a zero maxIterations with BAD_USER_INPUT naming the option', () => {
    const source = inBatches(dataset([[1]], [1]));
    expect(() => fitLogisticRegression(source, 1, { l2: -1 })).toThrow(
      expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'options.l2' }),
    );
    expect(() => fitLogisticRegression(source, 1, { maxIterations: 0 })).toThrow(
      expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'options.maxIterations' }),
    );
  });
});

describe('logisticScore and logisticContributions', () => {
  const model = { intercept: -1, coefficients: [2, -0.5], iterations: 1, converged: true, l2: 0 };

  it('scores σ(β₀ + Σ βⱼxⱼ) and stays finite at extreme log-odds', () => {
    expect(logisticScore(model, [1, 2])).toBeCloseTo(1 / (1 + Math.exp(0)), 15);
    expect(logisticScore(model, [0.5, -4])).toBeCloseTo(1 / (1 + Math.exp(-2)), 15);
    expect(logisticScore(model, [-1000, 0])).toBe(0);
    expect(logisticScore(model, [1000, 0])).toBe(1);
  });

  it('splits the log-odds into βⱼxⱼ per feature', () => {
    expect(logisticContributions(model, [0.5, -4])).toEqual([1, 2]);
  });
});
