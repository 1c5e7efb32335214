import { ArrayMaxSize, IsOptional, MaxLength } from 'class-validator';
import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionType } from '../graphql/connection';
import '../graphql/enums';
import { Node } from '../graphql/node';
import { Channel } from '../interactions/channel';

export enum ExperimentStatusValue {
  DRAFT = 'DRAFT',
  RUNNING = 'RUNNING',
  STOPPED = 'STOPPED',
  CONCLUDED = 'CONCLUDED',
  ARCHIVED = 'ARCHIVED',
}
registerEnumType(ExperimentStatusValue, {
  name: 'ExperimentStatus',
  description: 'Lifecycle: DRAFT → RUNNING → STOPPED → CONCLUDED; any but ARCHIVED → ARCHIVED.',
  valuesConfig: {
    DRAFT: { description: 'Being designed; everything may change; nobody is assigned.' },
    RUNNING: { description: 'Assigning customers; the design is frozen, traffic may only grow.' },
    STOPPED: { description: 'No more assignment; outcomes after the stop do not count.' },
    CONCLUDED: { description: 'Decided; the conclusion is recorded.' },
    ARCHIVED: { description: 'Kept for the record only.' },
  },
});

export enum MetricRoleValue {
  GOAL = 'GOAL',
  GUARDRAIL = 'GUARDRAIL',
  SECONDARY = 'SECONDARY',
}
registerEnumType(MetricRoleValue, {
  name: 'MetricRole',
  description: 'What a metric does in the decision.',
  valuesConfig: {
    GOAL: { description: 'The experiment should improve it; a win can ship a variant.' },
    GUARDRAIL: { description: 'Must not get worse; a loss vetoes or rolls back.' },
    SECONDARY: { description: 'Reported only.' },
  },
});

export enum MetricKindValue {
  PROPORTION = 'PROPORTION',
  MEAN = 'MEAN',
  RATIO = 'RATIO',
}
registerEnumType(MetricKindValue, {
  name: 'MetricKind',
  description: 'How a metric is computed per exposed customer.',
  valuesConfig: {
    PROPORTION: { description: '1 when the customer has a matching row in the window, else 0.' },
    MEAN: { description: 'The measure (count or sum) per customer, 0 without rows.' },
    RATIO: { description: 'Σ numerator / Σ denominator, analysed with the delta method.' },
  },
});

export enum MeasureSource {
  ORDERS = 'ORDERS',
  INTERACTIONS = 'INTERACTIONS',
}
registerEnumType(MeasureSource, {
  name: 'MeasureSource',
  description: 'Which rows a measure reads.',
  valuesConfig: {
    ORDERS: { description: 'Orders by `orderedAt`; PAID only unless statuses are given.' },
    INTERACTIONS: { description: 'Interactions by `occurredAt`.' },
  },
});

export enum MeasureAggregate {
  COUNT = 'COUNT',
  SUM = 'SUM',
}
registerEnumType(MeasureAggregate, {
  name: 'MeasureAggregate',
  description: 'What a measure computes over the rows.',
  valuesConfig: {
    COUNT: { description: 'The number of rows.' },
    SUM: { description: 'The sum of order `amount` or interaction `value`.' },
  },
});

export enum ExperimentUpdateKindValue {
  STATUS_CHANGED = 'STATUS_CHANGED',
  SRM_DETECTED = 'SRM_DETECTED',
  DECISION_AVAILABLE = 'DECISION_AVAILABLE',
}
registerEnumType(ExperimentUpdateKindValue, {
  name: 'ExperimentUpdateKind',
  description: 'Why an experiment update was announced.',
  valuesConfig: {
    STATUS_CHANGED: { description: 'The experiment moved to another status.' },
    SRM_DETECTED: { description: 'The monitor found a sample ratio mismatch (announced once).' },
    DECISION_AVAILABLE: {
      description: 'The monitor found a new decision other than KEEP_RUNNING.',
    },
  },
});

@ObjectType({ description: 'What a metric counts or sums per customer.' })
export class OutcomeMeasure {
  @Field(() => MeasureSource, { description: 'Orders or interactions.' })
  source!: MeasureSource;

  @Field(() => MeasureAggregate, { description: 'Count of rows or sum of amounts/values.' })
  aggregate!: MeasureAggregate;

