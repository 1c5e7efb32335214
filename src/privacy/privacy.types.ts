import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';

@ObjectType({
  description: 'Everything Pulse holds about one person, as one JSON document (right of access).',
})
export class CustomerDataExport {
  @Field(() => ID, { description: 'Global id of the customer.' })
  customerId!: string;

  @Field({ description: 'When the export was made (UTC).' })
  exportedAt!: Date;

  @Field(() => GraphQLJSONObject, {
    description:
      'The data, unmasked: exportedAt, profile, consents, consentHistory, interactions (with ' +
      'properties), orders (with lines) and auditEntries (who read, changed or exported it ' +
      'before). Instants are ISO 8601 in UTC; ids are global ids.',
  })
  document!: Record<string, unknown>;
}

@InputType({ description: 'The customer to erase.' })
export class EraseCustomerInput {
  @Field(() => ID, { description: 'Global id of the customer (deleted customers too).' })
  customerId!: string;
}

@ObjectType({ description: 'What an erasure removed and what it kept, anonymised.' })
export class EraseCustomerPayload {
  @Field(() => ID, {
    description: 'Global id of the customer, which is now the anonymous id of its history.',
  })
  customerId!: string;

  @Field({ description: 'When the customer was erased (UTC).' })
  erasedAt!: Date;

  @Field(() => Int, { description: 'Interactions kept for past figures, now anonymous.' })
  interactionsKept!: number;

  @Field(() => Int, { description: 'Interactions whose free-text properties were removed.' })
  interactionPropertiesCleared!: number;

  @Field(() => Int, { description: 'Orders kept, with their lines, for past figures.' })
  ordersKept!: number;

  @Field(() => Int, { description: 'Current consents deleted.' })
  consentsDeleted!: number;

  @Field(() => Int, { description: 'Consent history entries deleted.' })
  consentChangesDeleted!: number;

  @Field(() => Int, {
    description:
      'Predictions deleted (one per kind scored), with the feature values explaining them.',
  })
  predictionsDeleted!: number;
}
