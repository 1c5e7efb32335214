import type { CountryCode } from 'libphonenumber-js';
import { randomUUID } from 'node:crypto';
import { type DataSource, type EntityManager, In, IsNull } from 'typeorm';
import { containsPattern, dialectOf, searchableText } from '../db/dialect';
import { refuseTaken } from '../db/refuse-taken';
import { selectEntities } from '../db/entity-select';
import {
  cursorInstant,
  keysetCondition,
  type Page,
  type PageArgs,
  pageWindow,
  toPage,
} from '../db/pagination';
import { inTransaction } from '../db/transaction';
import { badInput, notFound, PulseError } from '../errors';
import type { DataChanges } from '../events';
import type { Channel } from '../interactions/channel';
import { CustomerMergeEntity } from '../quality/customer-merge.entity';
import { emailKey, normalizeProfile } from '../quality/normalize';
import { AuditAction, type Actor } from '../privacy/audit-record';
import type { AuditService } from '../privacy/audit.service';
import { ConsentChangeEntity, ConsentEntity } from './consent.entity';
import { CustomerEntity } from './customer.entity';

/** Consent to record, as the API and imports give it. */
export interface ConsentData {
  channel: Channel;
  status: 'GRANTED' | 'DENIED';
  changedAt?: Date | null;
  source?: string | null;
}

/** Profile fields; `undefined` leaves a field alone, `null` clears it. */
export interface CustomerData {
  externalId?: string;
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  country?: string | null;
  city?: string | null;
  birthDate?: string | null;
  gender?: string | null;
  signedUpAt?: Date | null;
  attributes?: Record<string, unknown> | null;
  consents?: ConsentData[] | null;
}

export interface CustomerListFilter {
  text?: string | null;
  countries?: string[] | null;
  signedUp?: { from?: Date | null; to?: Date | null } | null;
  consentGranted?: Channel[] | null;
  hasOrdered?: boolean | null;
  spend?: { min?: number | null; max?: number | null } | null;
  lastActivity?: { from?: Date | null; to?: Date | null } | null;
}

export type CustomerSort = 'SIGNED_UP_AT' | 'CREATED_AT' | 'NAME' | 'EXTERNAL_ID';

export interface UpsertResult {
  created: number;
  updated: number;
  unchanged: number;
  customers: CustomerEntity[];
}

// Sort keys and how their cursor values come back from JSON.
const SORTS: Record<
  CustomerSort,
  { expr: string; read: (row: CustomerEntity) => unknown; isInstant: boolean }
> = {
  SIGNED_UP_AT: {
    expr: 't.signed_up_at',
    read: (row) => row.signedUpAt.toISOString(),
    isInstant: true,
  },
  CREATED_AT: { expr: 't.created_at', read: (row) => row.createdAt.toISOString(), isInstant: true },
  NAME: { expr: "COALESCE(t.name, '')", read: (row) => row.name ?? '', isInstant: false },
  EXTERNAL_ID: { expr: 't.external_id', read: (row) => row.externalId, isInstant: false },
};

const PROFILE_FIELDS = [
  'externalId',
  'name',
  'email',
  'phone',
  'country',
  'city',
  'birthDate',
  'gender',
  'signedUpAt',
  'attributes',
] as const;

export class CustomerService {
  constructor(
    private readonly db: DataSource,
    private readonly maxPageSize: number,
    private readonly audit: AuditService,
    private readonly changes: DataChanges,
    /** Region phone numbers without a country prefix are read in (PULSE_DEFAULT_PHONE_REGION). */
    private readonly phoneRegion: CountryCode,
  ) {}

  async get(id: number): Promise<CustomerEntity> {
    const [live] = await this.liveByIds([id]);
    const customer = live ?? (await this.survivorsOf([id])).get(id);
    if (!customer) {
      throw notFound(`Customer ${id}`, 'id');
    }

    return customer;
  }

  /** Live (not deleted) customers among `ids`, in no particular order. */
  liveByIds(ids: readonly number[]): Promise<CustomerEntity[]> {
    return selectEntities(
      this.db,
      CustomerEntity,
      'WHERE t.id IN (:...ids) AND t.deleted_at IS NULL',
      {
        ids: [...ids],
      },
    );
  }

