import { type LoaderOptions, rowLoader } from '../db/loaders';
import type { ApiKeyEntity } from './api-key.entity';
import type { ApiKeyService } from './api-key.service';

export function createApiKeyLoaders(apiKeys: ApiKeyService, options: LoaderOptions) {
  return {
    apiKeyById: rowLoader<ApiKeyEntity>(
      (ids) => apiKeys.byIds(ids),
      (row) => row.id,
      options,
    ),
  };
}
