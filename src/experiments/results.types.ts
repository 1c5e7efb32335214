import { Field, Float, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { MetricKindValue, MetricRoleValue } from './experiment.types';

// The GraphQL shape of an analysis (analysis/analyze-experiment.ts). Every statistic that can be
// undefined is nullable and paired with a `…Reason` field saying why it is null.

export enum StatReasonValue {
  NOT_ENOUGH_DATA = 'NOT_ENOUGH_DATA',
  ZERO_VARIANCE = 'ZERO_VARIANCE',
  BASELINE_ZERO = 'BASELINE_ZERO',
  UNBOUNDED = 'UNBOUNDED',
  SRM_DETECTED = 'SRM_DETECTED',
}
registerEnumType(StatReasonValue, {
  name: 'StatReason',
  description: 'Why a statistic is null: Pulse never fills in 0, NaN or 0.5.',
  valuesConfig: {
    NOT_ENOUGH_DATA: { description: 'Too few units (e.g. fewer than 2 in an arm).' },
    ZERO_VARIANCE: { description: 'The standard error is 0, so a test statistic is undefined.' },
    BASELINE_ZERO: { description: 'The control mean is 0, so a relative lift is undefined.' },
    UNBOUNDED: { description: 'The confidence set is not a finite interval (Fieller).' },
    SRM_DETECTED: { description: 'A sample ratio mismatch makes the effect untrustworthy.' },
  },
});

export enum DecisionMethodValue {
  FREQUENTIST = 'FREQUENTIST',
  SEQUENTIAL = 'SEQUENTIAL',
  BAYESIAN = 'BAYESIAN',
}
registerEnumType(DecisionMethodValue, {
  name: 'DecisionMethod',
  description: 'Which evidence decides.',
  valuesConfig: {
    FREQUENTIST: { description: 'Fixed-horizon p-values: valid once, at the planned sample size.' },
    SEQUENTIAL: { description: 'Always-valid confidence sequences: safe to look every day.' },
    BAYESIAN: { description: 'Chance to be better against the threshold.' },
  },
});

export enum CorrectionValue {
  HOLM = 'HOLM',
  BENJAMINI_HOCHBERG = 'BENJAMINI_HOCHBERG',
  NONE = 'NONE',
}
registerEnumType(CorrectionValue, {
  name: 'Correction',
  description: 'Correction of goal p-values over goal metrics × treatments.',
  valuesConfig: {
    HOLM: { description: 'Holm–Bonferroni: controls the family-wise error rate.' },
    BENJAMINI_HOCHBERG: { description: 'Benjamini–Hochberg: controls the false discovery rate.' },
    NONE: { description: 'No correction.' },
  },
});

export enum SidednessValue {
  TWO_SIDED = 'TWO_SIDED',
  ONE_SIDED = 'ONE_SIDED',
}
registerEnumType(SidednessValue, {
  name: 'Sidedness',
  description: 'Which alternative the frequentist tests look at.',
  valuesConfig: {
    TWO_SIDED: { description: 'Any difference.' },
    ONE_SIDED: { description: 'Goals: improvement only; guardrails: harm only.' },
  },
});

export enum VerdictValue {
  BETTER = 'BETTER',
  WORSE = 'WORSE',
  INCONCLUSIVE = 'INCONCLUSIVE',
}
registerEnumType(VerdictValue, {
  name: 'Verdict',
  description: 'A treatment against the control on one metric, by the decision method.',
  valuesConfig: {
    BETTER: { description: 'Significantly better (lower, for inverse metrics).' },
    WORSE: { description: 'Significantly worse.' },
    INCONCLUSIVE: { description: 'No significant difference (yet).' },
  },
});

export enum DecisionValue {
  SHIP = 'SHIP',
  ROLLBACK = 'ROLLBACK',
  KEEP_RUNNING = 'KEEP_RUNNING',
  REVIEW = 'REVIEW',
}
registerEnumType(DecisionValue, {
  name: 'ExperimentDecisionKind',
  description: 'What to do with an experiment now (README: decision rules).',
  valuesConfig: {
    SHIP: { description: 'A treatment wins a goal and no goal or guardrail loses for it.' },
    ROLLBACK: { description: 'A treatment loses a goal or guardrail and none wins.' },
    KEEP_RUNNING: { description: 'Not enough data or no significant difference yet.' },
    REVIEW: { description: 'Sample ratio mismatch, or conflicting signals.' },
  },
});

@InputType({ description: 'Analysis settings; omitted ones take the defaults shown.' })
export class AnalysisSettingsInput {
  @Field(() => Float, {
    nullable: true,
    description: 'Significance level, (0, 0.5]. Default 0.05.',
  })
  alpha?: number;

  @Field(() => SidednessValue, { nullable: true, description: 'Default TWO_SIDED.' })
  sidedness?: SidednessValue;

  @Field(() => DecisionMethodValue, { nullable: true, description: 'Default SEQUENTIAL.' })
  method?: DecisionMethodValue;

  @Field(() => CorrectionValue, { nullable: true, description: 'Default HOLM.' })
  correction?: CorrectionValue;

  @Field(() => Float, {
    nullable: true,
    description: 'Total units where the confidence sequence is tightest. Default 5000.',
  })
  sequentialTuningN?: number;

  @Field({ nullable: true, description: 'Use CUPED where a metric has a covariate. Default true.' })
  cuped?: boolean;

  @Field(() => Float, {
    nullable: true,
    description: 'Prior mean of the relative lift (with priorSd).',
  })
  priorMean?: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Prior sd of the relative lift (with priorMean).',
  })
  priorSd?: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Bayesian winner threshold, [0.5, 1). Default 0.95.',
  })
  chanceToWinThreshold?: number;

  @Field(() => Int, {
    nullable: true,
    description: 'Exposed customers per variant before deciding. Default 100.',
  })
  minimumSamplePerVariant?: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Power for the MDE now, [0.5, 1). Default 0.8.',
  })
  power?: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Relative effect whose power is reported. Default 0.05.',
  })
  targetRelativeEffect?: number;
}