  /** The live customer with this external id, or the survivor it was merged into. */
  async findByExternalId(externalId: string): Promise<CustomerEntity | null> {
    const customers = this.db.getRepository(CustomerEntity);
    const customer = await customers.findOneBy({ externalId, deletedAt: IsNull() });
    const merge =
      !customer &&
      (await this.db
        .getRepository(CustomerMergeEntity)
        .findOneBy({ mergedExternalId: externalId }));

    return merge ? customers.findOneBy({ id: merge.survivorId, deletedAt: IsNull() }) : customer;
  }

  /**
   * The live survivors of merged customers among `mergedIds`, by merged id: a merge leaves a
   * redirect so that old global ids keep working.
   */
  async survivorsOf(mergedIds: readonly number[]): Promise<Map<number, CustomerEntity>> {
    const merges = await this.db
      .getRepository(CustomerMergeEntity)
      .findBy({ mergedCustomerId: In([...mergedIds]) });
    const survivors =
      merges.length > 0 ? await this.liveByIds(merges.map((merge) => merge.survivorId)) : [];
    const byId = new Map(survivors.map((row) => [row.id, row]));

    return new Map(
      merges.flatMap((merge) => {
        const survivor = byId.get(merge.survivorId);

        return survivor ? [[merge.mergedCustomerId, survivor] as const] : [];
      }),
    );
  }

  /** A page of live customers matching `filter`, in a stable keyset order. */
  async list(
    filter: CustomerListFilter | null | undefined,
    sort: { field: CustomerSort; direction: 'ASC' | 'DESC' } | null | undefined,
    pageArgs: PageArgs,
  ): Promise<Page<CustomerEntity>> {
    const order = sort ?? { field: 'SIGNED_UP_AT', direction: 'DESC' };
    const key = SORTS[order.field];
    const window = pageWindow(pageArgs, this.maxPageSize, 2, [1]);
    const { conditions, params } = this.filtered(filter);
    const where = conditions.join(' AND ');
    // Paging backwards walks the list in reverse and flips the page back in toPage().
    const descending = (order.direction === 'DESC') !== window.backward;
    const keyset = window.cursor
      ? keysetCondition(
          [key.expr, 't.id'],
          [
            key.isInstant
              ? cursorInstant(window.cursor[0], window.backward ? 'before' : 'after')
              : window.cursor[0],
            window.cursor[1],
          ],
          descending ? '<' : '>',
        )
      : null;
    const direction = descending ? 'DESC' : 'ASC';
    const rows = await selectEntities(
      this.db,
      CustomerEntity,
      `WHERE ${keyset ? `${where} AND ${keyset.sql}` : where} ` +
        `ORDER BY ${key.expr} ${direction}, t.id ${direction} LIMIT ${window.size + 1}`,
      { ...params, ...keyset?.params },
    );

    return toPage(
      rows,
      window,
      (row) => [key.read(row), row.id],
      () =>
        this.db
          .getRepository(CustomerEntity)
          .createQueryBuilder('t')
          .where(where, params)
          .getCount(),
    );
  }

  async create(data: CustomerData, actor: Actor): Promise<CustomerEntity> {
    return inTransaction(this.db, async (tx) => {
      const now = new Date();
      const customer = this.newCustomer(tx, data, 'input', now);
      customer.externalId = data.externalId ?? `pulse-${randomUUID()}`;
      await this.save(tx, customer, 'input');
      const consents = await this.recordConsents(tx, customer.id, data.consents, now);
      await this.audit.record(tx, {
        action: AuditAction.CREATE_CUSTOMER,
        actor,
        customerIds: [customer.id],
        details: { consents },
      });

      return customer;
    });
  }

