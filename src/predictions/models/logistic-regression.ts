import { badInput } from '../../errors';
import { type BatchSource } from './dataset';
import { solveSymmetric } from './linear-algebra';

/** Options of `fitLogisticRegression`. */
export interface LogisticOptions {
  /** Ridge penalty λ in ½λ‖β‖², not applied to the intercept. Defaults to 1.0. */
  l2?: number;
  /** Newton iterations before giving up with `converged: false`. Defaults to 50. */
  maxIterations?: number;
  /** Converged when max |Δβ| < tolerance · (1 + max |β|). Defaults to 1e-8. */
  tolerance?: number;
}

/** A fitted model: plain numbers, so it can be stored as JSON and reloaded for scoring. */
export interface LogisticModel {
  intercept: number;
  coefficients: number[];
  /** Newton steps taken. */
  iterations: number;
  /** False when maxIterations was reached, the Hessian was singular or no step decreased the
   * penalised deviance (e.g. separable data with l2 = 0); the parameters are then the last
   * finite iterate. */
  converged: boolean;
  l2: number;
}

// Halving the Newton step this many times shrinks it by 2⁻³⁰: past that it is rounding noise.
const MAX_HALVINGS = 30;

/** Relative deviance gain below which an accepted step counts as convergence. */
const DEVIANCE_TOLERANCE = 1e-14;

/** One pass over the data at fixed β: Hessian, gradient and penalised deviance. */
interface Pass {
  hessian: Float64Array; // (p+1)², lower triangle filled; index 0 is the intercept
  gradient: Float64Array;
  deviance: number;
}

/**
 * Log loss of one row at log-odds η, −[y log σ(η) + (1 − y) log(1 − σ(η))] = log(1 + e^η) − yη,
 * computed without overflow for any finite η.
 */
export function logLossAtLogOdds(eta: number, y: number): number {
  const softplus = eta > 0 ? eta + Math.log1p(Math.exp(-eta)) : Math.log1p(Math.exp(eta));

  return softplus - y * eta;
}

/** The logistic function σ(η) = 1 / (1 + e^−η), without overflow for any finite η. */
export function sigmoid(eta: number): number {
  if (eta >= 0) {
    return 1 / (1 + Math.exp(-eta));
  }
  const e = Math.exp(eta);

  return e / (1 + e);
}

function accumulate(source: BatchSource, beta: Float64Array, l2: number): Pass {
  const size = beta.length;
  const p = size - 1;
  const hessian = new Float64Array(size * size);
  const gradient = new Float64Array(size);
  let deviance = 0;
  for (const batch of source()) {
    const { rows, labels } = batch;
    for (let i = 0; i < rows.length; i++) {
      const x = rows[i];
      if (x.length !== p) {
        throw badInput(`every row must have ${p} features, got ${x.length}`, 'rows');
      }
      let eta = beta[0];
      for (let j = 0; j < p; j++) {
        eta += beta[j + 1] * x[j];
      }
      const y = labels[i];
      const prob = sigmoid(eta);
      const weight = prob * (1 - prob);
      const residual = prob - y;
      // −2 log-likelihood of one row: 2[log(1 + e^η) − yη].
      deviance += 2 * logLossAtLogOdds(eta, y);
      gradient[0] += residual;
      hessian[0] += weight;
      for (let j = 0; j < p; j++) {
        const wx = weight * x[j];
        gradient[j + 1] += residual * x[j];
        const row = (j + 1) * size;
        hessian[row] += wx;
        for (let k = 0; k <= j; k++) {
          hessian[row + k + 1] += wx * x[k];
        }
      }
    }
  }
  for (let j = 1; j < size; j++) {
    hessian[j * size + j] += l2;
    gradient[j] += l2 * beta[j];
    deviance += l2 * beta[j] * beta[j];
  }

  return { hessian, gradient, deviance };
}

function newtonStep(pass: Pass): number[] | null {
  const size = pass.gradient.length;
  const matrix: number[][] = [];
  for (let i = 0; i < size; i++) {
    const row = new Array<number>(size).fill(0);
    for (let k = 0; k <= i; k++) {
      row[k] = pass.hessian[i * size + k];
    }
    matrix.push(row);
  }

  return solveSymmetric(
    matrix,
    Array.from(pass.gradient, (g) => -g),
  );
}

function validated(options: LogisticOptions): Required<LogisticOptions> {
  const { l2 = 1, maxIterations = 50, tolerance = 1e-8 } = options;
  if (!(l2 >= 0) || !Number.isFinite(l2)) {
    throw badInput(`l2 must be a finite number ≥ 0, got ${l2}`, 'options.l2');
  }
  if (!Number.isInteger(maxIterations) || maxIterations < 1) {
    throw badInput(
      `maxIterations must be an integer ≥ 1, got ${maxIterations}`,
      'options.maxIterations',
    );
  }
  if (!(tolerance > 0) || !Number.isFinite(tolerance)) {
    throw badInput(`tolerance must be a finite number > 0, got ${tolerance}`, 'options.tolerance');
  }

  return { l2, maxIterations, tolerance };
}

