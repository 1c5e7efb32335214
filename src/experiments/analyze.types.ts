import { ArrayMaxSize } from 'class-validator';
import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { MetricKindValue } from './experiment.types';

@InputType({ description: 'Σx, Σx² and Σx·y of a second per-customer quantity x.' })
export class PairedSumsInput {
  @Field(() => Float, { description: 'Σx.' })
  sum!: number;

  @Field(() => Float, { description: 'Σx².' })
  sumSquares!: number;

  @Field(() => Float, { description: 'Σx·y.' })
  sumProducts!: number;
}

@InputType({ description: "One variant's sufficient statistics." })
export class SummaryVariantInput {
  @Field({ description: 'Variant key.' })
  key!: string;

  @Field(() => Float, {
    defaultValue: 1,
    description: 'Configured traffic weight (for the SRM check).',
  })
  weight!: number;

  @Field({ defaultValue: false, description: 'The control (exactly one).' })
  isControl!: boolean;

  @Field(() => Int, { description: 'Units (customers).' })
  n!: number;

  @Field(() => Float, { description: "Σy: conversions, total, or the ratio's numerator." })
  sum!: number;

  @Field(() => Float, { nullable: true, description: 'Σy² (MEAN and RATIO).' })
  sumSquares?: number;

  @Field(() => PairedSumsInput, { nullable: true, description: 'CUPED covariate sums.' })
  covariate?: PairedSumsInput;

  @Field(() => PairedSumsInput, {
    nullable: true,
    description: 'RATIO denominator sums (Σd, Σd², Σm·d).',
  })
  denominator?: PairedSumsInput;
}

@InputType({ description: 'Sums from elsewhere, analysed as one goal metric.' })
export class AnalyzeSummaryInput {
  @Field(() => MetricKindValue, { description: 'Proportion, mean or ratio.' })
  kind!: MetricKindValue;

  @Field({ defaultValue: false, description: 'Lower is better.' })
  inverse!: boolean;

  @Field(() => [SummaryVariantInput], { description: 'Two to ten variants, one control.' })
  @ArrayMaxSize(10)
  variants!: SummaryVariantInput[];
}

export enum MdeTypeValue {
  ABSOLUTE = 'ABSOLUTE',
  RELATIVE = 'RELATIVE',
}
registerEnumType(MdeTypeValue, {
  name: 'MdeType',
  description: 'How a minimum detectable effect is expressed.',
  valuesConfig: {
    ABSOLUTE: { description: "In the metric's units (rate points for proportions)." },
    RELATIVE: { description: 'As a fraction of the baseline (0.1 = 10 %).' },
  },
});

@InputType({ description: 'What to plan for. PROPORTION needs baselineRate; MEAN needs sd.' })
export class PlanExperimentInput {
  @Field(() => MetricKindValue, {
    description: 'PROPORTION or MEAN (plan a RATIO as a MEAN with its sd).',
  })
  kind!: MetricKindValue;

  @Field(() => Float, { nullable: true, description: 'Control conversion rate, (0, 1).' })
  baselineRate?: number;

  @Field(() => Float, { nullable: true, description: 'MEAN: standard deviation per customer.' })
  sd?: number;

  @Field(() => Float, { nullable: true, description: 'MEAN with RELATIVE MDE: the baseline mean.' })
  baselineMean?: number;

  @Field(() => Float, { description: 'Minimum detectable effect.' })
  mde!: number;

  @Field(() => MdeTypeValue, {
    defaultValue: MdeTypeValue.RELATIVE,
    description: 'How mde is expressed.',
  })
  mdeType!: MdeTypeValue;

  @Field(() => Float, {
    defaultValue: 0.05,
    description: 'Two-sided significance level, (0, 0.5].',
  })
  alpha!: number;

  @Field(() => Float, { defaultValue: 0.8, description: 'Power, [0.5, 1).' })
  power!: number;

  @Field(() => Int, { defaultValue: 2, description: 'Variants including the control, 2–10.' })
  variants!: number;

  @Field(() => ID, {
    nullable: true,
    description: 'Targeting segment for the duration; all customers when omitted.',
  })
  segmentId?: string;

  @Field(() => Float, {
    defaultValue: 1,
    description: 'Traffic share (0–1] for the duration, as in createExperiment.',
  })
  trafficShare!: number;
}

@ObjectType({ description: 'Sample size and expected duration of a planned experiment.' })
export class ExperimentPlan {
  @Field(() => Float, { description: 'Unrounded customers per variant.' })
  nPerVariantRaw!: number;

  @Field(() => Int, { description: 'Customers per variant.' })
  nPerVariant!: number;

  @Field(() => Int, { description: 'Customers in all variants.' })
  nTotal!: number;

  @Field(() => Float, { description: 'The MDE in absolute units.' })
  mdeAbsolute!: number;

  @Field(() => Float, {
    description: 'Customers entering per day (recent 28-day activity × share).',
  })
  dailyEntrants!: number;

  @Field(() => Int, {
    nullable: true,
    description: 'Days to reach nTotal; null without traffic or beyond 2147483647 days.',
  })
  expectedDays!: number | null;
}
