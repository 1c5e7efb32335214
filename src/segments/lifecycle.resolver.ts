import { Args, Authorized, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { READERS } from '../auth/principal';
import { Customer } from '../customers/customer.types';
import type { PulseContext } from '../graphql/context';
import type { Services } from '../services';
import type { LifecycleStage } from './lifecycle-stage';
import { CustomerLifecycle, LifecycleMoveCount, LifecycleMovesArgs } from './lifecycle.types';

// Stages are derived figures, not personal data: every reader sees them unmasked.
@Resolver(() => Customer)
export class CustomerLifecycleResolver {
  @FieldResolver(() => CustomerLifecycle, {
    nullable: true,
    description: 'Lifecycle stage as of the last lifecycle refresh; null before the first one.',
  })
  async lifecycleStage(
    @Root() customer: Customer,
    @Ctx() ctx: PulseContext,
  ): Promise<CustomerLifecycle | null> {
    const row = await ctx.loaders.lifecycleByCustomerId.load(customer.dbId);

    return row && { stage: row.stage as LifecycleStage, since: row.since };
  }
}

@Resolver()
export class LifecycleResolver {
  constructor(private readonly services: Services) {}

  @Authorized(READERS)
  @Query(() => [LifecycleMoveCount], {
    description:
      'Customers moving between lifecycle stages, counted per period (reporting time zone) and per pair of stages; pairs without moves are left out.',
  })
  lifecycleMoves(@Args() args: LifecycleMovesArgs): Promise<LifecycleMoveCount[]> {
    return this.services.lifecycle.moveCounts(args.period, args.from, args.to);
  }
}