  /** Applies `data` if the stored version is still `version`; otherwise fails with CONFLICT. */
  async update(
    id: number,
    version: number,
    data: CustomerData,
    actor: Actor,
  ): Promise<CustomerEntity> {
    return inTransaction(this.db, async (tx) => {
      const now = new Date();
      const changes = { ...this.profile(data, 'input'), updatedAt: now };
      // TypeORM's @VersionColumn would not guard the UPDATE; the WHERE clause does.
      const result = await refuseTakenIdentity('input', () =>
        tx
          .createQueryBuilder()
          .update(CustomerEntity)
          .set({ ...changes, version: () => 'version + 1' })
          .where('id = :id AND version = :version AND deleted_at IS NULL', { id, version })
          .execute(),
      );
      if (!result.affected) {
        const current = await tx
          .getRepository(CustomerEntity)
          .findOneBy({ id, deletedAt: IsNull() });
        if (!current) {
          throw notFound(`Customer ${id}`, 'input.id');
        }
        throw new PulseError(
          'CONFLICT',
          `Customer ${id} is at version ${current.version}, not ${version}: read it again and retry`,
          'input.version',
          { currentVersion: current.version },
        );
      }
      const consents = await this.recordConsents(tx, id, data.consents, now);
      // Field names only: the log must not become a second copy of the personal data.
      await this.audit.record(tx, {
        action: AuditAction.UPDATE_CUSTOMER,
        actor,
        customerIds: [id],
        details: { fields: Object.keys(this.profile(data, 'input')), consents },
      });

      return tx.getRepository(CustomerEntity).findOneByOrFail({ id });
    });
  }

  /** Soft-deletes a customer; with `version`, only if it did not change since. */
  async remove(id: number, version: number | null | undefined, actor: Actor): Promise<void> {
    await inTransaction(this.db, async (tx) => {
      const query = tx
        .createQueryBuilder()
        .update(CustomerEntity)
        .set({ deletedAt: new Date(), version: () => 'version + 1' })
        .where('id = :id AND deleted_at IS NULL', { id });
      if (version != null) {
        query.andWhere('version = :version', { version });
      }
      const result = await query.execute();
      if (!result.affected) {
        if (!(await tx.getRepository(CustomerEntity).existsBy({ id, deletedAt: IsNull() }))) {
          throw notFound(`Customer ${id}`, 'input.id');
        }
        throw new PulseError(
          'CONFLICT',
          `Customer ${id} changed since version ${version}`,
          'input.version',
        );
      }
      await this.audit.record(tx, {
        action: AuditAction.DELETE_CUSTOMER,
        actor,
        customerIds: [id],
      });
    });
  }

  /**
   * Creates or updates customers matched by external id, all in one transaction: one bad row
   * fails the whole call, naming its index. Rows equal to what is stored are left alone, so a
   * retried call changes nothing. The external id of a customer merged into another (with no
   * customer of its own) updates the survivor, which keeps its external id and is reported as
   * updated or unchanged.
   */
  async upsertMany(
    rows: Array<CustomerData & { externalId: string }>,
    actor: Actor,
    field = 'input.customers',
  ): Promise<UpsertResult> {
    refuseRepeats(rows, 'externalId', (row) => row.externalId, field);
    refuseRepeats(rows, 'email', (row) => (row.email ? emailKey(row.email) : null), field);

    // Concurrent calls bringing the same customers must neither deadlock on MySQL nor write
    // from a stale read (two updates leaving one version): the existing customers are locked as
    // they are read, so a second call waits and reads what the first wrote, and rows are written
    // in external id order, whatever the caller's, so two calls take their locks in one order.
    // READ COMMITTED: at REPEATABLE READ the locking read would also lock the gaps where new
    // external ids go, and two calls inserting the same new one would deadlock on them.
    const order = [...rows.keys()].sort((a, b) =>
      rows[a].externalId < rows[b].externalId ? -1 : 1,
    );
    const upserted = await inTransaction(
      this.db,
      async (tx) => {
        const repository = tx.getRepository(CustomerEntity);
        // Erased rows never come back: their external id is a random one of Pulse's own.
        const existing = await repository.find({
          where: { externalId: In(rows.map((row) => row.externalId)), erasedAt: IsNull() },
          ...(dialectOf(tx) === 'mysql' ? { lock: { mode: 'pessimistic_write' as const } } : {}),
        });
        const byExternalId = new Map(existing.map((customer) => [customer.externalId, customer]));
        const merged = await this.survivorsByMergedExternalId(
          tx,
          rows.map((row) => row.externalId).filter((externalId) => !byExternalId.has(externalId)),
        );
        refuseSameCustomer(
          rows,
          (row) => (byExternalId.get(row.externalId) ?? merged.get(row.externalId))?.id,
          field,
        );
        const result: UpsertResult = { created: 0, updated: 0, unchanged: 0, customers: [] };
        const written: Array<number | undefined> = [];
        const now = new Date();
        for (const index of order) {
          const given = rows[index];
          const path = `${field}[${index}]`;
          const survivor = merged.get(given.externalId);
          const current = byExternalId.get(given.externalId) ?? survivor;
          // The external id of a customer merged into another updates the survivor, which keeps
          // its own external id: creating the duplicate again would undo the merge.
          const row = survivor ? { ...given, externalId: undefined } : given;
          if (!current) {
            const created = this.newCustomer(tx, row, path, now);
            await this.save(tx, created, path);
            await this.recordConsents(tx, created.id, row.consents, now);
            result.created += 1;
            result.customers[index] = created;
            written[index] = created.id;
            continue;
          }
          const changes = this.changedFields(current, row, path);
          const consentsChanged =
            (await this.recordConsents(tx, current.id, row.consents, now)).length > 0;
          if (Object.keys(changes).length === 0 && current.deletedAt === null) {
            if (consentsChanged) {
              result.updated += 1;
              written[index] = current.id;
            } else {
              result.unchanged += 1;
            }
            result.customers[index] = current;
            continue;
          }
          // Upserting a deleted customer brings it back: the source system says it exists.
          Object.assign(current, changes, {
            updatedAt: now,
            deletedAt: null,
            version: current.version + 1,
          });
          await this.save(tx, current, path);
          result.updated += 1;
          result.customers[index] = current;
          written[index] = current.id;
        }
        // A retry that changes nothing is no write of personal data: no entry.
        const writtenIds = written.filter((id) => id !== undefined);
        if (writtenIds.length > 0) {
          const { created, updated, unchanged } = result;
          await this.audit.record(tx, {
            action: AuditAction.UPSERT_CUSTOMERS,
            actor,
            customerIds: writtenIds,
            details: { created, updated, unchanged },
          });
        }

        return result;
      },
      { readCommitted: true },
    );
    if (upserted.created + upserted.updated > 0) {
      this.changes.notify('customers');
    }

    return upserted;
  }

