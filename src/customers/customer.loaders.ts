import type { LoaderOptions } from '../db/loaders';
import { groupLoader, rowLoader } from '../db/loaders';
import DataLoader from 'dataloader';
import type { CustomerSummaryService } from './customer-summary.service';
import type { CustomerService } from './customer.service';
import { type CustomerEntity } from './customer.entity';

export function createCustomerLoaders(
  customers: CustomerService,
  summaries: CustomerSummaryService,
  options: LoaderOptions,
) {
  return {
    customerById: rowLoader<CustomerEntity>(
      (ids) => customers.liveByIds(ids),
      (row) => row.id,
      options,
    ),
    consentsByCustomerId: groupLoader(
      (ids) => customers.consentsOf(ids),
      (row) => row.customerId,
      options,
    ),
    survivorByMergedId: new DataLoader(
      async (ids: readonly number[]) => {
        const survivors = await customers.survivorsOf(ids);

        return ids.map((id) => survivors.get(id) ?? null);
      },
      { batch: options.batch },
    ),
    summaryByCustomerId: new DataLoader((ids: readonly number[]) => summaries.summariesOf(ids), {
      batch: options.batch,
    }),
    summaryWithoutCategoriesByCustomerId: new DataLoader(
      (ids: readonly number[]) => summaries.summariesOf(ids, false),
      { batch: options.batch },
    ),
  };
}
