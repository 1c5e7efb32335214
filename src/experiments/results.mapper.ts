import type { ExperimentAnalysis, MetricResult } from './analysis/analyze-experiment';
import type { Comparison } from './analysis/compare-metric';
import type { Interval } from './stats/lift';
import type { Maybe } from './stats/sums';
import type { MetricKindValue, MetricRoleValue } from './experiment.types';
import type {
  AnalysisSettings,
  ExperimentResults,
  MetricResults,
  StatReasonValue,
  VariantComparison,
} from './results.types';

// Plain objects in the shape of results.types.ts; `Maybe` values become a nullable field and a
// `…Reason` field beside it.

const valueOf = <T>(maybe: Maybe<T>): T | null => maybe.value;
const reasonOf = <T>(maybe: Maybe<T>): StatReasonValue | null =>
  maybe.reason as StatReasonValue | null;
const interval = (value: Interval) => ({ lower: value.lower, upper: value.upper });

/** The GraphQL view of an analysis. */
export function toExperimentResults(analysis: ExperimentAnalysis): ExperimentResults {
  const srm = analysis.health.sampleRatio;

  return {
    settings: analysis.settings as AnalysisSettings,
    looks: analysis.looks,
    metrics: analysis.metrics.map(toMetricResults),
    health: {
      ...analysis.health,
      sampleRatio: {
        observed: srm.observed,
        expected: srm.expected,
        chiSquare: srm.chiSquare,
        pValue: srm.pValue.value,
        reason: srm.reason as StatReasonValue | null,
        threshold: srm.threshold,
        flagged: srm.flagged,
      },
    },
    multipleComparisons: analysis.multipleComparisons && {
      method: analysis.multipleComparisons.method as AnalysisSettings['correction'],
      familySize: analysis.multipleComparisons.familySize,
      alpha: analysis.multipleComparisons.alpha,
    },
    campaignReturns: analysis.campaignReturns,
    decision: analysis.decision as ExperimentResults['decision'],
  };
}

function toMetricResults(metric: MetricResult): MetricResults {
  return {
    metricKey: metric.metricKey,
    name: metric.name,
    kind: metric.kind as MetricKindValue,
    role: metric.role as MetricRoleValue,
    inverse: metric.inverse,
    variants: metric.variants.map((variant) => ({
      variantKey: variant.variantKey,
      n: variant.sums.n,
      sum: variant.sums.sum,
      sumSquares: variant.sums.sumSquares,
      denominatorSum: variant.sums.denominator?.sum ?? null,
      covariateSum: variant.sums.covariate?.sum ?? null,
      mean: variant.summary.value?.mean ?? null,
      sd: variant.summary.value ? Math.sqrt(variant.summary.value.variance) : null,
      reason: reasonOf(variant.summary),
    })),
    comparisons: metric.comparisons.map(toComparison),
    probabilityBest: metric.probabilityBest,
  };
}

function toComparison(comparison: Comparison): VariantComparison {
  const lift = comparison.relativeLift.value;
  const fieller = comparison.relativeLiftFieller.value;
  const difference = comparison.differenceInterval.value;
  const bayesian = comparison.bayesian.value;
  const sequential = comparison.sequential.value;
  const cuped = comparison.cuped?.value ?? null;
  const power = comparison.power.value;

  return {
    variantKey: comparison.variantKey,
    difference: valueOf(comparison.difference),
    differenceInterval: difference && interval(difference),
    relativeLift: lift && {
      estimate: lift.lift,
      standardError: lift.standardError,
      interval: interval(lift.interval),
    },
    relativeLiftReason: reasonOf(comparison.relativeLift),
    relativeLiftFieller: fieller && interval(fieller),
    relativeLiftFiellerReason: reasonOf(comparison.relativeLiftFieller),
    frequentist: valueOf(comparison.frequentist),
    frequentistReason: reasonOf(comparison.frequentist),
    bayesian: bayesian && {
      ...bayesian,
      liftCredibleInterval:
        bayesian.liftCredibleInterval && interval(bayesian.liftCredibleInterval),
      liftCredibleIntervalReason: bayesian.liftCredibleIntervalReason as StatReasonValue | null,
    },
    bayesianReason: reasonOf(comparison.bayesian),
    sequential: sequential && { ...sequential, interval: interval(sequential.interval) },
    sequentialReason: reasonOf(comparison.sequential),
    cuped: cuped && {
      ...cuped,
      thetaReason: cuped.thetaReason as StatReasonValue | null,
      adjustedInterval: interval(cuped.adjustedInterval),
      adjustedPValue: cuped.adjustedPValue.value,
      unadjustedPValue: cuped.unadjustedPValue.value,
    },
    cupedReason: comparison.cuped ? reasonOf(comparison.cuped) : null,
    power: power && {
      mdeAbsolute: power.mdeAbsolute,
      mdeRelative: power.mdeRelative.value,
      powerAtTarget: power.powerAtTarget.value,
    },
    improvement: comparison.improvement,
    pValue: comparison.decisionPValue,
    adjustedPValue: comparison.adjustedPValue,
    verdict: comparison.verdict as VariantComparison['verdict'],
  };
}