  /**
   * The survivors (deleted ones too: an upsert brings them back) that the external ids of merged
   * customers among `externalIds` lead to, by merged external id; two statements at most.
   */
  private async survivorsByMergedExternalId(
    tx: EntityManager,
    externalIds: string[],
  ): Promise<Map<string, CustomerEntity>> {
    const { byExternalId } = await mergedSurvivors(tx, { externalIds }, 'notErased');
    if (byExternalId.size === 0) {
      return new Map();
    }
    const survivors = await tx
      .getRepository(CustomerEntity)
      .findBy({ id: In([...new Set(byExternalId.values())]) });
    const byId = new Map(survivors.map((customer) => [customer.id, customer]));

    return new Map(
      [...byExternalId].flatMap(([externalId, id]) => {
        const survivor = byId.get(id);

        return survivor ? [[externalId, survivor] as const] : [];
      }),
    );
  }

  /** A customer not yet saved, from `data` as created now (signed up now unless given). */
  private newCustomer(
    tx: EntityManager,
    data: CustomerData,
    path: string,
    now: Date,
  ): CustomerEntity {
    return tx.getRepository(CustomerEntity).create({
      ...this.profile(data, path),
      signedUpAt: data.signedUpAt ?? now,
      attributes: data.attributes ?? {},
      createdAt: now,
      updatedAt: now,
      deletedAt: null,
      version: 1,
    });
  }

  /** Consents of customers, keyed by customer id (for the per-request loader). */
  consentsOf(customerIds: readonly number[]): Promise<ConsentEntity[]> {
    return selectEntities(this.db, ConsentEntity, 'WHERE t.customer_id IN (:...customerIds)', {
      customerIds: [...customerIds],
    });
  }

  /** Consents of the live (not deleted, not erased) customers among `customerIds`, in one query. */
  liveConsentsOf(customerIds: readonly number[]): Promise<ConsentEntity[]> {
    return this.db
      .getRepository(ConsentEntity)
      .createQueryBuilder('cc')
      .innerJoin(CustomerEntity, 'c', 'c.id = cc.customer_id AND c.deleted_at IS NULL')
      .where('cc.customer_id IN (:...customerIds)', { customerIds: [...customerIds] })
      .getMany();
  }

