import {
  IsOptional,
  Matches,
  Length,
  Max,
  Min,
  ValidateNested,
  ArrayMaxSize,
} from 'class-validator';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionType } from '../graphql/connection';
import { Node } from '../graphql/node';
import { Channel } from '../interactions/channel';
import { ReportingPeriod } from '../segments/lifecycle.types';

export enum KpiMetric {
  REVENUE = 'REVENUE',
  ORDERS = 'ORDERS',
  AVERAGE_ORDER_VALUE = 'AVERAGE_ORDER_VALUE',
  ACTIVE_CUSTOMERS = 'ACTIVE_CUSTOMERS',
  NEW_CUSTOMERS = 'NEW_CUSTOMERS',
  CONVERSION_RATE = 'CONVERSION_RATE',
  REPEAT_PURCHASE_RATE = 'REPEAT_PURCHASE_RATE',
  RETENTION_RATE = 'RETENTION_RATE',
  CHURN_RATE = 'CHURN_RATE',
  ENGAGEMENT_RATE = 'ENGAGEMENT_RATE',
  CSAT = 'CSAT',
  NPS = 'NPS',
  SUPPORT_TICKETS_PER_CUSTOMER = 'SUPPORT_TICKETS_PER_CUSTOMER',
  DATA_QUALITY = 'DATA_QUALITY',
  PREDICTION_DRIFT = 'PREDICTION_DRIFT',
  CUSTOM = 'CUSTOM',
}
registerEnumType(KpiMetric, {
  name: 'KpiMetric',
  description: 'What a KPI measures (README: KPI catalogue). Rates are fractions (0.25 = 25 %).',
  valuesConfig: {
    REVENUE: { description: 'Sum of the amounts of PAID orders placed in the period.' },
    ORDERS: { description: 'PAID orders placed in the period.' },
    AVERAGE_ORDER_VALUE: { description: 'Revenue / PAID orders.' },
    ACTIVE_CUSTOMERS: { description: 'Customers with at least one interaction in the period.' },
    NEW_CUSTOMERS: { description: 'Customers who signed up in the period.' },
    CONVERSION_RATE: {
      description:
        'Customers with a toType interaction among those with a fromType one in the period (config fromType, toType; default product_view → purchase).',
    },
    REPEAT_PURCHASE_RATE: {
      description: 'Customers with 2+ PAID orders among those with 1+ in the period.',
    },
    RETENTION_RATE: {
      description:
        'Customers active in the previous period and in this one / active in the previous.',
    },
    CHURN_RATE: { description: '1 − RETENTION_RATE (same numerator and denominator).' },
    ENGAGEMENT_RATE: {
      description:
        'engagedType interactions / sentType interactions (config; default email_click / email_sent).',
    },
    CSAT: {
      description:
        'Answers scored 4–5 among 1–5 answers of the CSAT survey (config type, survey; default survey_response, csat).',
    },
    NPS: {
      description:
        '% of answers 9–10 minus % of answers 0–6 of the NPS survey, in points (config type, survey).',
    },
    SUPPORT_TICKETS_PER_CUSTOMER: {
      description:
        'ticketType interactions / active customers (config ticketType; default support_ticket).',
    },
    DATA_QUALITY: {
      description:
        'metricConfig { field, measure }: among live customers signed up by the period end, the share with the customer field (name, email, phone, country, city, birth_date, gender) filled (measure FILLED), or valid among those filled (VALID).',
    },
    PREDICTION_DRIFT: {
      description:
        'metricConfig { predictionKind }: the larger of the score PSI and the largest feature PSI of the latest finished scoring run of that kind started before the period end (null without one); no scope, no breakdown. PSI < 0.1 is stable, 0.1–0.25 a moderate shift, > 0.25 a large one.',
    },
    CUSTOM: {
      description:
        'metricConfig { numerator, denominator? }: COUNT, SUM, AVG or DISTINCT_CUSTOMERS over INTERACTIONS or ORDERS with a filter; a RATIO when denominator is given.',
    },
  },
});

