import { groupBy, type LoaderOptions, parentArgsLoader, rowLoader } from '../db/loaders';
import type { InteractionEntity } from './interaction.entity';
import type { InteractionService, TimelineFilter } from './interaction.service';

/** Arguments of one customer's timeline page; equal arguments share one query. */
export interface TimelineArgs {
  filter: TimelineFilter;
  /** Rows to fetch per customer (page size + 1 to see whether more follow). */
  limit: number;
  before: { at: Date; id: number } | null;
}

export function createInteractionLoaders(interactions: InteractionService, options: LoaderOptions) {
  return {
    interactionById: rowLoader<InteractionEntity>(
      (ids) => interactions.byIds(ids),
      (row) => row.id,
      options,
    ),
    latestInteractionsByCustomer: parentArgsLoader<TimelineArgs, InteractionEntity[]>(
      async (customerIds, args) =>
        groupBy(
          await interactions.latestOf(customerIds, args.filter, args.limit, args.before),
          (row) => row.customerId,
        ),
      () => [],
      options,
    ),
    interactionCountByCustomer: parentArgsLoader<TimelineFilter, number>(
      (customerIds, filter) => interactions.countsOf(customerIds, filter),
      () => 0,
      options,
    ),
  };
}