  /**
   * The conditions (alias `t`, named parameters) shared by the page and its count; the page is
   * read with selectEntities, the hottest list of all.
   */
  private filtered(filter: CustomerListFilter | null | undefined): {
    conditions: string[];
    params: Record<string, unknown>;
  } {
    const conditions = ['t.deleted_at IS NULL'];
    const params: Record<string, unknown> = {};
    const where = (sql: string, values: Record<string, unknown> = {}) => {
      conditions.push(sql);
      Object.assign(params, values);
    };
    if (!filter) {
      return { conditions, params };
    }
    if (filter.text) {
      // Names are found ignoring case and accents in every script, alike on both databases
      // (SQLite's LIKE alone folds A–Z). Emails compare exactly (migration ExactEmails) and are
      // stored lower-cased.
      const name = searchableText(this.db, 't.name');
      where(
        `(${name} LIKE ${searchableText(this.db, ':text')} ESCAPE '!' OR t.email LIKE :emailText ESCAPE '!')`,
        {
          text: containsPattern(filter.text),
          emailText: containsPattern(filter.text.toLowerCase()),
        },
      );
    }
    if (filter.countries?.length) {
      where('t.country IN (:...countries)', { countries: filter.countries });
    }
    range(where, 't.signed_up_at', filter.signedUp, 'signedUp');
    filter.consentGranted?.forEach((channel, i) => {
      where(
        `EXISTS (SELECT 1 FROM customer_consents cc${i} WHERE cc${i}.customer_id = t.id ` +
          `AND cc${i}.channel = :consent${i} AND cc${i}.status = 'GRANTED')`,
        { [`consent${i}`]: channel },
      );
    });
    // A scalar subquery, not EXISTS: MariaDB turns EXISTS into a semi-join that scans every
    // paid order; this form probes idx_orders_customer_status_time once per candidate customer.
    const firstPaid =
      "(SELECT 1 FROM orders o WHERE o.customer_id = t.id AND o.status = 'PAID' LIMIT 1)";
    if (filter.hasOrdered != null) {
      where(`${firstPaid} IS ${filter.hasOrdered ? 'NOT ' : ''}NULL`);
    }
    if (filter.spend && (filter.spend.min != null || filter.spend.max != null)) {
      const spent =
        "(SELECT COALESCE(SUM(o.amount), 0) FROM orders o WHERE o.customer_id = t.id AND o.status = 'PAID')";
      if (filter.spend.min != null) {
        where(`${spent} >= :spendMin`, { spendMin: filter.spend.min });
      }
      if (filter.spend.max != null) {
        where(`${spent} <= :spendMax`, { spendMax: filter.spend.max });
      }
    }
    range(
      where,
      '(SELECT MAX(i.occurred_at) FROM interactions i WHERE i.customer_id = t.id)',
      filter.lastActivity,
      'lastActivity',
    );

    return { conditions, params };
  }

  /**
   * The profile fields `data` sets (undefined ones left out), normalised (src/quality/
   * normalize.ts); a value that cannot be is refused naming `${path}.<field>`.
   */
  private profile(data: CustomerData, path: string): Partial<CustomerEntity> {
    const profile: Record<string, unknown> = {};
    for (const field of PROFILE_FIELDS) {
      if (data[field] !== undefined) {
        profile[field] = field === 'attributes' ? (data.attributes ?? {}) : data[field];
      }
    }

    // Emails are stored lower-cased, which also makes SQLite agree with MySQL's collation and
    // keeps the unique index meaningful.
    return normalizeProfile(profile, this.phoneRegion, path) as Partial<CustomerEntity>;
  }

  private changedFields(
    current: CustomerEntity,
    data: CustomerData,
    path: string,
  ): Partial<CustomerEntity> {
    const wanted = this.profile(data, path) as Record<string, unknown>;
    const changes: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(wanted)) {
      const stored = (current as unknown as Record<string, unknown>)[field];
      if (JSON.stringify(stored) !== JSON.stringify(value)) {
        changes[field] = value;
      }
    }