  @Field(() => [String], {
    nullable: true,
    description: 'Interaction types counted (all when null).',
  })
  types!: string[] | null;

  @Field(() => Channel, { nullable: true, description: 'Interaction channel (all when null).' })
  channel!: Channel | null;

  @Field(() => [String], {
    nullable: true,
    description: 'Order statuses counted (PAID when null).',
  })
  statuses!: string[] | null;
}

@InputType({ description: 'What a metric counts or sums per customer.' })
export class OutcomeMeasureInput {
  @Field(() => MeasureSource, { description: 'Orders or interactions.' })
  source!: MeasureSource;

  @Field(() => MeasureAggregate, { description: 'Count of rows or sum of amounts/values.' })
  aggregate!: MeasureAggregate;

  @Field(() => [String], {
    nullable: true,
    description: 'Interaction types counted (all when omitted).',
  })
  @IsOptional()
  @ArrayMaxSize(50)
  types?: string[];

  @Field(() => Channel, { nullable: true, description: 'Interaction channel (all when omitted).' })
  channel?: Channel;

  @Field(() => [String], {
    nullable: true,
    description: 'Order statuses counted (PAID when omitted).',
  })
  @IsOptional()
  @ArrayMaxSize(10)
  statuses?: string[];
}

@ObjectType({ description: 'One version of the experience under test.' })
export class ExperimentVariant {
  experimentId!: number;

  variantId!: number;

  @Field({ description: 'Key, unique in the experiment.' })
  key!: string;

  @Field({ description: 'Display name.' })
  name!: string;

  @Field(() => Float, { description: 'Relative traffic weight (weights need not sum to 1).' })
  weight!: number;

  @Field({ description: 'True for the control (exactly one per experiment).' })
  isControl!: boolean;

  @Field(() => Float, {
    nullable: true,
    description: 'Campaign cost per exposed customer; results report the return when set.',
  })
  costPerCustomer!: number | null;
}

@InputType({ description: 'A variant of a new or DRAFT experiment.' })
export class ExperimentVariantInput {
  @Field({ description: 'Key, unique in the experiment (`^[a-z0-9][a-z0-9_-]{0,63}$`).' })
  key!: string;

  @Field(() => String, { nullable: true, description: 'Display name (the key by default).' })
  @MaxLength(100)
  name?: string;

  @Field(() => Float, { defaultValue: 1, description: 'Relative traffic weight, > 0.' })
  weight!: number;

  @Field({ defaultValue: false, description: 'The control; exactly one variant is.' })
  isControl!: boolean;

  @Field(() => Float, {
    nullable: true,
    description: 'Campaign cost per exposed customer, 0 to 9999999999.99.',
  })
  costPerCustomer?: number;
}

@ObjectType({ description: 'A metric the experiment is judged on.' })
export class ExperimentMetric {
  @Field({ description: 'Key, unique in the experiment.' })
  key!: string;

  @Field({ description: 'Display name.' })
  name!: string;

  @Field(() => MetricRoleValue, { description: 'Goal, guardrail or secondary.' })
  role!: MetricRoleValue;

  @Field(() => MetricKindValue, { description: 'Proportion, mean or ratio.' })
  kind!: MetricKindValue;

  @Field(() => OutcomeMeasure, { description: 'The measure (the numerator of a ratio).' })
  numerator!: OutcomeMeasure;

  @Field(() => OutcomeMeasure, { nullable: true, description: 'RATIO only: the denominator.' })
  denominator!: OutcomeMeasure | null;

  @Field(() => Int, { description: "Days after each customer's first exposure that count." })
  windowDays!: number;

  @Field({ description: 'Lower is better (refunds, unsubscribes, tickets).' })
  inverse!: boolean;

  @Field({
    description: 'CUPED: the same measure over the window before exposure reduces variance.',
  })
  cuped!: boolean;
}

@InputType({ description: 'A metric of a new or DRAFT experiment.' })
export class ExperimentMetricInput {
  @Field({ description: 'Key, unique in the experiment.' })
  key!: string;

  @Field(() => String, { nullable: true, description: 'Display name (the key by default).' })
  @MaxLength(100)
  name?: string;

  @Field(() => MetricRoleValue, { description: 'Goal, guardrail or secondary.' })
  role!: MetricRoleValue;

