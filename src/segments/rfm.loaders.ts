import { type LoaderOptions, rowLoader } from '../db/loaders';
import type { RfmService } from './rfm.service';

export function createRfmLoaders(rfm: RfmService, options: LoaderOptions) {
  return {
    rfmByCustomerId: rowLoader(
      (ids) => rfm.scoresOf(ids),
      (row) => row.customerId,
      options,
    ),
  };
}