    return changes as Partial<CustomerEntity>;
  }

  private async save(tx: EntityManager, customer: CustomerEntity, path: string): Promise<void> {
    await refuseTakenIdentity(path, () => tx.getRepository(CustomerEntity).save(customer));
  }

  /**
   * Records consent changes: the current state per channel, and one history row per change.
   * A consent equal to the stored one is not a change. Returns the channels that changed.
   */
  private async recordConsents(
    tx: EntityManager,
    customerId: number,
    consents: ConsentData[] | null | undefined,
    now: Date,
  ): Promise<Channel[]> {
    if (!consents?.length) {
      return [];
    }
    const repository = tx.getRepository(ConsentEntity);
    const stored = await repository.findBy({ customerId });
    const byChannel = new Map(stored.map((consent) => [consent.channel, consent]));
    const changed: Channel[] = [];
    for (const consent of consents) {
      if (byChannel.get(consent.channel)?.status === consent.status) {
        continue;
      }
      const record = {
        customerId,
        channel: consent.channel,
        status: consent.status,
        changedAt: consent.changedAt ?? now,
        source: consent.source ?? null,
      };
      await repository.save(repository.create(record));
      await tx.getRepository(ConsentChangeEntity).insert(record);
      byChannel.set(consent.channel, repository.create(record));
      changed.push(consent.channel);
    }

    return changed;
  }
}

/** A reference to a customer by row id or by external id, as ingestion rows carry it. */
export interface CustomerRef {
  customerId?: number | null;
  customerExternalId?: string | null;
}

/**
 * Resolves customer references of many rows in one query, and one more for ids that name no
 * live customer: the id or external id of a customer merged into another resolves to the
 * survivor. A row naming no customer, both kinds of id, or an unknown or deleted customer fails
 * the call with the row's path.
 */
export async function resolveCustomerRefs(
  manager: EntityManager,
  refs: CustomerRef[],
  field: string,
): Promise<number[]> {
  refs.forEach((ref, index) => {
    if ((ref.customerId == null) === (ref.customerExternalId == null)) {
      throw badInput(
        'Give exactly one of customerId and customerExternalId',
        `${field}[${index}].customerId`,
      );
    }
  });
  const ids = [...new Set(refs.flatMap((ref) => (ref.customerId != null ? [ref.customerId] : [])))];
  const externalIds = [
    ...new Set(
      refs.flatMap((ref) => (ref.customerExternalId != null ? [ref.customerExternalId] : [])),
    ),
  ];
  const query = manager
    .getRepository(CustomerEntity)
    .createQueryBuilder('c')
    .select(['c.id', 'c.externalId'])
    .where('c.deleted_at IS NULL')
    .andWhere('(c.id IN (:...ids) OR c.external_id IN (:...externalIds))', {
      ids: ids.length ? ids : [0],
      externalIds: externalIds.length ? externalIds : [''],
    });
  const found = await query.getMany();
  const idById = new Map(found.map((customer) => [customer.id, customer.id]));
  const idByExternalId = new Map(found.map((customer) => [customer.externalId, customer.id]));
  // Source systems keep sending events for their record of a person after Pulse merged it into
  // another: ids that name no live customer may lead to a survivor, all found in one statement.
  const unmatchedIds = ids.filter((id) => !idById.has(id));
  const unmatchedExternalIds = externalIds.filter((externalId) => !idByExternalId.has(externalId));
  if (unmatchedIds.length + unmatchedExternalIds.length > 0) {
    const survivors = await mergedSurvivors(
      manager,
      { ids: unmatchedIds, externalIds: unmatchedExternalIds },
      'live',
    );
    survivors.byId.forEach((survivorId, id) => idById.set(id, survivorId));
    survivors.byExternalId.forEach((survivorId, id) => idByExternalId.set(id, survivorId));
  }

  return refs.map((ref, index) => {
    if (ref.customerId != null) {
      const id = idById.get(ref.customerId);
      if (id === undefined) {
        throw badInput(`No customer with this id`, `${field}[${index}].customerId`);
      }

      return id;
    }
    const id = idByExternalId.get(ref.customerExternalId as string);
    if (id === undefined) {
      throw badInput(
        `No customer with external id ${ref.customerExternalId}`,
        `${field}[${index}].customerExternalId`,
      );
    }

    return id;
  });
}

