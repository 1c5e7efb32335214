import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Segment } from '../segments/segment.types';

export enum KpiDimension {
  CHANNEL = 'CHANNEL',
  COUNTRY = 'COUNTRY',
  SEGMENT = 'SEGMENT',
}
registerEnumType(KpiDimension, {
  name: 'KpiDimension',
  description: 'What a KPI is broken down by.',
  valuesConfig: {
    CHANNEL: {
      description:
        'The channel of the interactions the metric counts (interaction-based metrics only).',
    },
    COUNTRY: { description: "The customer's country (ISO 3166-1 alpha-2)." },
    SEGMENT: {
      description:
        'Current segment membership; a customer in several segments counts in each of them.',
    },
  },
});

@ObjectType({ description: 'One value of a breakdown dimension.' })
export class KpiDimensionValue {
  @Field(() => String, {
    nullable: true,
    description:
      'The channel, the country code or the segment id; null for "other" (rows under no value of the dimension, less rows counted under several).',
  })
  value!: string | null;

  @Field({
    description: 'How to show it: the channel, the country code, the segment name or "other".',
  })
  label!: string;

  @Field(() => Segment, { nullable: true, description: 'The segment, for SEGMENT breakdowns.' })
  segment!: Segment | null;
}

@ObjectType({ description: "A KPI's figures for one dimension value in one period." })
export class KpiBreakdownItem {
  @Field(() => KpiDimensionValue, { description: 'The dimension value.' })
  dimension!: KpiDimensionValue;

  @Field(() => Float, {
    nullable: true,
    description: 'The metric computed on these rows only; null when undefined (no denominator).',
  })
  value!: number | null;

  @Field(() => Float, { description: 'Numerator of the metric on these rows.' })
  numerator!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Denominator of the metric on these rows; null for additive metrics.',
  })
  denominator!: number | null;

  @Field(() => Float, {
    nullable: true,
    description:
      "Share of the KPI's denominator (ratio metrics) or numerator (additive metrics), 0–1; null when that total is 0.",
  })
  share!: number | null;
}

@ObjectType({ description: "A KPI's value in one period, per value of a dimension." })
export class KpiBreakdown {
  @Field(() => KpiDimension, { description: 'The dimension.' })
  by!: KpiDimension;

  @Field({ description: 'Start of the period (included).' })
  periodStart!: Date;

  @Field({ description: 'End of the period (excluded).' })
  periodEnd!: Date;

  @Field(() => Float, { nullable: true, description: "The KPI's value over all rows." })
  value!: number | null;

  @Field(() => Float, { description: "The KPI's numerator over all rows." })
  numerator!: number;

  @Field(() => Float, { nullable: true, description: "The KPI's denominator over all rows." })
  denominator!: number | null;

  @Field(() => [KpiBreakdownItem], {
    description:
      'One item per dimension value with rows in the period, largest share first, and "other" last when the values do not add up to the KPI.',
  })
  items!: KpiBreakdownItem[];
}

@ObjectType({ description: "One dimension value's part in a KPI's change." })
export class KpiChangeItem {
  @Field(() => KpiDimensionValue, { description: 'The dimension value.' })
  dimension!: KpiDimensionValue;

  @Field(() => Int, { description: '1 for the largest absolute contribution.' })
  rank!: number;

  @Field(() => Float, { nullable: true, description: 'Its value in the base period.' })
  fromValue!: number | null;

  @Field(() => Float, { nullable: true, description: 'Its value in the period explained.' })
  toValue!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Its share (see KpiBreakdownItem.share) in the base period.',
  })
  fromShare!: number | null;

  @Field(() => Float, { nullable: true, description: 'Its share in the period explained.' })
  toShare!: number | null;

  @Field(() => Float, {
    nullable: true,
    description:
      "Part of the KPI's change due to this value; all contributions add up to totalChange. Null when totalChange is.",
  })
  contribution!: number | null;

  @Field(() => Float, {
    nullable: true,
    description:
      "Ratio metrics: the part due to this value's own rate changing (mean share × change of rate). Null for additive metrics.",
  })
  rateEffect!: number | null;

  @Field(() => Float, {
    nullable: true,
    description:
      'Ratio metrics: the part due to its share of the denominator changing ((mean rate − mean KPI value) × change of share). Null for additive metrics.',
  })
  mixEffect!: number | null;
}

@ObjectType({
  description:
    "Why a KPI moved between a base period and a period: the change split into per-dimension contributions that add up to it (Kitagawa's midpoint decomposition for ratio metrics; see README).",
})
export class KpiChangeExplanation {
  @Field(() => KpiDimension, { description: 'The dimension.' })
  by!: KpiDimension;

  @Field({ description: 'Start of the period explained (included).' })
  periodStart!: Date;

  @Field({ description: 'End of the period explained (excluded).' })
  periodEnd!: Date;

  @Field({ description: 'Start of the base period (included).' })
  basePeriodStart!: Date;

  @Field({ description: 'End of the base period (excluded).' })
  basePeriodEnd!: Date;

  @Field(() => Float, { nullable: true, description: "The KPI's value in the base period." })
  fromValue!: number | null;

  @Field(() => Float, { nullable: true, description: "The KPI's value in the period explained." })
  toValue!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'toValue − fromValue; null when either is undefined.',
  })
  totalChange!: number | null;

  @Field(() => [KpiChangeItem], { description: 'The contributions, ranked.' })
  items!: KpiChangeItem[];

  @Field({
    description:
      'The change and its top drivers in one sentence, e.g. "Conversion rate fell 2.1 points: EMAIL contributed −1.6 (rate −1.2, mix −0.4) and WEB −0.5."',
  })
  summary!: string;
}
