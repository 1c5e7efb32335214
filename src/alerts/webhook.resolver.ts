import { IsOptional, ValidateNested } from 'class-validator';
import { Args, ArgsType, Authorized, Field, Query, Resolver } from 'type-graphql';
import { Role } from '../auth/principal';
import { toConnection } from '../graphql/connection';
import { PageArgsInput } from '../graphql/page-args';
import type { Services } from '../services';
import { toWebhookDelivery, toWebhookDeliveryFilter } from './webhook.mapper';
import { WebhookDeliveryConnection, WebhookDeliveryFilter } from './webhook.types';

@ArgsType()
class WebhookDeliveriesArgs extends PageArgsInput {
  @Field(() => WebhookDeliveryFilter, {
    nullable: true,
    description: 'Only deliveries matching this.',
  })
  @IsOptional()
  @ValidateNested()
  filter?: WebhookDeliveryFilter;
}

// The log shows receivers' URLs and failures: an operator's view, not a consumer's.
@Authorized(Role.ADMIN)
@Resolver()
export class WebhookResolver {
  constructor(private readonly services: Services) {}

  @Query(() => WebhookDeliveryConnection, {
    description: 'The delivery log of alert webhooks: status and attempts, newest first.',
  })
  async webhookDeliveries(
    @Args() { filter, ...page }: WebhookDeliveriesArgs,
  ): Promise<WebhookDeliveryConnection> {
    return toConnection(
      WebhookDeliveryConnection,
      await this.services.webhooks.page(toWebhookDeliveryFilter(filter), page),
      toWebhookDelivery,
    );
  }
}
