import { IsOptional, Min } from 'class-validator';
import {
  Args,
  ArgsType,
  Authorized,
  Ctx,
  Field,
  FieldResolver,
  Float,
  ID,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { READERS } from '../auth/principal';
import { loadCustomer } from '../customers/customer.mapper';
import { Customer } from '../customers/customer.types';
import type { PulseContext } from '../graphql/context';
import { toConnection } from '../graphql/connection';
import { fromGlobalId } from '../graphql/global-id';
import { ForwardPageArgs } from '../graphql/page-args';
import type { Services } from '../services';
import { toAction } from './action.mapper';
import type { Action } from './action.types';
import type { ActionOption } from './next-best-action';
import {
  NextBestAction,
  NextBestActionConnection,
  NextBestActionOption,
  type NextBestActionReason,
  NextBestActionRecommendation,
} from './next-best-action.types';

@ArgsType()
class NextBestActionsArgs extends ForwardPageArgs {
  @Field(() => ID, { nullable: true, description: 'Only members of this segment; all by default.' })
  segmentId?: string | null;

  @Field(() => Float, {
    nullable: true,
    description:
      'Most total expected cost; the list stops at the first customer that does not fit.',
  })
  @IsOptional()
  @Min(0)
  budget?: number | null;

  @Field({
    defaultValue: false,
    description: 'Also list the customers past the budget, with reason OVER_BUDGET.',
  })
  includeOverBudget!: boolean;
}

// Recommendations carry no personal data of their own; the customer is masked by toCustomer.
@Resolver()
export class NextBestActionResolver {
  constructor(private readonly services: Services) {}

  @Authorized(READERS)
  @Query(() => NextBestActionConnection, {
    description:
      'Customers with a recommended action, by gain per expected cost, as far as the budget goes (README: next best action).',
  })
  async nextBestActions(
    @Args() args: NextBestActionsArgs,
    @Ctx() ctx: PulseContext,
  ): Promise<NextBestActionConnection> {
    const segmentId = args.segmentId ? fromGlobalId(args.segmentId, 'Segment', 'segmentId') : null;
    if (segmentId !== null) {
      // An unknown segment is NOT_FOUND, not an empty list that hides the mistaken id.
      await this.services.segments.get(segmentId, 'segmentId');
    }
    const page = await this.services.nextBestActions.recommendations(
      {
        segmentId,
        budget: args.budget ?? null,
        includeOverBudget: args.includeOverBudget,
      },
      args,
    );
    const nodes = await Promise.all(
      page.items.map(async (item) =>
        Object.assign(new NextBestActionRecommendation(), {
          customer: (await loadCustomer(ctx, item.customerId)) as Customer,
          action: await loadAction(ctx, item.actionId),
          gain: item.gain,
          expectedCost: item.expectedCost,
          cumulativeCost: item.cumulativeCost,
          reasons: item.reasons as NextBestActionReason[],
        }),
      ),
    );
    const connection = toConnection(
      NextBestActionConnection,
      { ...page, items: nodes },
      (node) => node,
    );
    connection.budgetUsed = page.budgetUsed;

    return connection;
  }
}

@Resolver(() => Customer)
export class CustomerNextBestActionResolver {
  @FieldResolver(() => NextBestAction, {
    description:
      'The action to take with this customer now, with its gain, inputs, reasons and the alternatives (README: next best action).',
  })
  async nextBestAction(
    @Root() customer: Customer,
    @Ctx() ctx: PulseContext,
  ): Promise<NextBestAction> {
    const result = await ctx.loaders.nextBestActionByCustomerId.load(customer.dbId);
    const alternatives = await Promise.all(
      result.alternatives.map(async (option) =>
        toOption(option, await loadAction(ctx, option.actionId)),
      ),
    );
    const best = result.best;

    return Object.assign(new NextBestAction(), {
      action: result.actionId === null ? null : alternatives[0].action,
      gain: best?.gain ?? null,
      expectedCost: best?.expectedCost ?? null,
      baseProbability: best?.baseProbability ?? null,
      uplift: best?.uplift ?? null,
      acceptProbability: best?.acceptProbability ?? null,
      value: best?.value ?? null,
      reasons: result.reasons as NextBestActionReason[],
      alternatives,
    });
  }
}

function toOption(option: ActionOption, action: Action): NextBestActionOption {
  return Object.assign(new NextBestActionOption(), {
    action,
    gain: option.gain,
    expectedCost: option.expectedCost,
    reasons: option.reasons as NextBestActionReason[],
  });
}

async function loadAction(ctx: PulseContext, id: number): Promise<Action> {
  const row = await ctx.loaders.actionById.load(id);
  if (!row) {
    throw new Error(`action ${id} vanished while it was being recommended`);
  }

  return toAction(row);
}