  @Field(() => MetricKindValue, { description: 'Proportion, mean or ratio.' })
  kind!: MetricKindValue;

  @Field(() => OutcomeMeasureInput, { description: "The measure (a ratio's numerator)." })
  numerator!: OutcomeMeasureInput;

  @Field(() => OutcomeMeasureInput, { nullable: true, description: 'RATIO only: the denominator.' })
  denominator?: OutcomeMeasureInput;

  @Field(() => Int, { defaultValue: 14, description: 'Days after first exposure, 1–365.' })
  windowDays!: number;

  @Field({ defaultValue: false, description: 'Lower is better.' })
  inverse!: boolean;

  @Field({ defaultValue: false, description: 'Use the pre-exposure window as CUPED covariate.' })
  cuped!: boolean;
}

@ObjectType({
  description: "Expected effect on the experiment's KPI of rolling out the chosen variant.",
})
export class KpiImpactEstimate {
  @Field(() => ID, { description: 'The KPI.' })
  kpiId!: string;

  @Field({ description: 'The goal metric the lift is read from.' })
  metricKey!: string;

  @Field({ description: 'The chosen variant.' })
  variantKey!: string;

  @Field(() => Float, { description: 'Relative lift of the goal metric (0.05 = +5 %).' })
  relativeLift!: number;

  @Field(() => Float, { nullable: true, description: "Lower bound of the lift's interval." })
  relativeLiftLower!: number | null;

  @Field(() => Float, { nullable: true, description: "Upper bound of the lift's interval." })
  relativeLiftUpper!: number | null;

  @Field(() => Float, { description: 'Share of all customers the experiment targets.' })
  coverage!: number;

  @Field(() => Float, {
    description: "relativeLift × coverage: the KPI's expected relative change.",
  })
  expectedKpiChange!: number;
}

@ObjectType({ description: 'What concluding recorded.' })
export class ExperimentConclusion {
  @Field({ description: 'The decision of the analysis at conclusion (default settings).' })
  decision!: string;

  @Field(() => [String], { description: "The decision's reasons, in words." })
  reasons!: string[];

  @Field(() => String, { nullable: true, description: 'The variant rolled out, if any.' })
  variantKey!: string | null;

  @Field(() => String, { nullable: true, description: 'Notes of the people concluding.' })
  notes!: string | null;

  @Field(() => ID, { nullable: true, description: 'Global id of the API key that concluded.' })
  concludedByKeyId!: string | null;

  @Field(() => KpiImpactEstimate, {
    nullable: true,
    description: 'Null without a KPI or a chosen variant.',
  })
  kpiImpact!: KpiImpactEstimate | null;
}

@ObjectType({ implements: Node, description: 'An A/B(/n) test on customers.' })
export class Experiment extends Node {
  /** Row id; resolvers use it to load related data. Not part of the schema. */
  dbId!: number;

  segmentId!: number | null;

  kpiDbId!: number | null;

  @Field({ description: 'Unique key, used by assignVariant.' })
  key!: string;

