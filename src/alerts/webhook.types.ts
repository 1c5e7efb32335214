import { ArrayMaxSize, IsOptional } from 'class-validator';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionType } from '../graphql/connection';
import { Node } from '../graphql/node';

export enum WebhookDeliveryStatus {
  PENDING = 'PENDING',
  DELIVERED = 'DELIVERED',
  FAILED = 'FAILED',
}

registerEnumType(WebhookDeliveryStatus, {
  name: 'WebhookDeliveryStatus',
  description: 'Where a webhook delivery stands.',
  valuesConfig: {
    PENDING: { description: 'Not delivered yet: the next attempt is due at `nextAttemptAt`.' },
    DELIVERED: { description: 'The receiver answered an attempt with a 2xx status.' },
    FAILED: {
      description:
        'Every attempt failed (PULSE_WEBHOOK_MAX_ATTEMPTS), or one was refused because the URL points at a non-public address; no more follow.',
    },
  },
});

@ObjectType({
  implements: Node,
  description:
    "One alert event POSTed to its rule's webhook URL: status, attempts and the last outcome.",
})
export class WebhookDelivery extends Node {
  @Field(() => ID, { description: 'Global id of the alert event delivered.' })
  eventId!: string;

  @Field(() => ID, { description: 'Global id of the alert rule whose webhook this is.' })
  ruleId!: string;

  @Field({ description: 'The URL the event is POSTed to.' })
  url!: string;

  @Field(() => WebhookDeliveryStatus, { description: 'Where the delivery stands.' })
  status!: WebhookDeliveryStatus;

  @Field(() => Int, { description: 'Attempts made so far (a started attempt counts).' })
  attempts!: number;

  @Field(() => Int, {
    nullable: true,
    description: "HTTP status of the last attempt's response; null when none came.",
  })
  lastStatusCode!: number | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Why the last attempt failed (HTTP status, timeout, network error, or `refused: …` for a non-public address); null if not.',
  })
  lastError!: string | null;

  @Field(() => Date, {
    nullable: true,
    description: 'When the next attempt is due (UTC); null once DELIVERED or FAILED.',
  })
  nextAttemptAt!: Date | null;

  @Field({ description: 'When the event was handed to the webhook (UTC).' })
  createdAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When a receiver accepted it (UTC).' })
  deliveredAt!: Date | null;
}

@ObjectType({ description: 'A page of webhook deliveries, newest first.' })
export class WebhookDeliveryConnection extends ConnectionType(WebhookDelivery) {}

@InputType({ description: 'Which webhook deliveries to list; all given conditions must hold.' })
export class WebhookDeliveryFilter {
  @Field(() => [WebhookDeliveryStatus], { nullable: true, description: 'Only these statuses.' })
  @IsOptional()
  @ArrayMaxSize(3)
  statuses?: WebhookDeliveryStatus[];

  @Field(() => ID, { nullable: true, description: 'Only deliveries of this alert rule.' })
  @IsOptional()
  ruleId?: string;

  @Field(() => ID, { nullable: true, description: 'Only the delivery of this alert event.' })
  @IsOptional()
  eventId?: string;
}