@ObjectType({ description: 'The settings an analysis applied.' })
export class AnalysisSettings {
  @Field(() => Float, { description: 'Significance level.' })
  alpha!: number;

  @Field(() => SidednessValue, { description: 'Sidedness of the frequentist tests.' })
  sidedness!: SidednessValue;

  @Field(() => DecisionMethodValue, { description: 'The evidence the decision used.' })
  method!: DecisionMethodValue;

  @Field(() => CorrectionValue, { description: 'Correction over goal metrics × treatments.' })
  correction!: CorrectionValue;

  @Field(() => Float, { description: 'Tuning sample size of the confidence sequences.' })
  sequentialTuningN!: number;

  @Field({ description: 'Whether CUPED was applied where possible.' })
  cuped!: boolean;

  @Field(() => Float, { nullable: true, description: 'Prior mean of the relative lift.' })
  priorMean!: number | null;

  @Field(() => Float, { nullable: true, description: 'Prior sd of the relative lift.' })
  priorSd!: number | null;

  @Field(() => Float, { description: 'Bayesian winner threshold.' })
  chanceToWinThreshold!: number;

  @Field(() => Int, { description: 'Minimum exposed customers per variant.' })
  minimumSamplePerVariant!: number;

  @Field(() => Float, { description: 'Power for the MDE.' })
  power!: number;

  @Field(() => Float, { description: 'Relative effect whose power is reported.' })
  targetRelativeEffect!: number;
}

@ObjectType({ description: 'A confidence or credible interval; a null bound is open.' })
export class StatInterval {
  @Field(() => Float, { nullable: true, description: 'Lower bound.' })
  lower!: number | null;

  @Field(() => Float, { nullable: true, description: 'Upper bound.' })
  upper!: number | null;
}

@ObjectType({ description: 'One variant on one metric: the SQL sums and what follows from them.' })
export class VariantMetricStats {
  @Field({ description: 'The variant.' })
  variantKey!: string;

  @Field(() => Int, { description: 'Exposed customers counted.' })
  n!: number;

  @Field(() => Float, { description: "Σy (conversions, totals, or the ratio's numerator)." })
  sum!: number;

  @Field(() => Float, { description: 'Σy².' })
  sumSquares!: number;

  @Field(() => Float, { nullable: true, description: 'Σ denominator (RATIO).' })
  denominatorSum!: number | null;

  @Field(() => Float, { nullable: true, description: 'Σ pre-exposure covariate (CUPED).' })
  covariateSum!: number | null;

