/** What an audit entry records: a read, a write, an export or an erasure of personal data. */
export enum AuditAction {
  READ_PERSONAL_DATA = 'READ_PERSONAL_DATA',
  CREATE_CUSTOMER = 'CREATE_CUSTOMER',
  UPDATE_CUSTOMER = 'UPDATE_CUSTOMER',
  DELETE_CUSTOMER = 'DELETE_CUSTOMER',
  UPSERT_CUSTOMERS = 'UPSERT_CUSTOMERS',
  EXPORT_CUSTOMER_DATA = 'EXPORT_CUSTOMER_DATA',
  ERASE_CUSTOMER = 'ERASE_CUSTOMER',
  MERGE_CUSTOMERS = 'MERGE_CUSTOMERS',
  CREATE_API_KEY = 'CREATE_API_KEY',
  REVOKE_API_KEY = 'REVOKE_API_KEY',
}

/** Who acts on personal data: services take it from the resolver and write it to the log. */
export interface Actor {
  /** The API key of the request; null for the command line, which has no key. */
  apiKeyId: number | null;
  requestId: string | null;
  operationName: string | null;
}

/** The actor of `pulse` commands run on the server itself. */
export const COMMAND_LINE: Actor = { apiKeyId: null, requestId: null, operationName: null };

/**
 * Most customer ids one entry lists; `customer_count` keeps the true number. 1,000 is the
 * largest page size PULSE_MAX_PAGE_SIZE allows, so one page read is always listed whole.
 */
export const MAX_LISTED_CUSTOMER_IDS = 1000;

/** One audit entry before it is stored. */
export interface AuditRecord {
  action: AuditAction;
  actor: Actor;
  customerIds: readonly number[];
  details?: Record<string, unknown> | null;
}
