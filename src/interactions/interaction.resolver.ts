import { ArrayMaxSize, ArrayMinSize } from 'class-validator';
import {
  Arg,
  Args,
  ArgsType,
  Authorized,
  Ctx,
  Field,
  FieldResolver,
  ID,
  Mutation,
  Resolver,
  Root,
  Subscription,
} from 'type-graphql';
import { READERS, WRITERS } from '../auth/principal';
import { decodeCustomerIds, loadCustomer } from '../customers/customer.mapper';
import { Customer } from '../customers/customer.types';
import type { PulseContext } from '../graphql/context';
import { toConnection } from '../graphql/connection';
import { decodeGlobalId } from '../graphql/global-id';
import { loadNestedPage } from '../graphql/nested-page';
import { ForwardPageArgs } from '../graphql/page-args';
import type { Services } from '../services';
import { Channel } from './channel';
import { toInteraction } from './interaction.mapper';
import {
  fromRecordedPayload,
  InteractionTopic,
  type InteractionRecordedPayload,
} from './interaction.topics';
import {
  IngestInteractionsInput,
  IngestInteractionsPayload,
  Interaction,
  InteractionConnection,
} from './interaction.types';

@ArgsType()
class TimelineArgs extends ForwardPageArgs {
  @Field(() => Channel, { nullable: true, description: 'Only this channel.' })
  channel?: Channel;

  @Field({ nullable: true, description: 'Only this type, e.g. email_open.' })
  type?: string;

  @Field({ nullable: true, description: 'Only interactions at or after this instant.' })
  since?: Date;
}

@ArgsType()
class InteractionRecordedArgs {
  @Field(() => [ID], { description: 'The customers to follow (1 to 100).' })
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  customerIds!: string[];
}

@Resolver(() => Interaction)
export class InteractionResolver {
  constructor(private readonly services: Services) {}

  @Authorized(WRITERS)
  @Mutation(() => IngestInteractionsPayload, {
    description:
      'Stores up to 5,000 interactions in one transaction. Retrying is safe: known clientEventIds count as duplicates.',
  })
  ingestInteractions(
    @Arg('input', { description: 'The interactions.' }) input: IngestInteractionsInput,
  ): Promise<IngestInteractionsPayload> {
    return this.services.interactions.ingest(
      decodeCustomerIds(input.interactions, 'input.interactions'),
    );
  }

  @Authorized(READERS)
  @Subscription(() => Interaction, {
    topics: InteractionTopic.RECORDED,
    filter: ({
      payload,
      args,
    }: {
      payload: InteractionRecordedPayload;
      args: InteractionRecordedArgs;
    }) =>
      args.customerIds.some((id) => {
        const decoded = safeDecode(id);

        return decoded?.type === 'Customer' && decoded.dbId === payload.customerId;
      }),
    description:
      'Each new interaction of the given customers, as soon as it is stored: a live timeline.',
  })
  interactionRecorded(
    @Root() payload: InteractionRecordedPayload,
    @Args() _args: InteractionRecordedArgs,
    @Ctx() ctx: PulseContext,
  ): Interaction {
    return toInteraction(fromRecordedPayload(payload), ctx.principal);
  }

  @FieldResolver(() => Customer, { description: 'The customer who interacted.' })
  customer(@Root() interaction: Interaction, @Ctx() ctx: PulseContext): Promise<Customer | null> {
    return loadCustomer(ctx, interaction.customerDbId);
  }
}

@Resolver(() => Customer)
export class CustomerInteractionsResolver {
  constructor(private readonly services: Services) {}

  @FieldResolver(() => InteractionConnection, {
    description: "The customer's interactions, newest first.",
  })
  interactions(
    @Root() customer: Customer,
    @Args() args: TimelineArgs,
    @Ctx() ctx: PulseContext,
  ): Promise<InteractionConnection> {
    return loadNestedPage(
      {
        parentId: customer.dbId,
        filter: {
          channel: args.channel ?? null,
          type: args.type ?? null,
          since: args.since ?? null,
        },
        first: args.first,
        after: args.after,
        maxPageSize: this.services.maxPageSize,
        rows: ctx.loaders.latestInteractionsByCustomer,
        counts: ctx.loaders.interactionCountByCustomer,
        sortKey: (row) => ({ at: row.occurredAt, id: row.id }),
      },
      (page) =>
        toConnection(InteractionConnection, page, (row) => toInteraction(row, ctx.principal)),
    );
  }
}

function safeDecode(id: string) {
  try {
    return decodeGlobalId(id, 'customerIds');
  } catch {
    return null;
  }
}