  @Field(() => Float, { nullable: true, description: 'Mean, rate or ratio.' })
  mean!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Standard deviation per customer (delta-method for ratios).',
  })
  sd!: number | null;

  @Field(() => StatReasonValue, { nullable: true, description: 'Why mean/sd are null.' })
  reason!: StatReasonValue | null;
}

@ObjectType({
  description: 'Relative lift (treatment / control − 1) with its delta-method interval.',
})
export class RelativeLift {
  @Field(() => Float, { description: 'The lift (0.05 = +5 %).' })
  estimate!: number;

  @Field(() => Float, { description: 'Delta-method standard error.' })
  standardError!: number;

  @Field(() => StatInterval, { description: 'Confidence interval.' })
  interval!: StatInterval;
}

@ObjectType({ description: 'The fixed-horizon test.' })
export class FrequentistResult {
  @Field({ description: 'TWO_PROPORTION_Z (pooled) or WELCH_T.' })
  test!: string;

  @Field({ description: 'two, greater or less.' })
  sided!: string;

  @Field(() => Float, { description: 'z or t.' })
  statistic!: number;

  @Field(() => Float, { nullable: true, description: 'Welch–Satterthwaite degrees of freedom.' })
  degreesOfFreedom!: number | null;

  @Field(() => Float, {
    description: 'p-value (from survival functions; never underflows to 0 via 1 − cdf).',
  })
  pValue!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Proportions: Welch p-value with p(1 − p) variances.',
  })
  welchPValue!: number | null;
}

@ObjectType({ description: 'The Bayesian view.' })
export class BayesianResult {
  @Field({ description: 'BETA_BINOMIAL (exact, uniform prior) or GAUSSIAN (effect posterior).' })
  model!: string;

  @Field(() => Float, {
    description: 'Probability the treatment is better (lower, for inverse metrics).',
  })
  chanceToBeBetter!: number;

  @Field(() => Float, {
    description: 'Expected loss of shipping the treatment (rate points; GAUSSIAN: relative lift).',
  })
  riskOfShipping!: number;

  @Field(() => Float, {
    description: 'Expected loss of keeping the control (rate points; GAUSSIAN: relative lift).',
  })
  riskOfKeeping!: number;

  @Field(() => StatInterval, {
    nullable: true,
    description: 'Credible interval of the relative lift.',
  })
  liftCredibleInterval!: StatInterval | null;

  @Field(() => StatReasonValue, {
    nullable: true,
    description: 'Why the credible interval is null.',
  })
  liftCredibleIntervalReason!: StatReasonValue | null;

  @Field({ description: 'Whether a proper prior was applied.' })
  priorApplied!: boolean;
}

@ObjectType({ description: 'The always-valid sequential test (safe to look every day).' })
export class SequentialResult {
  @Field({ description: 'ASYMPTOTIC_CONFIDENCE_SEQUENCE.' })
  method!: string;

  @Field(() => Int, { description: 'Looks taken so far.' })
  looks!: number;

  @Field(() => Float, { description: 'Tuning sample size.' })
  tuningN!: number;

  @Field(() => StatInterval, { description: 'Always-valid interval of the difference.' })
  interval!: StatInterval;

  @Field(() => Float, { description: 'Always-valid p-value.' })
  pValue!: number;
}

@ObjectType({ description: 'CUPED variance reduction with the pre-exposure covariate.' })
export class CupedResultType {
  @Field(() => Float, { description: 'θ = cov(y, x) / var(x) on the pooled arms.' })
  theta!: number;

  @Field(() => StatReasonValue, {
    nullable: true,
    description: 'ZERO_VARIANCE when the covariate has none (θ = 0).',
  })
  thetaReason!: StatReasonValue | null;

  @Field(() => Float, {
    nullable: true,
    description: '1 − Var(adjusted effect)/Var(unadjusted effect).',
  })
  varianceReduction!: number | null;

  @Field(() => Float, { description: 'Adjusted difference.' })
  adjustedDifference!: number;

  @Field(() => StatInterval, { description: 'Interval of the adjusted difference.' })
  adjustedInterval!: StatInterval;

  @Field(() => Float, { nullable: true, description: 'p-value of the adjusted difference.' })
  adjustedPValue!: number | null;

  @Field(() => Float, { description: 'Unadjusted difference, for comparison.' })
  unadjustedDifference!: number;

  @Field(() => Float, { nullable: true, description: 'p-value of the unadjusted difference.' })
  unadjustedPValue!: number | null;
}

