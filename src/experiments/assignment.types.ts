import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Experiment, ExperimentVariant } from './experiment.types';

export enum AssignmentReasonValue {
  EXPERIMENT_NOT_RUNNING = 'EXPERIMENT_NOT_RUNNING',
  NOT_IN_SEGMENT = 'NOT_IN_SEGMENT',
  OUTSIDE_TRAFFIC = 'OUTSIDE_TRAFFIC',
}
registerEnumType(AssignmentReasonValue, {
  name: 'AssignmentReason',
  description: 'Why a customer got no new variant.',
  valuesConfig: {
    EXPERIMENT_NOT_RUNNING: {
      description: 'Only a RUNNING experiment assigns; an earlier exposure is still reported.',
    },
    NOT_IN_SEGMENT: { description: 'The customer is not a member of the targeting segment.' },
    OUTSIDE_TRAFFIC: { description: "The customer is outside the experiment's traffic share." },
  },
});

@ObjectType({ description: "A customer's variant in an experiment, or the reason there is none." })
export class VariantAssignment {
  @Field(() => Experiment, { description: 'The experiment.' })
  experiment!: Experiment;

  @Field({ description: "The experiment's key, as asked for." })
  experimentKey!: string;

  @Field(() => ID, { description: 'The customer.' })
  customerId!: string;

  @Field(() => ExperimentVariant, {
    nullable: true,
    description:
      "The customer's variant (drawn now or stored at the first exposure, also once the experiment stopped); null when there is none.",
  })
  variant!: ExperimentVariant | null;

  @Field(() => AssignmentReasonValue, {
    nullable: true,
    description:
      'Why no exposure is recorded now: null when the customer is (or was just) exposed in a RUNNING experiment.',
  })
  reason!: AssignmentReasonValue | null;

  @Field(() => Date, {
    nullable: true,
    description: 'When the customer was first exposed (kept on every later call).',
  })
  firstExposedAt!: Date | null;

  @Field({ description: 'True when this call recorded the first exposure.' })
  newlyExposed!: boolean;
}

@ObjectType({ description: 'What assigning the whole targeted population did.' })
export class SegmentAssignment {
  @Field(() => Experiment, { description: 'The experiment.' })
  experiment!: Experiment;

  @Field(() => Int, { description: 'Customers targeted (segment members, or all customers).' })
  targeted!: number;

  @Field(() => Int, { description: 'Of those, inside the traffic share.' })
  inTraffic!: number;

  @Field(() => Int, { description: 'Exposed by this call.' })
  newlyExposed!: number;

  @Field(() => Int, { description: 'In traffic and exposed before.' })
  alreadyExposed!: number;
}
