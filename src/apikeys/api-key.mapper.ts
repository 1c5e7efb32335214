import type { Role } from '../auth/principal';
import { toGlobalId } from '../graphql/global-id';
import type { ApiKeyEntity } from './api-key.entity';
import { ApiKey } from './api-key.types';

/** The GraphQL view of a key row (never its hash). */
export function toApiKey(row: ApiKeyEntity): ApiKey {
  return Object.assign(new ApiKey(), {
    id: toGlobalId('ApiKey', row.id),
    name: row.name,
    role: row.role as Role,
    prefix: row.keyPrefix,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
  });
}