@ObjectType({ description: 'Power now.' })
export class PowerResult {
  @Field(() => Float, { description: 'Minimum detectable absolute difference at this sample.' })
  mdeAbsolute!: number;

  @Field(() => Float, { nullable: true, description: 'Minimum detectable relative lift.' })
  mdeRelative!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Power to detect the target relative effect.',
  })
  powerAtTarget!: number | null;
}

@ObjectType({ description: 'A treatment against the control on one metric.' })
export class VariantComparison {
  @Field({ description: 'The treatment.' })
  variantKey!: string;

  @Field(() => Float, { nullable: true, description: 'Treatment − control.' })
  difference!: number | null;

  @Field(() => StatInterval, { nullable: true, description: 'Interval of the difference.' })
  differenceInterval!: StatInterval | null;

  @Field(() => RelativeLift, { nullable: true, description: 'Relative lift, delta method.' })
  relativeLift!: RelativeLift | null;

  @Field(() => StatReasonValue, { nullable: true, description: 'Why the relative lift is null.' })
  relativeLiftReason!: StatReasonValue | null;

  @Field(() => StatInterval, {
    nullable: true,
    description: 'Fieller interval of the relative lift.',
  })
  relativeLiftFieller!: StatInterval | null;

  @Field(() => StatReasonValue, {
    nullable: true,
    description: 'Why the Fieller interval is null.',
  })
  relativeLiftFiellerReason!: StatReasonValue | null;

  @Field(() => FrequentistResult, { nullable: true, description: 'Fixed-horizon test.' })
  frequentist!: FrequentistResult | null;

  @Field(() => StatReasonValue, { nullable: true, description: 'Why the test is null.' })
  frequentistReason!: StatReasonValue | null;

  @Field(() => BayesianResult, { nullable: true, description: 'Bayesian view.' })
  bayesian!: BayesianResult | null;

  @Field(() => StatReasonValue, { nullable: true, description: 'Why the Bayesian view is null.' })
  bayesianReason!: StatReasonValue | null;

  @Field(() => SequentialResult, { nullable: true, description: 'Sequential test.' })
  sequential!: SequentialResult | null;

  @Field(() => StatReasonValue, { nullable: true, description: 'Why the sequential test is null.' })
  sequentialReason!: StatReasonValue | null;

  @Field(() => CupedResultType, { nullable: true, description: 'CUPED; null without a covariate.' })
  cuped!: CupedResultType | null;

  @Field(() => StatReasonValue, {
    nullable: true,
    description: 'Why CUPED is null although the metric has a covariate.',
  })
  cupedReason!: StatReasonValue | null;

  @Field(() => PowerResult, { nullable: true, description: 'Power and MDE now.' })
  power!: PowerResult | null;

  @Field(() => Float, { nullable: true, description: 'Difference signed so that > 0 is better.' })
  improvement!: number | null;

  @Field(() => Float, { nullable: true, description: 'The p-value the decision method uses.' })
  pValue!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'After the multiple-comparison correction (goals).',
  })
  adjustedPValue!: number | null;

  @Field(() => VerdictValue, {
    description: 'Better, worse or inconclusive by the decision method.',
  })
  verdict!: VerdictValue;
}

@ObjectType({ description: 'Probability that a variant is the best one.' })
export class VariantProbability {
  @Field({ description: 'The variant.' })
  variantKey!: string;

  @Field(() => Float, { description: 'The probability.' })
  probability!: number;
}

@ObjectType({ description: "One metric's results." })
export class MetricResults {
  @Field({ description: 'The metric.' })
  metricKey!: string;

  @Field({ description: 'Its name.' })
  name!: string;

  @Field(() => MetricKindValue, { description: 'Its kind.' })
  kind!: MetricKindValue;

  @Field(() => MetricRoleValue, { description: 'Its role.' })
  role!: MetricRoleValue;

  @Field({ description: 'Lower is better.' })
  inverse!: boolean;

  @Field(() => [VariantMetricStats], { description: 'Per variant, in variant order.' })
  variants!: VariantMetricStats[];

  @Field(() => [VariantComparison], { description: 'Each treatment against the control.' })
  comparisons!: VariantComparison[];

  @Field(() => [VariantProbability], {
    nullable: true,
    description: 'Proportions with 3+ variants: P(each is best), exact.',
  })
  probabilityBest!: VariantProbability[] | null;
}