export enum KpiTargetDirection {
  HIGHER_IS_BETTER = 'HIGHER_IS_BETTER',
  LOWER_IS_BETTER = 'LOWER_IS_BETTER',
}
registerEnumType(KpiTargetDirection, {
  name: 'KpiTargetDirection',
  description: 'Which way a KPI should move.',
  valuesConfig: {
    HIGHER_IS_BETTER: { description: 'At or above the target is on track.' },
    LOWER_IS_BETTER: { description: 'At or below the target is on track.' },
  },
});

export enum KpiStatusValue {
  ON_TRACK = 'ON_TRACK',
  AT_RISK = 'AT_RISK',
  OFF_TRACK = 'OFF_TRACK',
}
registerEnumType(KpiStatusValue, {
  name: 'KpiStatus',
  description: 'A value against its target.',
  valuesConfig: {
    ON_TRACK: { description: 'Meets the target.' },
    AT_RISK: { description: 'Misses the target by at most tolerance × |target|.' },
    OFF_TRACK: { description: 'Misses the target by more than tolerance × |target|.' },
  },
});

export enum KpiComparisonBase {
  PREVIOUS_PERIOD = 'PREVIOUS_PERIOD',
  SAME_PERIOD_LAST_YEAR = 'SAME_PERIOD_LAST_YEAR',
}
registerEnumType(KpiComparisonBase, {
  name: 'KpiComparisonBase',
  description: 'What a period is compared with.',
  valuesConfig: {
    PREVIOUS_PERIOD: { description: 'The period just before.' },
    SAME_PERIOD_LAST_YEAR: {
      description:
        'The period containing the same calendar day a year earlier, in the reporting time zone (28 February for 29 February).',
    },
  },
});

@ObjectType({ description: 'Rows every part of a KPI is limited to.' })
export class KpiScope {
  @Field(() => ID, { nullable: true, description: 'Only members of this segment (now).' })
  segmentId!: string | null;

  @Field(() => Channel, { nullable: true, description: 'Only interactions on this channel.' })
  channel!: Channel | null;

  @Field(() => String, { nullable: true, description: 'Only customers of this country.' })
  country!: string | null;
}

@ObjectType({ description: 'A target for one period, overriding the KPI target.' })
export class KpiTarget {
  @Field({ description: 'Start of the period.' })
  periodStart!: Date;

  @Field(() => Float, { description: 'The target value.' })
  value!: number;
}

@ObjectType({
  implements: Node,
  description: 'A key performance indicator with a target and stored history.',
})
export class Kpi extends Node {
  /** Row id; resolvers use it to load related data. Not part of the schema. */
  dbId!: number;

  @Field({ description: 'Unique key (`^[a-z][a-z0-9_]{1,63}$`).' })
  key!: string;

  @Field({ description: 'Display name.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'What it measures and why.' })
  description!: string | null;

  @Field(() => String, { nullable: true, description: 'Who answers for it.' })
  owner!: string | null;

  @Field(() => KpiMetric, { description: 'What it measures.' })
  metric!: KpiMetric;

  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description: 'Options of a built-in metric, or the definition of a CUSTOM one.',
  })
  metricConfig!: Record<string, unknown> | null;

  @Field(() => KpiScope, { description: 'Rows it is limited to.' })
  scope!: KpiScope;

  @Field(() => ReportingPeriod, { description: 'The period values are computed per.' })
  granularity!: ReportingPeriod;

  @Field(() => Float, {
    nullable: true,
    description: 'Target of every period without an override.',
  })
  targetValue!: number | null;

  @Field(() => KpiTargetDirection, { description: 'Which way is better.' })
  targetDirection!: KpiTargetDirection;

  @Field(() => [KpiTarget], { description: 'Per-period targets overriding targetValue.' })
  targets!: KpiTarget[];

  @Field(() => Float, { description: 'Relative miss still AT_RISK rather than OFF_TRACK.' })
  tolerance!: number;

  @Field({ description: 'When it was created.' })
  createdAt!: Date;

  @Field({ description: 'When its definition last changed.' })
  updatedAt!: Date;

