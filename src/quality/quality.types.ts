import { Field, Float, Int, ObjectType } from 'type-graphql';

@ObjectType({
  description: 'How complete and how valid one customer field is among live customers.',
})
export class FieldQuality {
  @Field({
    description: 'The field: name, email, phone, country, city, birth_date or gender.',
  })
  field!: string;

  @Field(() => Int, { description: 'Customers with a non-blank value.' })
  filled!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'filled / customers (0.9 = 90 %); null without customers.',
  })
  filledShare!: number | null;

  @Field(() => Int, {
    description: 'Customers whose value passes the rule of the field (README: Data quality).',
  })
  valid!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'valid / filled; null when no customer has the field filled.',
  })
  validShare!: number | null;
}

@ObjectType({ description: 'When a data source last delivered an event.' })
export class SourceFreshness {
  @Field({ description: 'An interaction channel, or ORDERS.' })
  source!: string;

  @Field(() => Date, {
    nullable: true,
    description: 'Time of the latest event (occurredAt / orderedAt); null when there is none.',
  })
  lastEventAt!: Date | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Hours from the latest event to the report; null when there is none.',
  })
  ageHours!: number | null;
}

@ObjectType({
  description:
    'The state of the data: field completeness and validity, rows without a customer, events at impossible times, duplicates and source freshness. Computed in SQL when asked.',
})
export class DataQualityReport {
  @Field({ description: 'When the report was computed ("now" for future events and ages).' })
  generatedAt!: Date;

  @Field(() => Int, { description: 'Live customers (not deleted, not erased) the fields cover.' })
  customers!: number;

  @Field(() => [FieldQuality], { description: 'One entry per measured field, in a fixed order.' })
  fields!: FieldQuality[];

  @Field(() => Int, { description: 'Interactions whose customer is deleted or does not exist.' })
  orphanInteractions!: number;

  @Field(() => Int, { description: 'Orders whose customer is deleted or does not exist.' })
  orphanOrders!: number;

  @Field(() => Int, { description: 'Interactions that occurred after generatedAt.' })
  interactionsInFuture!: number;

  @Field(() => Int, { description: "Interactions that occurred before their customer's signup." })
  interactionsBeforeSignup!: number;

  @Field(() => Int, { description: 'Orders placed after generatedAt.' })
  ordersInFuture!: number;

  @Field(() => Int, { description: "Orders placed before their customer's signup." })
  ordersBeforeSignup!: number;

  @Field(() => Int, { description: 'Candidate duplicate customer pairs (see customerDuplicates).' })
  duplicateCandidates!: number;

  @Field(() => [SourceFreshness], {
    description: 'Every interaction channel, then ORDERS, with its latest event.',
  })
  freshness!: SourceFreshness[];
}