  @Field({ description: 'Display name.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'What is expected to happen and why.' })
  hypothesis!: string | null;

  @Field({ description: 'Who is responsible.' })
  owner!: string;

  @Field(() => ExperimentStatusValue, { description: 'Where it is in its lifecycle.' })
  status!: ExperimentStatusValue;

  @Field(() => Float, { description: 'Share (0–1] of the targeted customers that enter.' })
  trafficShare!: number;

  @Field(() => Date, { nullable: true, description: 'When it started running.' })
  startedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When it stopped.' })
  stoppedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When it was concluded.' })
  concludedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When it was archived.' })
  archivedAt!: Date | null;

  @Field(() => Int, { description: "Results reads while it ran (the sequential test's looks)." })
  looks!: number;

  @Field(() => ExperimentConclusion, { nullable: true, description: 'Set when CONCLUDED.' })
  conclusion!: ExperimentConclusion | null;

  @Field({ description: 'When it was created.' })
  createdAt!: Date;

  @Field({ description: 'When it last changed.' })
  updatedAt!: Date;

  @Field(() => Int, { description: 'Optimistic concurrency version; updates must send it.' })
  version!: number;
}

@ObjectType({ description: 'A page of experiments.' })
export class ExperimentConnection extends ConnectionType(Experiment) {}

@InputType({ description: 'A new experiment (created as DRAFT).' })
export class CreateExperimentInput {
  @Field({ description: 'Unique key (`^[a-z0-9][a-z0-9_-]{0,63}$`).' })
  key!: string;

  @Field({ description: 'Display name, 1–100 characters.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'What is expected to happen and why.' })
  hypothesis?: string;

  @Field({ description: 'Who is responsible.' })
  owner!: string;

  @Field(() => ID, {
    nullable: true,
    description: "Target this segment's members; all customers when omitted.",
  })
  segmentId?: string;

  @Field(() => ID, { nullable: true, description: 'The KPI the experiment aims to move.' })
  kpiId?: string;

  @Field(() => Float, {
    defaultValue: 1,
    description: 'Share (0–1] of the targeted customers that enter.',
  })
  trafficShare!: number;

  @Field(() => [ExperimentVariantInput], { description: 'Two or more variants, one control.' })
  @ArrayMaxSize(10)
  variants!: ExperimentVariantInput[];

  @Field(() => [ExperimentMetricInput], { description: 'One or more metrics, at least one GOAL.' })
  @ArrayMaxSize(20)
  metrics!: ExperimentMetricInput[];
}

@InputType({ description: 'Changes; omitted fields stay. What may change depends on the status.' })
export class UpdateExperimentInput {
  @Field(() => String, { nullable: true, description: 'Display name.' })
  name?: string;

  @Field(() => String, { nullable: true, description: 'Hypothesis.' })
  hypothesis?: string;

  @Field(() => String, { nullable: true, description: 'Owner.' })
  owner?: string;

  @Field(() => ID, { nullable: true, description: 'Targeting segment (DRAFT only).' })
  segmentId?: string;

  @Field(() => ID, { nullable: true, description: 'The KPI (DRAFT or RUNNING).' })
  kpiId?: string;

  @Field(() => Float, {
    nullable: true,
    description: 'Traffic share; while RUNNING it may only grow.',
  })
  trafficShare?: number;

  @Field(() => [ExperimentVariantInput], { nullable: true, description: 'Variants (DRAFT only).' })
  @IsOptional()
  @ArrayMaxSize(10)
  variants?: ExperimentVariantInput[];

  @Field(() => [ExperimentMetricInput], { nullable: true, description: 'Metrics (DRAFT only).' })
  @IsOptional()
  @ArrayMaxSize(20)
  metrics?: ExperimentMetricInput[];
}

@InputType({ description: 'Which experiments to list.' })
export class ExperimentFilter {
  @Field(() => [ExperimentStatusValue], { nullable: true, description: 'Only these statuses.' })
  @IsOptional()
  @ArrayMaxSize(5)
  statuses?: ExperimentStatusValue[];

  @Field(() => String, { nullable: true, description: 'Keys containing this text.' })
  @IsOptional()
  @MaxLength(64)
  keyContains?: string;
}

@InputType({ description: 'What to record when concluding a STOPPED experiment.' })
export class ConcludeExperimentInput {
  @Field(() => String, {
    nullable: true,
    description: 'The variant to roll out (the shipped one by default).',
  })
  variantKey?: string;

  @Field(() => String, { nullable: true, description: 'Notes, up to 2000 characters.' })
  notes?: string;
}

@ObjectType({ description: 'An experiment after a change.' })
export class ExperimentPayload {
  @Field(() => Experiment, { description: 'The experiment.' })
  experiment!: Experiment;
}

@ObjectType({ description: 'A status change, SRM alarm or new decision of an experiment.' })
export class ExperimentUpdate {
  @Field(() => Experiment, { description: 'The experiment, as it is now.' })
  experiment!: Experiment;

  @Field(() => ExperimentUpdateKindValue, { description: 'Why it was announced.' })
  kind!: ExperimentUpdateKindValue;

  @Field(() => ExperimentStatusValue, { description: 'The status when it was announced.' })
  status!: ExperimentStatusValue;

  @Field(() => String, {
    nullable: true,
    description: 'The decision when it was announced, if known.',
  })
  decision!: string | null;

  @Field({ description: 'What happened, in words.' })
  message!: string;

  @Field({ description: 'When it happened.' })
  occurredAt!: Date;
}
