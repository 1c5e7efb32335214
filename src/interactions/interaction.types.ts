import {
  ArrayMaxSize,
  ArrayMinSize,
  IsIn,
  IsInt,
  IsOptional,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { ConnectionType } from '../graphql/connection';
import { Node } from '../graphql/node';
import { Channel, CHANNELS } from './channel';
import { MAX_INGEST_INTERACTIONS } from './interaction.service';

@ObjectType({ implements: Node, description: 'Something a customer did or received on a channel.' })
export class Interaction extends Node {
  dbId!: number;
  customerDbId!: number;

  @Field(() => Channel, { description: 'Where it happened.' })
  channel!: Channel;

  @Field({
    description: 'What happened, e.g. email_open, page_view, support_ticket, survey_response.',
  })
  type!: string;

  @Field({ description: 'When it happened (UTC).' })
  occurredAt!: Date;

  @Field(() => Float, {
    nullable: true,
    description: 'A number attached to it (a value, a duration).',
  })
  value!: number | null;

  @Field(() => Int, { nullable: true, description: 'A survey answer: CSAT 1–5 or NPS 0–10.' })
  score!: number | null;

  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description: 'Free-form properties (text values masked for partners).',
  })
  properties!: Record<string, unknown> | null;

  @Field({ description: "The sender's unique id of this event; retries with it are ignored." })
  clientEventId!: string;
}

@ObjectType({ description: 'A page of interactions, newest first.' })
export class InteractionConnection extends ConnectionType(Interaction) {}

@InputType({ description: 'One interaction to store.' })
export class InteractionInput {
  @Field(() => ID, {
    nullable: true,
    description:
      'The customer, by Pulse id (or give customerExternalId); the id of a customer merged into another names the survivor.',
  })
  @IsOptional()
  customerId?: string;

  @Field({
    nullable: true,
    description:
      'The customer, by external id (or give customerId); the external id of a customer merged into another names the survivor.',
  })
  @IsOptional()
  @Length(1, 128)
  customerExternalId?: string;

  @Field(() => Channel, { description: 'Where it happened.' })
  @IsIn(CHANNELS)
  channel!: Channel;

  @Field({ description: 'What happened: lower-case letters, digits and underscores.' })
  @Matches(/^[a-z][a-z0-9_]{0,63}$/, {
    message: 'type must be lower_snake_case, at most 64 characters',
  })
  type!: string;

  @Field({ description: 'When it happened.' })
  occurredAt!: Date;

  @Field(() => Float, { nullable: true, description: 'A number attached to it.' })
  @IsOptional()
  value?: number;

  @Field(() => Int, { nullable: true, description: 'A survey answer, 0–10.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10)
  score?: number;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'Free-form properties.' })
  @IsOptional()
  properties?: Record<string, unknown>;

  @Field({ description: 'Your unique id for this event: sending it again is harmless.' })
  @Length(1, 128)
  clientEventId!: string;
}

@InputType({ description: 'Interactions to store in one transaction (all or nothing).' })
export class IngestInteractionsInput {
  @Field(() => [InteractionInput], {
    description: `Up to ${MAX_INGEST_INTERACTIONS} interactions.`,
  })
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_INGEST_INTERACTIONS)
  @ValidateNested()
  interactions!: InteractionInput[];
}

@ObjectType({ description: 'Result of ingestInteractions.' })
export class IngestInteractionsPayload {
  @Field(() => Int, { description: 'Interactions stored by this call.' })
  accepted!: number;

  @Field(() => Int, {
    description: 'Interactions whose clientEventId was already stored (not stored again).',
  })
  duplicates!: number;
}
