import { keysetPage } from '../db/keyset-page';
import { Brackets, type DataSource, type EntityManager, In } from 'typeorm';
import { insertEntities } from '../db/entity-insert';
import { GroupedWriter } from '../db/grouped-writer';
import { type Page, type PageArgs } from '../db/pagination';
import { serialized } from '../db/transaction';
import type { AuditCollector } from './audit-collector';
import { AuditEntryEntity } from './audit-entry.entity';
import { AuditAction, type AuditRecord, MAX_LISTED_CUSTOMER_IDS } from './audit-record';

/** Which audit entries to list; all given conditions must hold. */
export interface AuditListFilter {
  apiKeyId?: number | null;
  actions?: AuditAction[] | null;
  /** Entries about this customer, alone or among others. */
  customerId?: number | null;
  occurred?: { from?: Date | null; to?: Date | null } | null;
}

// Rows of one grouped INSERT of reads: each lists up to MAX_LISTED_CUSTOMER_IDS ids, so a
// statement stays far below the servers' packet limits (16 MB on MariaDB, 64 MB on MySQL 8).
const MAX_READS_PER_INSERT = 100;

export class AuditService {
  private readonly reads: GroupedWriter<Partial<AuditEntryEntity>>;

  constructor(
    private readonly db: DataSource,
    private readonly maxPageSize: number,
  ) {
    this.reads = new GroupedWriter(
      (rows) => serialized(db, () => insertEntities(db.manager, AuditEntryEntity, rows)),
      MAX_READS_PER_INSERT,
    );
  }

  /**
   * Writes one entry through `manager`. Services pass their transaction, so the entry lands
   * exactly when the change it records does.
   */
  async record(manager: EntityManager, record: AuditRecord): Promise<void> {
    await insertEntities(manager, AuditEntryEntity, [entryOf(record)]);
  }

  /**
   * Writes the personal data reads `collector` noted since it was last asked, as one entry;
   * nothing when there were none. The entries of requests answered together are written by one
   * statement; each caller goes on once its own entry is stored.
   */
  async recordReads(collector: AuditCollector): Promise<void> {
    const customerIds = collector.take();
    if (customerIds.length === 0) {
      return;
    }
    await this.reads.add(
      entryOf({ action: AuditAction.READ_PERSONAL_DATA, actor: collector.actor, customerIds }),
    );
  }

  /** A page of entries, newest first. */
  async page(filter: AuditListFilter, pageArgs: PageArgs): Promise<Page<AuditEntryEntity>> {
    return keysetPage(
      () => this.filtered(filter),
      {
        columns: ['a.occurred_at', 'a.id'],
        direction: 'DESC',
        key: (row) => [row.occurredAt.toISOString(), row.id],
        fromCursor: ([occurredAt, id]) => [new Date(String(occurredAt)), id],
      },
      pageArgs,
      this.maxPageSize,
    );
  }

  byIds(ids: readonly number[]): Promise<AuditEntryEntity[]> {
    return this.db.getRepository(AuditEntryEntity).findBy({ id: In([...ids]) });
  }

  /**
   * Every entry about one person, oldest first (for the customer's data export): about any of
   * `customerIds`, the customer and the records merged into it.
   */
  aboutCustomer(manager: EntityManager, customerIds: number[]): Promise<AuditEntryEntity[]> {
    const query = manager.getRepository(AuditEntryEntity).createQueryBuilder('a');
    query.andWhere(
      new Brackets((about) => customerIds.forEach((id) => about.orWhere(...mentions(id)))),
    );

    return query.orderBy('a.id', 'ASC').getMany();
  }

  private filtered(filter: AuditListFilter, manager: EntityManager = this.db.manager) {
    const query = manager.getRepository(AuditEntryEntity).createQueryBuilder('a');
    if (filter.apiKeyId != null) {
      query.andWhere('a.api_key_id = :apiKeyId', { apiKeyId: filter.apiKeyId });
    }
    if (filter.actions?.length) {
      query.andWhere('a.action IN (:...actions)', { actions: filter.actions });
    }
    if (filter.customerId != null) {
      // An entry about one customer names it in customer_id (indexed); one about several lists
      // them only in customer_ids, stored as JSON.stringify of integers ("[3,17,42]"), where
      // these patterns find one id exactly on both dialects without JSON functions.
      query.andWhere(...mentions(filter.customerId));
    }
    if (filter.occurred?.from) {
      query.andWhere('a.occurred_at >= :from', { from: filter.occurred.from });
    }
    if (filter.occurred?.to) {
      query.andWhere('a.occurred_at < :to', { to: filter.occurred.to });
    }

    return query;
  }
}

/**
 * The condition "the entry is about customer `id`", with parameters named after the id so that
 * several can be OR-ed in one query.
 */
function mentions(id: number): [string, Record<string, unknown>] {
  return [
    `(a.customer_id = :id${id} OR (a.customer_id IS NULL AND (a.customer_ids LIKE ` +
      `:first${id} OR a.customer_ids LIKE :middle${id} OR a.customer_ids LIKE :last${id})))`,
    {
      [`id${id}`]: id,
      [`first${id}`]: `[${id},%`,
      [`middle${id}`]: `%,${id},%`,
      [`last${id}`]: `%,${id}]`,
    },
  ];
}

/** The row that stores `record`. */
function entryOf(record: AuditRecord): Partial<AuditEntryEntity> {
  const ids = record.customerIds;

  return {
    occurredAt: new Date(),
    apiKeyId: record.actor.apiKeyId,
    action: record.action,
    customerId: ids.length === 1 ? ids[0] : null,
    customerCount: ids.length,
    customerIds: ids.slice(0, MAX_LISTED_CUSTOMER_IDS),
    // Both come from the client: cut to the column rather than fail the request.
    operationName: record.actor.operationName?.slice(0, 200) ?? null,
    requestId: record.actor.requestId?.slice(0, 128) ?? null,
    details: record.details ?? null,
  };
}
