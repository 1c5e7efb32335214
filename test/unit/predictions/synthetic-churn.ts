import { seededRandom } from '../../../src/predictions/models/random';

/** Feature names in column order; the planted log-odds effects are in TRUE_COEFFICIENTS. */
export const CHURN_FEATURES = [
  'recency',
  'frequency',
  'supportTickets',
  'surveyScore',
  'monetary',
  'tenure',
  'noiseA',
  'noiseB',
];
const TRUE_COEFFICIENTS = [0.8, -0.6, 0.5, -0.4, -0.3, 0.3, 0, 0];
const TRUE_INTERCEPT = -1.2;
// Recency and frequency are correlated (−0.4) as in real customer data, so that recovering
// their separate effects is not trivial.
const RECENCY_FREQUENCY_CORRELATION = -0.4;

export interface SyntheticChurn {
  rows: Float64Array[];
  labels: number[];
  trueCoefficients: number[];
  trueIntercept: number;
}

/**
 * n customers with standardised features (each N(0, 1)) and churn labels drawn from a known
 * logistic model: P(churn) = σ(trueIntercept + Σ trueCoefficientsⱼ · xⱼ). Pure and seeded.
 */
export function syntheticChurn(n: number, seed: number): SyntheticChurn {
  const random = seededRandom(seed);
  // Box–Muller; 1 − u keeps the logarithm's argument in (0, 1].
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const rows: Float64Array[] = [];
  const labels: number[] = [];
  const rho = RECENCY_FREQUENCY_CORRELATION;
  for (let i = 0; i < n; i++) {
    const row = new Float64Array(CHURN_FEATURES.length);
    for (let j = 0; j < row.length; j++) {
      row[j] = normal();
    }
    row[1] = rho * row[0] + Math.sqrt(1 - rho * rho) * row[1];
    let eta = TRUE_INTERCEPT;
    TRUE_COEFFICIENTS.forEach((beta, j) => {
      eta += beta * row[j];
    });
    rows.push(row);
    labels.push(random() < 1 / (1 + Math.exp(-eta)) ? 1 : 0);
  }

  return {
    rows,
    labels,
    trueCoefficients: [...TRUE_COEFFICIENTS],
    trueIntercept: TRUE_INTERCEPT,
  };
}
