import { keysetPage } from '../db/keyset-page';
import { In, IsNull, type DataSource, type EntityManager, type Repository } from 'typeorm';
import { type Page, type PageArgs } from '../db/pagination';
import { apiKeyPrefix, generateApiKey, hashApiKey } from '../auth/api-key-hash';
import { type Principal, Role } from '../auth/principal';
import { forUpdate } from '../db/dialect';
import { inTransaction, serialized } from '../db/transaction';
import { notFound, PulseError } from '../errors';
import { type Actor, AuditAction, COMMAND_LINE } from '../privacy/audit-record';
import type { AuditService } from '../privacy/audit.service';
import { ApiKeyEntity } from './api-key.entity';

/** Which keys a list shows. */
export interface ApiKeyListFilter {
  role?: Role | null;
  /** Revoked keys are hidden unless asked for. */
  includeRevoked?: boolean | null;
}

/** A key as created: the only moment its clear value exists outside its holder's hands. */
export interface CreatedApiKey {
  key: string;
  record: ApiKeyEntity;
}

// `last_used_at` is informational; writing it on every request would turn each read into a
// write, so it is refreshed at most once a minute per key and per process.
const LAST_USED_RESOLUTION_MS = 60_000;

export class ApiKeyService {
  private readonly keys: Repository<ApiKeyEntity>;
  private readonly lastUsedWrites = new Map<number, number>();
  // Recently seen keys by hash, so a busy client costs no key lookup per request. A key
  // revoked here is dropped at once; one revoked through another process stops working
  // within `cacheTtlMs`.
  private readonly cache = new Map<string, { principal: Principal | null; until: number }>();

