import { IsOptional, Length } from 'class-validator';
import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionType } from '../graphql/connection';
import { Node } from '../graphql/node';
import { Channel } from '../interactions/channel';

export enum ActionObjectiveValue {
  RETAIN = 'RETAIN',
  PURCHASE = 'PURCHASE',
}
registerEnumType(ActionObjectiveValue, {
  name: 'ActionObjective',
  description: 'What an action tries to change, and the prediction it reads.',
  valuesConfig: {
    RETAIN: { description: 'Keep customers who would churn (reads the CHURN probability).' },
    PURCHASE: { description: 'Make a purchase more likely (reads the PROPENSITY probability).' },
  },
});

export enum EffectSourceValue {
  MANUAL = 'MANUAL',
  EXPERIMENT = 'EXPERIMENT',
}
registerEnumType(EffectSourceValue, {
  name: 'EffectSource',
  description: "Where an action's effect comes from.",
  valuesConfig: {
    MANUAL: { description: 'Typed in by a person (an estimate).' },
    EXPERIMENT: { description: 'Measured by the named experiment (measureActionEffect).' },
  },
});

@ObjectType({
  implements: Node,
  description: 'An action the next-best-action rule can recommend, with its costs and effect.',
})
export class Action extends Node {
  /** Row id; resolvers use it to load related data. Not part of the schema. */
  dbId!: number;

  @Field({ description: 'Unique key (`^[a-z0-9][a-z0-9_-]{0,63}$`).' })
  key!: string;

  @Field({ description: 'Display name.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'What the action is and how it is run.' })
  description!: string | null;

  @Field(() => ActionObjectiveValue, { description: 'What the action tries to change.' })
  objective!: ActionObjectiveValue;

  @Field(() => Channel, {
    description: 'The channel it is sent through; consent is checked on it.',
  })
  channel!: Channel;

  @Field(() => Float, { description: 'Cost of one contact, paid whether or not it is accepted.' })
  costPerContact!: number;

  @Field(() => Float, { description: 'Cost of the incentive, paid by each customer who accepts.' })
  incentiveCost!: number;

  @Field(() => Float, {
    description:
      'In (0, 1]. RETAIN: the save rate (share of would-be churners kept); PURCHASE: the relative uplift of the purchase probability.',
  })
  effect!: number;

  @Field(() => EffectSourceValue, { description: 'Whether the effect was typed in or measured.' })
  effectSource!: EffectSourceValue;

  @Field(() => Date, {
    nullable: true,
    description: 'When measureActionEffect last set the effect; null for a manual effect.',
  })
  effectMeasuredAt!: Date | null;

  @Field(() => ID, {
    nullable: true,
    description: 'Only members of this segment are eligible; everyone when null.',
  })
  segmentId!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Contact cap: the interaction type that counts as a contact on the channel.',
  })
  contactType!: string | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Contact cap: customers with this many contacts in the window are not contacted.',
  })
  maxContacts!: number | null;

  @Field(() => Int, { nullable: true, description: 'Contact cap: the window, in days up to now.' })
  contactWindowDays!: number | null;

  @Field(() => ID, { nullable: true, description: 'The experiment that measures the effect.' })
  experimentId!: string | null;

  @Field(() => String, { nullable: true, description: "The experiment's treatment variant key." })
  variantKey!: string | null;

  @Field(() => String, { nullable: true, description: "The experiment's metric key." })
  metricKey!: string | null;

  @Field(() => Date, {
    nullable: true,
    description: 'When the action was archived; archived actions are never recommended.',
  })
  archivedAt!: Date | null;

  @Field({ description: 'When the action was created.' })
  createdAt!: Date;

  @Field({ description: 'When the action last changed.' })
  updatedAt!: Date;

  @Field(() => Int, { description: 'Changes with every update; send it back to update.' })
  version!: number;
}

@ObjectType({ description: 'A page of actions, by key.' })
export class ActionConnection extends ConnectionType(Action) {}

