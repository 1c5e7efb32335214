import { badInput } from '../../errors';
import type { MetricKind } from '../experiment-definition';
import { checkVariants } from '../experiment-input';
import type { ArmSums } from '../outcome-sums';
import type { ExperimentAnalysisInput } from './analyze-experiment';

/** One variant's numbers as an analyst brings them from elsewhere. */
export interface SummaryVariant {
  key: string;
  weight: number;
  isControl: boolean;
  n: number;
  sum: number;
  /** Σy²; for PROPORTION it equals Σy and may be omitted. */
  sumSquares: number | null;
  covariate: ArmSums['covariate'];
  denominator: ArmSums['denominator'];
}

/**
 * The analysis input for one metric (as the only GOAL) from sums given directly. Throws
 * BAD_USER_INPUT naming `input.variants[i].<field>` for numbers no data could produce.
 */
export function summaryAnalysisInput(
  kind: MetricKind,
  inverse: boolean,
  variants: readonly SummaryVariant[],
): ExperimentAnalysisInput {
  checkVariants(
    variants.map((v) => ({ ...v, name: v.key, costPerCustomer: null })),
    'input.variants',
  );
  const arms = variants.map((variant, i): ArmSums => {
    const at = `input.variants[${i}]`;
    if (!(Number.isInteger(variant.n) && variant.n >= 0)) {
      throw badInput(`must be a whole number ≥ 0, got ${variant.n}`, `${at}.n`);
    }
    if (
      kind === 'PROPORTION' &&
      !(Number.isInteger(variant.sum) && variant.sum >= 0 && variant.sum <= variant.n)
    ) {
      throw badInput('conversions must be a whole number between 0 and n', `${at}.sum`);
    }
    if (kind !== 'PROPORTION' && variant.sumSquares === null) {
      throw badInput(`a ${kind} metric needs sumSquares`, `${at}.sumSquares`);
    }
    // Σy² ≥ (Σy)²/n for any real data (Cauchy–Schwarz); a little slack absorbs rounding.
    const { n, sum, sumSquares } = variant;
    if (sumSquares !== null && n > 0 && sumSquares * n < sum * sum * (1 - 1e-9)) {
      throw badInput('sumSquares is below sum²/n, which no data can give', `${at}.sumSquares`);
    }
    if (kind === 'RATIO' && !variant.denominator) {
      throw badInput('a RATIO metric needs the denominator sums', `${at}.denominator`);
    }

    return {
      variantKey: variant.key,
      n: variant.n,
      sum: variant.sum,
      sumSquares: variant.sumSquares ?? variant.sum,
      covariate: kind === 'RATIO' ? null : variant.covariate,
      denominator: kind === 'RATIO' ? variant.denominator : null,
    };
  });
  if (arms.some((arm) => arm.covariate) && !arms.every((arm) => arm.covariate)) {
    throw badInput('give covariate sums for every variant or none', 'input.variants');
  }

  return {
    status: 'STOPPED',
    variants: variants.map((v) => ({ ...v, name: v.key, costPerCustomer: null })),
    exposures: variants.map((v) => ({ variantKey: v.key, n: v.n })),
    mixedExposures: 0,
    metrics: [
      {
        metricKey: 'summary',
        name: 'summary',
        kind,
        role: 'GOAL',
        inverse,
        measuresRevenue: false,
        arms,
      },
    ],
    looks: 1,
  };
}