/**
 * The survivors that merged customers' ids lead to, in one statement: by the duplicate's row id
 * and by its external id, as `customer_merges` keeps them. Only survivors that are `live` (not
 * deleted), or `notErased` for writes that bring a deleted customer back, count. An erased
 * survivor's redirects never lead anywhere: erasure replaces their external ids with ids of
 * Pulse's own, and the survivor is neither live nor unerased.
 */
export async function mergedSurvivors(
  manager: EntityManager,
  merged: { ids?: readonly number[]; externalIds?: readonly string[] },
  survivors: 'live' | 'notErased',
): Promise<{ byId: Map<number, number>; byExternalId: Map<string, number> }> {
  const byId = new Map<number, number>();
  const byExternalId = new Map<string, number>();
  const ids = merged.ids ?? [];
  const externalIds = merged.externalIds ?? [];
  const conditions = [
    ...(ids.length ? ['m.merged_customer_id IN (:...ids)'] : []),
    ...(externalIds.length ? ['m.merged_external_id IN (:...externalIds)'] : []),
  ];
  if (conditions.length === 0) {
    return { byId, byExternalId };
  }
  const rows = await manager
    .getRepository(CustomerMergeEntity)
    .createQueryBuilder('m')
    .select(['m.mergedCustomerId', 'm.mergedExternalId', 'm.survivorId'])
    .innerJoin(
      CustomerEntity,
      'c',
      `c.id = m.survivor_id AND c.${survivors === 'live' ? 'deleted_at' : 'erased_at'} IS NULL`,
    )
    .where(`(${conditions.join(' OR ')})`, { ids: [...ids], externalIds: [...externalIds] })
    .getMany();
  const wantedIds = new Set(ids);
  const wantedExternalIds = new Set(externalIds);
  for (const row of rows) {
    if (wantedIds.has(row.mergedCustomerId)) {
      byId.set(row.mergedCustomerId, row.survivorId);
    }
    if (wantedExternalIds.has(row.mergedExternalId)) {
      byExternalId.set(row.mergedExternalId, row.survivorId);
    }
  }

  return { byId, byExternalId };
}

/** Adds `from <= expr < to` for the bounds `range` gives, as parameters named after `name`. */
function range(
  where: (sql: string, values: Record<string, unknown>) => void,
  expr: string,
  range: { from?: Date | null; to?: Date | null } | null | undefined,
  name: string,
): void {
  if (range?.from) {
    where(`${expr} >= :${name}From`, { [`${name}From`]: range.from });
  }
  if (range?.to) {
    where(`${expr} < :${name}To`, { [`${name}To`]: range.to });
  }
}

/** A customer's write that collides with another customer on email or external id. */
function refuseTakenIdentity<T>(path: string, write: () => Promise<T>): Promise<T> {
  return refuseTaken(write, (index) => {
    const field = /email/.test(index) ? 'email' : 'externalId';

    return { message: `Another customer already has this ${field}`, field: `${path}.${field}` };
  });
}

/**
 * A batch that names one customer by its own external id and by one merged into it (or by two
 * merged ones) contradicts itself too.
 */
function refuseSameCustomer<T extends { externalId: string }>(
  rows: T[],
  customerIdOf: (row: T) => number | undefined,
  field: string,
): void {
  const seen = new Map<number, number>();
  rows.forEach((row, index) => {
    const id = customerIdOf(row);
    if (id === undefined) {
      return;
    }
    const earlier = seen.get(id);
    if (earlier !== undefined) {
      throw badInput(
        `externalId ${row.externalId} was merged into the customer of index ${earlier}`,
        `${field}[${index}].externalId`,
      );
    }
    seen.set(id, index);
  });
}

/** A batch that names one customer's external id or email twice contradicts itself. */
function refuseRepeats<T>(
  rows: T[],
  name: string,
  valueOf: (row: T) => string | null | undefined,
  field: string,
): void {
  const seen = new Map<string, number>();
  rows.forEach((row, index) => {
    const value = valueOf(row);
    if (value == null) {
      return;
    }
    const earlier = seen.get(value);
    if (earlier !== undefined) {
      throw badInput(
        `${name} ${value} also appears at index ${earlier}`,
        `${field}[${index}].${name}`,
      );
    }
    seen.set(value, index);
  });
}
