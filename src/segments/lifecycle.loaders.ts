import { type LoaderOptions, rowLoader } from '../db/loaders';
import type { LifecycleService } from './lifecycle.service';

export function createLifecycleLoaders(lifecycle: LifecycleService, options: LoaderOptions) {
  return {
    lifecycleByCustomerId: rowLoader(
      (ids) => lifecycle.stagesOf(ids),
      (row) => row.customerId,
      options,
    ),
  };
}
