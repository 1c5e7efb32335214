import { ArgsType, Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { LifecycleStage } from './lifecycle-stage';

registerEnumType(LifecycleStage, {
  name: 'LifecycleStage',
  description:
    'Where a customer stands, from their paid orders; the first rule that holds wins (thresholds: PULSE_LIFECYCLE_NEW_DAYS, _ACTIVE_DAYS, _LAPSED_DAYS).',
  valuesConfig: {
    PROSPECT: { description: 'No paid order yet.' },
    NEW: { description: 'First paid order less than NEW days ago.' },
    REACTIVATED: {
      description:
        'Last paid order less than ACTIVE days ago, coming at least LAPSED whole days after the one before it.',
    },
    ACTIVE: { description: 'Last paid order less than ACTIVE days ago.' },
    AT_RISK: { description: 'Last paid order ACTIVE days ago or more, but less than LAPSED.' },
    LAPSED: { description: 'Last paid order LAPSED days ago or more.' },
  },
});

/** `Period` of kpis/periods.ts as a GraphQL enum. */
export enum ReportingPeriod {
  DAY = 'DAY',
  WEEK = 'WEEK',
  MONTH = 'MONTH',
  QUARTER = 'QUARTER',
}

registerEnumType(ReportingPeriod, {
  name: 'ReportingPeriod',
  description: 'A calendar period in the reporting time zone (PULSE_REPORTING_TIME_ZONE).',
  valuesConfig: {
    DAY: { description: 'From midnight to midnight.' },
    WEEK: { description: 'An ISO week, from Monday midnight.' },
    MONTH: { description: 'A calendar month.' },
    QUARTER: { description: 'A calendar quarter, from January, April, July or October.' },
  },
});

@ObjectType({ description: "A customer's lifecycle stage, as of the last lifecycle refresh." })
export class CustomerLifecycle {
  @Field(() => LifecycleStage, { description: 'The stage.' })
  stage!: LifecycleStage;

  @Field({ description: 'The refresh that first saw the customer in this stage (UTC).' })
  since!: Date;
}

@ObjectType({ description: 'How many customers moved between two stages within one period.' })
export class LifecycleMoveCount {
  @Field({ description: 'Start of the period (UTC instant of local midnight).' })
  periodStart!: Date;

  @Field({ description: 'End of the period, excluded (start of the next one).' })
  periodEnd!: Date;

  @Field(() => LifecycleStage, {
    nullable: true,
    description: 'The stage they left; null for customers a refresh saw for the first time.',
  })
  fromStage!: LifecycleStage | null;

  @Field(() => LifecycleStage, { description: 'The stage they entered.' })
  toStage!: LifecycleStage;

  @Field(() => Int, { description: 'Number of moves.' })
  count!: number;
}

@ArgsType()
export class LifecycleMovesArgs {
  @Field(() => ReportingPeriod, { description: 'The period moves are counted by.' })
  period!: ReportingPeriod;

  @Field({ description: 'Count moves recorded at or after this instant.' })
  from!: Date;

  @Field({
    description: 'Count moves recorded before this instant; at most 1100 periods after from.',
  })
  to!: Date;
}