  /**
   * @param audit records who created and revoked keys.
   * @param cacheTtlMs how long a key lookup is reused; 0 looks every request up.
   * @param maxPageSize largest page `page()` returns.
   */
  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly cacheTtlMs = 0,
    private readonly maxPageSize = 100,
  ) {
    this.keys = db.getRepository(ApiKeyEntity);
  }

  /** Creates a key (a random one unless `key` is given) and records who did. */
  async create(
    role: Role,
    name: string,
    options: { key?: string; actor?: Actor } = {},
  ): Promise<CreatedApiKey> {
    const key = options.key ?? generateApiKey();

    return inTransaction(this.db, async (tx) => {
      const keys = tx.getRepository(ApiKeyEntity);
      const record = await keys.save(
        keys.create({
          name,
          role,
          keyHash: hashApiKey(key),
          keyPrefix: apiKeyPrefix(key),
          createdAt: new Date(),
          lastUsedAt: null,
          revokedAt: null,
        }),
      );
      await this.recordKeyChange(tx, AuditAction.CREATE_API_KEY, record, options.actor);

      return { key, record };
    });
  }

  /** Makes sure a key with exactly this value exists and is live with this role. */
  async ensure(key: string, role: Role, name: string): Promise<ApiKeyEntity> {
    const existing = await this.keys.findOneBy({ keyHash: hashApiKey(key) });
    if (!existing) {
      return (await this.create(role, name, { key })).record;
    }
    if (existing.role !== role || existing.revokedAt) {
      existing.role = role;
      existing.revokedAt = null;
      await this.keys.save(existing);
    }

    return existing;
  }

  list(): Promise<ApiKeyEntity[]> {
    return this.keys.find({ order: { id: 'ASC' } });
  }

  /** A page of keys, newest first. */
  async page(filter: ApiKeyListFilter, pageArgs: PageArgs): Promise<Page<ApiKeyEntity>> {
    const base = () => {
      const query = this.keys.createQueryBuilder('k');
      if (filter.role) {
        query.andWhere('k.role = :role', { role: filter.role });
      }
      if (!filter.includeRevoked) {
        query.andWhere('k.revoked_at IS NULL');
      }

      return query;
    };

    return keysetPage(
      base,
      { columns: ['k.id'], direction: 'DESC', key: (row) => [row.id] },
      pageArgs,
      this.maxPageSize,
    );
  }

  byIds(ids: readonly number[]): Promise<ApiKeyEntity[]> {
    return this.keys.findBy({ id: In([...ids]) });
  }

  /**
   * Revokes a key (idempotent). Over the API the last live ADMIN key cannot be revoked
   * (`keepAnAdmin`): nobody could manage keys over the API any more. The CLI may, since whoever
   * runs it can create keys without one.
   */
  async revoke(
    id: number,
    options: { keepAnAdmin?: boolean; field?: string; actor?: Actor } = {},
  ): Promise<ApiKeyEntity> {
    const field = options.field ?? 'id';
    const record = await inTransaction(this.db, async (tx) => {
      const keys = tx.getRepository(ApiKeyEntity);
      const found = await keys.findOneBy({ id });
      if (!found) {
        throw notFound(`API key ${id}`, field);
      }
      if (found.revokedAt) {
        return found;
      }
      if (options.keepAnAdmin && found.role === Role.ADMIN) {
        // Locked: two ADMIN keys revoked at once would each count the other as live and
        // leave none (MySQL's consistent read would not see the other's revocation).
        const liveAdmins: unknown[] = await tx.query(
          `SELECT id FROM api_keys WHERE role = ? AND revoked_at IS NULL${forUpdate(tx)}`,
          [Role.ADMIN],
        );
        if (liveAdmins.length <= 1) {
          throw new PulseError(
            'CONFLICT',
            'This is the last live ADMIN key; create another ADMIN key before revoking it',
            field,
          );
        }
      }
      found.revokedAt = new Date();
      await keys.save(found);
      await this.recordKeyChange(tx, AuditAction.REVOKE_API_KEY, found, options.actor);

      return found;
    });
    this.cache.delete(record.keyHash);

    return record;
  }

  // Key changes carry no personal data: the entry names the key (by the prefix ApiKey.prefix
  // shows), not a customer.
  private recordKeyChange(
    tx: EntityManager,
    action: AuditAction,
    key: ApiKeyEntity,
    actor: Actor = COMMAND_LINE,
  ): Promise<void> {
    return this.audit.record(tx, {
      action,
      actor,
      customerIds: [],
      details: { prefix: key.keyPrefix, role: key.role, name: key.name },
    });
  }

  /** Whether a key with this value exists and is not revoked (does not count as a use). */
  async isLive(key: string): Promise<boolean> {
    return this.keys.existsBy({ keyHash: hashApiKey(key), revokedAt: IsNull() });
  }

  /** The principal behind a key, or null when the key is unknown or revoked. */
  async authenticate(key: string): Promise<Principal | null> {
    const keyHash = hashApiKey(key);
    const cached = this.cache.get(keyHash);
    if (cached && cached.until > Date.now()) {
      if (cached.principal) {
        this.touch(cached.principal.keyId);
      }

      return cached.principal;
    }
    const record = await this.keys.findOneBy({ keyHash, revokedAt: IsNull() });
    const principal = record ? { keyId: record.id, role: record.role as Role } : null;
    if (this.cacheTtlMs > 0) {
      // Bounded: a flood of random keys must not grow the map without limit.
      if (this.cache.size >= 10_000) {
        this.cache.clear();
      }
      this.cache.set(keyHash, { principal, until: Date.now() + this.cacheTtlMs });
    }
    if (principal) {
      this.touch(principal.keyId);
    }

    return principal;
  }

  private touch(id: number): void {
    const now = Date.now();
    if (now - (this.lastUsedWrites.get(id) ?? 0) < LAST_USED_RESOLUTION_MS) {
      return;
    }
    this.lastUsedWrites.set(id, now);
    // Not awaited: a failed bookkeeping write must not fail the request it belongs to.
    // Serialized, so on SQLite it never lands inside another request's open transaction.
    serialized(this.db, () => this.keys.update({ id }, { lastUsedAt: new Date(now) })).catch(
      () => undefined,
    );
  }
}
