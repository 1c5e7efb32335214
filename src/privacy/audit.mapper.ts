import { fromGlobalId, toGlobalId } from '../graphql/global-id';
import type { AuditEntryEntity } from './audit-entry.entity';
import type { AuditAction } from './audit-record';
import type { AuditListFilter } from './audit.service';
import { AuditEntry, type AuditLogFilter } from './audit.types';

/** The GraphQL view of an audit row, with ids as global ids. */
export function toAuditEntry(row: AuditEntryEntity): AuditEntry {
  return Object.assign(new AuditEntry(), {
    id: toGlobalId('AuditEntry', row.id),
    occurredAt: row.occurredAt,
    apiKeyId: row.apiKeyId === null ? null : toGlobalId('ApiKey', row.apiKeyId),
    action: row.action as AuditAction,
    customerId: row.customerId === null ? null : toGlobalId('Customer', row.customerId),
    customerCount: row.customerCount,
    customerIds: (row.customerIds ?? []).map((id) => toGlobalId('Customer', id)),
    operationName: row.operationName,
    requestId: row.requestId,
    details: row.details,
  });
}

/** The service's filter for the API's, with global ids decoded (errors name `filter.*`). */
export function toAuditListFilter(filter: AuditLogFilter | undefined): AuditListFilter {
  return {
    apiKeyId: filter?.apiKeyId ? fromGlobalId(filter.apiKeyId, 'ApiKey', 'filter.apiKeyId') : null,
    customerId: filter?.customerId
      ? fromGlobalId(filter.customerId, 'Customer', 'filter.customerId')
      : null,
    actions: filter?.actions,
    occurred: filter?.occurred,
  };
}