  @Field(() => Int, { description: 'Pass to updateKpi/deleteKpi; bumps on every change.' })
  version!: number;
}

@ObjectType({ description: 'A page of KPIs, by key.' })
export class KpiConnection extends ConnectionType(Kpi) {}

@ObjectType({ description: 'A KPI value for one period, as last evaluated.' })
export class KpiValue {
  @Field({ description: 'Start of the period (included).' })
  periodStart!: Date;

  @Field({ description: 'End of the period (excluded).' })
  periodEnd!: Date;

  @Field(() => Float, { nullable: true, description: 'The value; null when the denominator is 0.' })
  value!: number | null;

  @Field(() => Float, { description: 'Numerator (or the value itself for counts and sums).' })
  numerator!: number;

  @Field(() => Float, { nullable: true, description: 'Denominator; null for metrics without one.' })
  denominator!: number | null;

  @Field(() => Float, { nullable: true, description: 'The target of this period.' })
  target!: number | null;

  @Field(() => KpiStatusValue, {
    nullable: true,
    description: 'Against the target; null without one.',
  })
  status!: KpiStatusValue | null;

  @Field({ description: 'When it was computed.' })
  computedAt!: Date;
}

@ObjectType({ description: 'A period compared with another.' })
export class KpiComparison {
  @Field(() => KpiValue, {
    nullable: true,
    description: 'The period asked for; null if not evaluated.',
  })
  current!: KpiValue | null;

  @Field(() => KpiValue, {
    nullable: true,
    description: 'The period compared with; null if not evaluated.',
  })
  base!: KpiValue | null;

  @Field(() => Float, { nullable: true, description: 'current − base.' })
  absoluteChange!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: '(current − base) / |base|; null when base is 0.',
  })
  relativeChange!: number | null;
}

@ObjectType({
  description: 'One KPI on the board: latest value, change, status and recent values.',
})
export class KpiBoardEntry {
  @Field(() => Kpi, { description: 'The KPI.' })
  kpi!: Kpi;

  @Field(() => KpiValue, { nullable: true, description: 'Latest period started by now.' })
  current!: KpiValue | null;

  @Field(() => KpiValue, { nullable: true, description: 'The period before it.' })
  previous!: KpiValue | null;

  @Field(() => Float, { nullable: true, description: 'current − previous.' })
  absoluteChange!: number | null;

  @Field(() => Float, { nullable: true, description: 'Relative change; null when previous is 0.' })
  relativeChange!: number | null;

  @Field(() => KpiStatusValue, { nullable: true, description: 'Status of the current value.' })
  status!: KpiStatusValue | null;

  @Field(() => [Float], {
    nullable: 'items',
    description: 'Latest values, oldest first (sparkline).',
  })
  sparkline!: Array<number | null>;
}

@ObjectType({ description: 'A stored KPI value that changed.' })
export class KpiUpdate {
  /** Row id of the KPI, for the kpi field. */
  kpiDbId!: number;

  @Field(() => ID, { description: 'Global id of the KPI.' })
  kpiId!: string;

  @Field(() => KpiValue, { description: 'The new value.' })
  value!: KpiValue;
}

@InputType({ description: 'Rows a KPI is limited to; all given ones apply.' })
export class KpiScopeInput {
  @Field(() => ID, { nullable: true, description: 'Only current members of this segment.' })
  @IsOptional()
  segmentId?: string;

  @Field(() => Channel, {
    nullable: true,
    description: 'Only interactions on this channel (interaction metrics).',
  })
  @IsOptional()
  channel?: Channel;

  @Field(() => String, {
    nullable: true,
    description: 'Only customers of this country (ISO code).',
  })
  @IsOptional()
  @Length(2, 2)
  country?: string;
}

@InputType({ description: 'A target for one period.' })
export class KpiTargetInput {
  @Field({ description: 'Start of the period.' })
  periodStart!: Date;

  @Field(() => Float, { description: 'The target.' })
  value!: number;
}