@InputType({ description: "An action's definition; on update, omitted fields stay." })
export class ActionDefinitionInput {
  @Field(() => String, { nullable: true, description: 'What the action is and how it is run.' })
  @IsOptional()
  @Length(0, 1000)
  description?: string | null;

  @Field(() => Float, { nullable: true, description: 'Cost of one contact, ≥ 0 (default 0).' })
  costPerContact?: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Cost of the incentive per customer who accepts, ≥ 0 (default 0).',
  })
  incentiveCost?: number;

  @Field(() => ID, {
    nullable: true,
    description: 'Only members of this segment are eligible; null = everyone.',
  })
  segmentId?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Contact cap: interaction type counted as a contact (with maxContacts and contactWindowDays).',
  })
  @IsOptional()
  @Length(1, 64)
  contactType?: string | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Contact cap: most contacts in the window, ≥ 1.',
  })
  maxContacts?: number | null;

  @Field(() => Int, { nullable: true, description: 'Contact cap: window in days, 1 to 365.' })
  contactWindowDays?: number | null;

  @Field(() => ID, {
    nullable: true,
    description: 'Experiment that measures the effect (with variantKey and metricKey).',
  })
  experimentId?: string | null;

  @Field(() => String, { nullable: true, description: "The experiment's treatment variant key." })
  variantKey?: string | null;

  @Field(() => String, { nullable: true, description: "The experiment's metric key." })
  metricKey?: string | null;
}

@InputType({ description: 'A new action.' })
export class CreateActionInput extends ActionDefinitionInput {
  @Field({ description: 'Unique key (`^[a-z0-9][a-z0-9_-]{0,63}$`).' })
  key!: string;

  @Field({ description: 'Display name.' })
  @Length(1, 100)
  name!: string;

  @Field(() => ActionObjectiveValue, { description: 'What the action tries to change.' })
  objective!: ActionObjectiveValue;

  @Field(() => Channel, { description: 'The channel it is sent through.' })
  channel!: Channel;

  @Field(() => Float, {
    description: 'In (0, 1]: the save rate (RETAIN) or relative purchase uplift (PURCHASE).',
  })
  effect!: number;
}

@InputType({ description: 'Changes to an action; omitted fields stay.' })
export class UpdateActionInput extends ActionDefinitionInput {
  @Field(() => ID, { description: 'The action.' })
  id!: string;

  @Field(() => Int, { description: 'The version read; CONFLICT when it changed since.' })
  version!: number;

  @Field({ nullable: true, description: 'Display name.' })
  @IsOptional()
  @Length(1, 100)
  name?: string;

  @Field(() => ActionObjectiveValue, { nullable: true, description: 'What the action changes.' })
  objective?: ActionObjectiveValue;

  @Field(() => Channel, { nullable: true, description: 'The channel it is sent through.' })
  channel?: Channel;

  @Field(() => Float, {
    nullable: true,
    description: 'In (0, 1]; a new effect makes the effect source MANUAL.',
  })
  effect?: number;
}

@InputType({ description: 'The action to archive.' })
export class ArchiveActionInput {
  @Field(() => ID, { description: 'The action.' })
  id!: string;

  @Field(() => Int, { description: 'The version read; CONFLICT when it changed since.' })
  version!: number;
}

@ObjectType('ActionPayloadBase', { description: 'Base of the action payloads.' })
abstract class ActionPayload {
  @Field(() => Action, { description: 'The action as written.' })
  action!: Action;
}

@ObjectType({ description: 'The created action.' })
export class CreateActionPayload extends ActionPayload {}

@ObjectType({ description: 'The updated action.' })
export class UpdateActionPayload extends ActionPayload {}

@ObjectType({ description: 'The archived action.' })
export class ArchiveActionPayload extends ActionPayload {}

@ObjectType({ description: 'The action with its effect as measured.' })
export class MeasureActionEffectPayload extends ActionPayload {}
