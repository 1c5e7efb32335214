import { ArrayMaxSize, IsOptional, ValidateNested } from 'class-validator';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { TimeRange } from '../customers/customer.types';
import { ConnectionType } from '../graphql/connection';
import { Node } from '../graphql/node';
import { AuditAction } from './audit-record';

registerEnumType(AuditAction, {
  name: 'AuditAction',
  description: 'What an audit entry records.',
  valuesConfig: {
    READ_PERSONAL_DATA: {
      description:
        'A response (or subscription event) carried unmasked personal data of these customers.',
    },
    CREATE_CUSTOMER: { description: 'A customer was created.' },
    UPDATE_CUSTOMER: { description: 'A customer was changed (details name the fields).' },
    DELETE_CUSTOMER: { description: 'A customer was deleted (soft delete).' },
    UPSERT_CUSTOMERS: { description: 'Customers were created or changed in one batch.' },
    EXPORT_CUSTOMER_DATA: { description: "A customer's data was exported (right of access)." },
    ERASE_CUSTOMER: { description: "A customer's personal data was erased (right to erasure)." },
    MERGE_CUSTOMERS: {
      description: 'Duplicate customers were merged into the first customer listed.',
    },
    CREATE_API_KEY: { description: 'An API key was created.' },
    REVOKE_API_KEY: { description: 'An API key was revoked.' },
  },
});

@ObjectType({
  implements: Node,
  description:
    'Who (API key) read, changed, exported or erased personal data, about whom and when. ' +
    'Entries hold ids and field names, never the personal data itself.',
})
export class AuditEntry extends Node {
  @Field({ description: 'When it happened (UTC).' })
  occurredAt!: Date;

  @Field(() => ID, {
    nullable: true,
    description: 'Global id of the API key that acted; null for the command line.',
  })
  apiKeyId!: string | null;

  @Field(() => AuditAction, { description: 'What was done.' })
  action!: AuditAction;

  @Field(() => ID, {
    nullable: true,
    description: 'The customer, when the entry is about exactly one.',
  })
  customerId!: string | null;

  @Field(() => Int, { description: 'How many customers the entry is about.' })
  customerCount!: number;

  @Field(() => [ID], {
    description: 'Global ids of the customers it is about (the first 1,000 of customerCount).',
  })
  customerIds!: string[];

  @Field(() => String, { nullable: true, description: 'Name of the GraphQL operation, if any.' })
  operationName!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Request id (the x-request-id header of the response), if any.',
  })
  requestId!: string | null;

  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description: 'What else the action records: changed field names, counts.',
  })
  details!: Record<string, unknown> | null;
}

@ObjectType({ description: 'A page of audit entries, newest first.' })
export class AuditEntryConnection extends ConnectionType(AuditEntry) {}

@InputType({ description: 'Which audit entries to list; all given conditions must hold.' })
export class AuditLogFilter {
  @Field(() => ID, { nullable: true, description: 'Only entries of this API key (global id).' })
  @IsOptional()
  apiKeyId?: string;

  @Field(() => [AuditAction], { nullable: true, description: 'Only these actions.' })
  @IsOptional()
  @ArrayMaxSize(20)
  actions?: AuditAction[];

  @Field(() => ID, {
    nullable: true,
    description: 'Only entries about this customer (global id), alone or among others.',
  })
  @IsOptional()
  customerId?: string;

  @Field(() => TimeRange, { nullable: true, description: 'Only entries within this time range.' })
  @IsOptional()
  @ValidateNested()
  occurred?: TimeRange;
}
