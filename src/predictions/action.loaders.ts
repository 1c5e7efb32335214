import DataLoader from 'dataloader';
import { type LoaderOptions, rowLoader } from '../db/loaders';
import type { ActionService } from './action.service';
import type { NextBestActionResult } from './next-best-action';
import type { NextBestActionService } from './next-best-action.service';

export function createActionLoaders(
  actions: ActionService,
  nextBestActions: NextBestActionService,
  options: LoaderOptions,
) {
  // One "now" per request, so that a page of customers is evaluated in one batch and against
  // the same contact windows.
  const now = new Date();

  return {
    actionById: rowLoader(
      (ids) => actions.byIds(ids),
      (row) => row.id,
      options,
    ),
    nextBestActionByCustomerId: new DataLoader<number, NextBestActionResult>(
      async (ids) => {
        const results = await nextBestActions.forCustomers(ids, now);

        return ids.map((id) => results.get(id) as NextBestActionResult);
      },
      { batch: options.batch },
    ),
  };
}
