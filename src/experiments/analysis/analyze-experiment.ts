import type {
  ExperimentStatus,
  MetricKind,
  MetricRole,
  VariantDefinition,
} from '../experiment-definition';
import type { ArmSums, MetricSums } from '../outcome-sums';
import { betaPosterior, probabilityEachBest } from '../stats/bayes-binomial';
import { type AdjustedPValues, adjustPValues } from '../stats/multiple-comparisons';
import { type ArmSummary, type Maybe } from '../stats/sums';
import { armSummary } from './arm-summary';
import { type CampaignReturn, campaignReturns } from './campaign-return';
import { type Comparison, compareMetric, judge } from './compare-metric';
import { type DecisionResult, decide } from './decision';
import { type HealthChecks, checkHealth } from './health';
import { type AnalysisSettings, applySettings } from './settings';

/** Everything an analysis reads: the design, the exposure counts and the SQL sums. */
export interface ExperimentAnalysisInput {
  status: ExperimentStatus;
  variants: VariantDefinition[];
  exposures: Array<{ variantKey: string; n: number }>;
  mixedExposures: number;
  metrics: MetricSums[];
  looks: number;
}

/** One variant on one metric. */
export interface VariantStats {
  variantKey: string;
  sums: ArmSums;
  summary: Maybe<ArmSummary>;
}

export interface MetricResult {
  metricKey: string;
  name: string;
  kind: MetricKind;
  role: MetricRole;
  inverse: boolean;
  variants: VariantStats[];
  /** Each treatment against the control. */
  comparisons: Comparison[];
  /** PROPORTION with three or more variants: P(each variant is best), exact. */
  probabilityBest: Array<{ variantKey: string; probability: number }> | null;
}

export interface ExperimentAnalysis {
  settings: AnalysisSettings;
  looks: number;
  metrics: MetricResult[];
  health: HealthChecks;
  /** Goal metrics × treatments, as corrected (null with a single test or no p-values). */
  multipleComparisons: AdjustedPValues | null;
  campaignReturns: CampaignReturn[];
  decision: DecisionResult;
}

/**
 * The whole analysis of an experiment from sufficient statistics: per metric and treatment the
 * comparisons, the multiple-comparison correction over goal metrics × treatments, the health
 * checks, campaign return and the decision. Pure and deterministic.
 */
export function analyzeExperiment(
  input: ExperimentAnalysisInput,
  settingsInput: Partial<AnalysisSettings> = {},
): ExperimentAnalysis {
  const settings = applySettings(settingsInput);
  const control = input.variants.find((variant) => variant.isControl) ?? input.variants[0];
  const metrics = input.metrics.map((metric) =>
    analyzeMetric(metric, control.key, settings, input.looks),
  );
  const multipleComparisons = correctGoals(metrics, settings);
  const judged = metrics.map((metric) => ({
    ...metric,
    comparisons: metric.comparisons.map((comparison) => judge(comparison, settings)),
  }));
  const health = checkHealth(
    input.variants,
    input.exposures,
    input.mixedExposures,
    settings.minimumSamplePerVariant,
  );
  const signals = judged.flatMap((metric) =>
    metric.comparisons.map((comparison) => ({
      metricKey: metric.metricKey,
      role: metric.role,
      variantKey: comparison.variantKey,
      verdict: comparison.verdict,
      improvement: comparison.improvement,
    })),
  );

  return {
    settings,
    looks: input.looks,
    metrics: judged,
    health,
    multipleComparisons,
    campaignReturns: campaignReturns(input.variants, input.metrics, settings.alpha),
    decision: decide(signals, health),
  };
}

function analyzeMetric(
  metric: MetricSums,
  controlKey: string,
  settings: AnalysisSettings,
  looks: number,
): MetricResult {
  const control = metric.arms.find((arm) => arm.variantKey === controlKey) as ArmSums;
  const treatments = metric.arms.filter((arm) => arm.variantKey !== controlKey);

  return {
    metricKey: metric.metricKey,
    name: metric.name,
    kind: metric.kind,
    role: metric.role,
    inverse: metric.inverse,
    variants: metric.arms.map((arm) => ({
      variantKey: arm.variantKey,
      sums: arm,
      summary: armSummary(metric.kind, arm),
    })),
    comparisons: treatments.map((arm) => compareMetric(metric, control, arm, settings, looks)),
    probabilityBest:
      metric.kind === 'PROPORTION' && metric.arms.length >= 3 && metric.arms.every((a) => a.n > 0)
        ? probabilityBest(metric)
        : null,
  };
}

// For an inverse metric the best arm has the lowest rate: the Beta posterior of 1 − p swaps
// its parameters.
function probabilityBest(metric: MetricSums): MetricResult['probabilityBest'] {
  const posteriors = metric.arms.map((arm, i) => {
    const posterior = betaPosterior({ n: arm.n, conversions: arm.sum }, `arms[${i}]`);

    return metric.inverse ? { alpha: posterior.beta, beta: posterior.alpha } : posterior;
  });
  const probabilities = probabilityEachBest(posteriors);

  return metric.arms.map((arm, i) => ({
    variantKey: arm.variantKey,
    probability: probabilities[i],
  }));
}

// Holm or Benjamini–Hochberg over every goal metric × treatment with a p-value; the adjusted
// values replace the raw ones the verdicts read. Guardrails stay uncorrected: a harm signal
// should not need more evidence because more goals were tested.
function correctGoals(metrics: MetricResult[], settings: AnalysisSettings): AdjustedPValues | null {
  const family = metrics
    .filter((metric) => metric.role === 'GOAL')
    .flatMap((metric) => metric.comparisons)
    .filter((comparison) => comparison.decisionPValue !== null);
  if (settings.correction === 'NONE' || family.length < 2) {
    return null;
  }
  const adjusted = adjustPValues(
    family.map((comparison) => comparison.decisionPValue as number),
    settings.correction,
    settings.alpha,
  );
  family.forEach((comparison, i) => {
    comparison.adjustedPValue = adjusted.adjusted[i];
  });

  return adjusted;
}