@InputType({ description: 'Fields shared by createKpi and updateKpi.' })
export class KpiDefinitionInput {
  @Field({ nullable: true, description: 'Display name.' })
  @IsOptional()
  @Length(1, 100)
  name?: string;

  @Field(() => String, { nullable: true, description: 'What it measures and why.' })
  @IsOptional()
  @Length(0, 1000)
  description?: string | null;

  @Field(() => String, { nullable: true, description: 'Who answers for it.' })
  @IsOptional()
  @Length(0, 100)
  owner?: string | null;

  @Field(() => KpiMetric, { nullable: true, description: 'What it measures.' })
  @IsOptional()
  metric?: KpiMetric;

  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description: 'Metric options or CUSTOM definition.',
  })
  @IsOptional()
  metricConfig?: Record<string, unknown> | null;

  @Field(() => KpiScopeInput, { nullable: true, description: 'Rows it is limited to.' })
  @IsOptional()
  @ValidateNested()
  scope?: KpiScopeInput | null;

  @Field(() => ReportingPeriod, { nullable: true, description: 'Period of its values.' })
  @IsOptional()
  granularity?: ReportingPeriod;

  @Field(() => Float, { nullable: true, description: 'Target of every period.' })
  @IsOptional()
  targetValue?: number | null;

  @Field(() => KpiTargetDirection, { nullable: true, description: 'Which way is better.' })
  @IsOptional()
  targetDirection?: KpiTargetDirection;

  @Field(() => [KpiTargetInput], { nullable: true, description: 'Per-period targets (up to 500).' })
  @IsOptional()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  targets?: KpiTargetInput[] | null;

  @Field(() => Float, { nullable: true, description: 'Relative miss still AT_RISK (0 to 10).' })
  @IsOptional()
  @Min(0)
  @Max(10)
  tolerance?: number;
}

@InputType({
  description: 'A new KPI. Defaults: granularity DAY, HIGHER_IS_BETTER, tolerance 0.05.',
})
export class CreateKpiInput extends KpiDefinitionInput {
  @Field({ description: 'Unique key (`^[a-z][a-z0-9_]{1,63}$`).' })
  @Matches(/^[a-z][a-z0-9_]{1,63}$/)
  key!: string;
}

@InputType({ description: 'Changes to a KPI; omitted fields stay.' })
export class UpdateKpiInput extends KpiDefinitionInput {
  @Field(() => ID, { description: 'The KPI.' })
  id!: string;

  @Field(() => Int, { description: 'The version read; CONFLICT when it changed since.' })
  version!: number;
}

@InputType({ description: 'The KPI to delete, with its values.' })
export class DeleteKpiInput {
  @Field(() => ID, { description: 'The KPI.' })
  id!: string;

  @Field(() => Int, { description: 'The version read; CONFLICT when it changed since.' })
  version!: number;
}

@InputType({ description: 'Which KPIs to evaluate now, and how.' })
export class EvaluateKpisInput {
  @Field(() => [ID], { nullable: true, description: 'Only these KPIs; all by default.' })
  @IsOptional()
  @ArrayMaxSize(1000)
  kpiIds?: string[];

  @Field({
    nullable: true,
    description: 'Recompute the whole history, not only open and late periods.',
  })
  @IsOptional()
  cold?: boolean;
}

@ObjectType({ description: 'The KPI created.' })
export class CreateKpiPayload {
  @Field(() => Kpi, { description: 'The KPI.' })
  kpi!: Kpi;
}

@ObjectType({ description: 'The KPI after the change.' })
export class UpdateKpiPayload {
  @Field(() => Kpi, { description: 'The KPI.' })
  kpi!: Kpi;
}

@ObjectType({ description: 'What was deleted.' })
export class DeleteKpiPayload {
  @Field(() => ID, { description: 'Global id of the deleted KPI.' })
  deletedId!: string;
}

@ObjectType({ description: 'What an evaluation recomputed.' })
export class EvaluateKpisPayload {
  @Field(() => Int, { description: 'KPIs evaluated.' })
  kpis!: number;

  @Field(() => Int, { description: 'Period values recomputed and stored.' })
  values!: number;
}