@ObjectType({ description: 'Sample ratio mismatch check (chi-square goodness of fit).' })
export class SampleRatioCheck {
  @Field(() => [Int], { description: 'Exposed customers per variant.' })
  observed!: number[];

  @Field(() => [Float], { description: 'Expected from the weights.' })
  expected!: number[];

  @Field(() => Float, { description: 'χ².' })
  chiSquare!: number;

  @Field(() => Float, { nullable: true, description: 'p-value.' })
  pValue!: number | null;

  @Field(() => StatReasonValue, {
    nullable: true,
    description: 'SRM_DETECTED, or NOT_ENOUGH_DATA below 8 per variant.',
  })
  reason!: StatReasonValue | null;

  @Field(() => Float, { description: 'Flag threshold (0.001).' })
  threshold!: number;

  @Field({ description: 'True when p < threshold with enough data.' })
  flagged!: boolean;
}

@ObjectType({ description: 'Whether the results can be trusted.' })
export class HealthChecks {
  @Field(() => SampleRatioCheck, { description: 'Sample ratio mismatch.' })
  sampleRatio!: SampleRatioCheck;

  @Field(() => [String], { description: 'Variants below the minimum sample.' })
  lowDataVariants!: string[];

  @Field(() => Int, { description: 'Customers exposed to more than one variant.' })
  mixedExposures!: number;

  @Field(() => [String], { description: 'Every problem, in words.' })
  warnings!: string[];
}

@ObjectType({ description: 'The multiple-comparison family.' })
export class MultipleComparisons {
  @Field(() => CorrectionValue, { description: 'The correction.' })
  method!: CorrectionValue;

  @Field(() => Int, { description: 'Goal metrics × treatments with a p-value.' })
  familySize!: number;

  @Field(() => Float, { description: 'Significance level.' })
  alpha!: number;
}

@ObjectType({ description: 'Incremental revenue and return of a treatment against the control.' })
export class CampaignReturnType {
  @Field({ description: 'The treatment.' })
  variantKey!: string;

  @Field({ description: 'The revenue metric used.' })
  revenueMetricKey!: string;

  @Field(() => Int, { description: 'Exposed customers of the treatment.' })
  customers!: number;

  @Field(() => Float, {
    nullable: true,
    description:
      'Incremental revenue against the control; null (NOT_ENOUGH_DATA) when an arm has too little data.',
  })
  incrementalRevenue!: number | null;

  @Field(() => StatInterval, { nullable: true, description: 'Its confidence interval.' })
  incrementalRevenueInterval!: StatInterval | null;

  @Field(() => Float, { description: 'Incremental cost.' })
  incrementalCost!: number;

  @Field(() => Float, { nullable: true, description: '(revenue − cost) / cost.' })
  returnOnInvestment!: number | null;

  @Field(() => String, {
    nullable: true,
    description: 'NO_INCREMENTAL_COST or NOT_ENOUGH_DATA when null.',
  })
  returnOnInvestmentReason!: string | null;
}

@ObjectType({ description: 'The decision, with its reasons in words.' })
export class ExperimentDecision {
  @Field(() => DecisionValue, { description: 'What to do.' })
  decision!: DecisionValue;

  @Field(() => String, { nullable: true, description: 'SHIP: the winner; ROLLBACK: the loser.' })
  variantKey!: string | null;

  @Field(() => [String], { description: 'Why.' })
  reasons!: string[];
}

@ObjectType({ description: "An experiment's analysis: statistics, health, return and decision." })
export class ExperimentResults {
  @Field(() => AnalysisSettings, { description: 'Every setting applied.' })
  settings!: AnalysisSettings;

  @Field(() => Int, { description: 'Looks taken, this one included.' })
  looks!: number;

  @Field(() => [MetricResults], { description: "Per metric, in the experiment's order." })
  metrics!: MetricResults[];

  @Field(() => HealthChecks, { description: 'SRM, low data, mixed exposures.' })
  health!: HealthChecks;

  @Field(() => MultipleComparisons, { nullable: true, description: 'Null with one test or NONE.' })
  multipleComparisons!: MultipleComparisons | null;

  @Field(() => [CampaignReturnType], { description: 'For treatments with a cost.' })
  campaignReturns!: CampaignReturnType[];

  @Field(() => ExperimentDecision, { description: 'The decision.' })
  decision!: ExperimentDecision;
}
