import type { VariantDefinition } from '../experiment-definition';
import { type SrmResult, checkSampleRatio } from '../stats/srm';

/** Checks that say whether results can be trusted at all. */
export interface HealthChecks {
  sampleRatio: SrmResult;
  /** Variants with fewer exposed customers than the minimum. */
  lowDataVariants: string[];
  /** Customers exposed to more than one variant (e.g. merged records). */
  mixedExposures: number;
  /** Every problem above, in words. */
  warnings: string[];
}

/** SRM against the configured weights, low data and mixed exposures. */
export function checkHealth(
  variants: readonly VariantDefinition[],
  exposures: ReadonlyArray<{ variantKey: string; n: number }>,
  mixedExposures: number,
  minimumSamplePerVariant: number,
): HealthChecks {
  const observed = variants.map(
    (variant) => exposures.find((e) => e.variantKey === variant.key)?.n ?? 0,
  );
  const sampleRatio = checkSampleRatio({
    observed,
    weights: variants.map((variant) => variant.weight),
  });
  const lowDataVariants = variants
    .filter((_, i) => observed[i] < minimumSamplePerVariant)
    .map((variant) => variant.key);
  const warnings: string[] = [];
  if (sampleRatio.flagged) {
    warnings.push(
      `Sample ratio mismatch: exposures ${observed.join('/')} against expected ${sampleRatio.expected
        .map((e) => e.toFixed(1))
        .join('/')} (p = ${sampleRatio.pValue.value?.toExponential(2)} < ${sampleRatio.threshold})`,
    );
  }
  if (lowDataVariants.length) {
    warnings.push(
      `Fewer than ${minimumSamplePerVariant} exposed customers in ${lowDataVariants.join(', ')}`,
    );
  }
  if (mixedExposures > 0) {
    warnings.push(`${mixedExposures} customers were exposed to more than one variant`);
  }

  return { sampleRatio, lowDataVariants, mixedExposures, warnings };
}