/**
 * Fits P(y = 1 | x) = σ(β₀ + Σⱼ βⱼxⱼ) by penalised maximum likelihood: minimises the penalised
 * deviance D(β) + λ Σ_{j≥1} βⱼ² with iteratively reweighted least squares, i.e. Newton's method
 * (McCullagh & Nelder, Generalized Linear Models, 2nd ed., §4.4; Hastie, Tibshirani & Friedman,
 * Elements of Statistical Learning, §4.4.1). Each iteration streams every batch once and
 * accumulates H = XᵀWX + λI and g = Xᵀ(p − y) + λβ (W = diag pᵢ(1 − pᵢ); no λ on the intercept
 * row and column), then takes the step Δ = −H⁻¹g by Cholesky. If the penalised deviance at the
 * new β is higher than at the old one the step is halved (up to 30 times). Stops when
 * max |Δ| < tolerance · (1 + max |β|), or when an accepted step gains less than 1e-14 of the
 * deviance. Batch boundaries do not change the sums' order, so the
 * result does not depend on the batch size. Features should be standardised by the caller.
 * Invalid options or a row of the wrong width throw BAD_USER_INPUT.
 */
export function fitLogisticRegression(
  source: BatchSource,
  featureCount: number,
  options: LogisticOptions = {},
): LogisticModel {
  const { l2, maxIterations, tolerance } = validated(options);
  if (!Number.isInteger(featureCount) || featureCount < 0) {
    throw badInput(`featureCount must be an integer ≥ 0, got ${featureCount}`, 'featureCount');
  }
  let beta = new Float64Array(featureCount + 1);
  let previous = beta;
  let pass = accumulate(source, beta, l2);
  let bestDeviance = pass.deviance;
  let step: number[] | null = null;
  let iterations = 0;
  let converged = false;
  let halvings = 0;
  while (iterations < maxIterations) {
    if (step !== null && !(pass.deviance <= bestDeviance)) {
      // The full step overshot (or overflowed): retry half of it from the previous iterate.
      if (halvings === MAX_HALVINGS) {
        beta = previous;
        break;
      }
      halvings++;
      step = step.map((delta) => delta / 2);
      beta = previous.map((b, j) => b + (step as number[])[j]);
      pass = accumulate(source, beta, l2);
      continue;
    }
    // Near the optimum the step can stay above the tolerance along a poorly conditioned
    // direction (a column nearly equal to the intercept) while the deviance no longer moves:
    // rounding then decides each step, and the loop would halve to the end. A relative gain
    // below 1e-14 is convergence (R's glm uses the same test at 1e-8).
    if (
      step !== null &&
      bestDeviance - pass.deviance <= DEVIANCE_TOLERANCE * (Math.abs(pass.deviance) + 0.1)
    ) {
      converged = true;
      break;
    }
    bestDeviance = pass.deviance;
    halvings = 0;
    step = newtonStep(pass);
    if (step === null) {
      break;
    }
    iterations++;
    previous = beta;
    beta = beta.map((b, j) => b + (step as number[])[j]);
    const largestStep = Math.max(...step.map(Math.abs));
    const largestBeta = Math.max(...Array.from(beta, Math.abs));
    if (largestStep < tolerance * (1 + largestBeta)) {
      converged = true;
      break;
    }
    if (iterations < maxIterations) {
      pass = accumulate(source, beta, l2);
    }
  }
  if (!beta.every(Number.isFinite)) {
    beta = previous;
    converged = false;
  }

  return {
    intercept: beta[0],
    coefficients: Array.from(beta.subarray(1)),
    iterations,
    converged,
    l2,
  };
}

/** The model's probability σ(β₀ + Σⱼ βⱼxⱼ) for one encoded row, computed without overflow. */
export function logisticScore(model: LogisticModel, row: ArrayLike<number>): number {
  let eta = model.intercept;
  model.coefficients.forEach((beta, j) => {
    eta += beta * row[j];
  });

  return sigmoid(eta);
}

/**
 * Each feature's contribution βⱼxⱼ to the row's log-odds. Features are standardised by the
 * caller, so 0 is the training average and a contribution is the shift from an average
 * customer's log-odds; Σ contributions + intercept = log-odds.
 */
export function logisticContributions(model: LogisticModel, row: ArrayLike<number>): number[] {
  return model.coefficients.map((beta, j) => beta * row[j]);
}
