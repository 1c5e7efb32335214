import { keysetPage } from '../db/keyset-page';
import { type DataSource, type EntityManager, In } from 'typeorm';
import { CustomerEntity } from '../customers/customer.entity';
import { caselessText, containsPattern, parseNumber, ruleDialectOf } from '../db/dialect';
import { refuseTaken } from '../db/refuse-taken';
import { selectEntities } from '../db/entity-select';
import { type Page, type PageArgs } from '../db/pagination';
import { onReplica } from '../db/replica';
import { inTransaction } from '../db/transaction';
import { badInput, notFound, PulseError } from '../errors';
import type { ExplainNode } from './explain';
import type { ExplainService } from './explain.service';
import type { LifecycleStage } from './lifecycle-stage';
import type { RfmGroup } from './rfm-group';
import { compileDefinition } from './rule-sql';
import { type SegmentDefinition } from './rule-definition';
import { parseDefinition, referencedSegmentIds } from './rule-tree';
import type { RefreshTrigger } from './segment-membership.entity';
import { findCycle } from './segment-order';
import {
  definitionOf,
  type RefreshResult,
  type SegmentRefreshService,
  type StaticChange,
} from './segment-refresh.service';
import { SegmentEntity, type SegmentKind } from './segment.entity';

/** Fields of a new segment; which of definition/rfmGroups/lifecycleStages applies depends on kind. */
export interface SegmentData {
  name: string;
  description?: string | null;
  kind: SegmentKind;
  /** RULE: the raw definition (db ids), validated here with paths under `input.definition`. */
  definition?: unknown;
  rfmGroups?: RfmGroup[] | null;
  lifecycleStages?: LifecycleStage[] | null;
  /** STATIC: initial members by external id. */
  externalIds?: string[] | null;
}

/** Changes to a segment; `undefined` leaves a field alone. The kind never changes. */
export type SegmentChanges = Partial<Omit<SegmentData, 'kind' | 'externalIds'>>;

export interface SegmentListFilter {
  kinds?: SegmentKind[] | null;
  nameContains?: string | null;
}

/** Customers a preview returns at most. */
export const MAX_PREVIEW_SAMPLE = 100;

/**
 * Things of another feature that name segments by id, such as KPIs scoped to a segment: while
 * one names a segment, deleting it is refused, since it would silently measure, target or
 * reach nobody (or, for experiments, everybody). The owning feature describes and finds them;
 * the composition root hands them to `SegmentService.usedBy`, so segments import no feature.
 */
export interface SegmentUsers {
  /** How the CONFLICT message names them, before their names: `the scopes of KPIs`. */
  describedAs: string;
  /** The error extension that lists their database ids (as merge's `experimentIds`): `kpiIds`. */
  extension: string;
  /** Those that name `segmentId`, in one statement, read through `manager`. */
  find(manager: EntityManager, segmentId: number): Promise<Array<{ id: number; name: string }>>;
}

/** Segments: their definitions (validated, acyclic), and the entry points to refresh them. */
export class SegmentService {
  private readonly users: SegmentUsers[] = [];

  constructor(
    private readonly db: DataSource,
    private readonly maxPageSize: number,
    private readonly refresher: SegmentRefreshService,
    private readonly explainer: ExplainService,
  ) {}

  /** Registers other features' users of segments: a segment they name cannot be deleted. */
  usedBy(...users: SegmentUsers[]): void {
    this.users.push(...users);
  }

  async get(id: number, field = 'id'): Promise<SegmentEntity> {
    // By SQL written once (selectEntities): every members page starts with this read.
    const [segment] = await selectEntities(this.db, SegmentEntity, 'WHERE t.id = :id', { id });
    if (!segment) {
      throw notFound(`Segment ${id}`, field);
    }

    return segment;
  }

  byIds(ids: readonly number[]): Promise<SegmentEntity[]> {
    return selectEntities(this.db, SegmentEntity, 'WHERE t.id IN (:...ids)', { ids: [...ids] });
  }

  /** A page of segments by name, optionally of some kinds or with a name fragment. */
  async list(
    filter: SegmentListFilter | null | undefined,
    pageArgs: PageArgs,
  ): Promise<Page<SegmentEntity>> {
    const base = () => {
      const query = this.db.getRepository(SegmentEntity).createQueryBuilder('s');
      if (filter?.kinds?.length) {
        query.andWhere('s.kind IN (:...kinds)', { kinds: filter.kinds });
      }
      if (filter?.nameContains) {
        // Caseless in every script on both dialects, as segment rules compare texts.
        const caseless = (expr: string) => caselessText(this.db, expr);
        query.andWhere(`${caseless('s.name')} LIKE ${caseless(':name')} ESCAPE '!'`, {
          name: containsPattern(filter.nameContains),
        });
      }

      return query;
    };

    return keysetPage(
      base,
      { columns: ['s.name', 's.id'], direction: 'ASC', key: (row) => [row.name, row.id] },
      pageArgs,
      this.maxPageSize,
    );
  }

  /** Creates a segment; a STATIC one with its initial members. Membership is computed by refresh. */
  async create(
    data: SegmentData,
    now = new Date(),
  ): Promise<{ segment: SegmentEntity; unknownExternalIds: string[] }> {
    const definition = this.definitionFor(data.kind, data, 'input');
    if (data.kind !== 'STATIC' && data.externalIds != null) {
      throw badInput('Only STATIC segments take externalIds', 'input.externalIds');
    }
    const segment = await inTransaction(this.db, async (tx) => {
      await this.checkReferences(tx, null, definition, 'input.definition');
      const row = tx.getRepository(SegmentEntity).create({
        name: data.name,
        description: data.description ?? null,
        kind: data.kind,
        definition: definition as Record<string, unknown> | null,
        createdAt: now,
        updatedAt: now,
        version: 1,
        lastRefreshedAt: null,
        size: 0,
      });
      await refuseTaken(() => tx.getRepository(SegmentEntity).save(row), nameTaken);

      return row;
    });
    if (!data.externalIds?.length) {
      return { segment, unknownExternalIds: [] };
    }
    const added = await this.changeMembers(segment.id, data.externalIds, 'ADD', now);

    return { segment: await this.get(segment.id), unknownExternalIds: added.unknownExternalIds };
  }

  /** Applies `changes` if the segment is still at `version`; otherwise CONFLICT. */
  async update(
    id: number,
    version: number,
    changes: SegmentChanges,
    now = new Date(),
  ): Promise<SegmentEntity> {
    return inTransaction(this.db, async (tx) => {
      const repository = tx.getRepository(SegmentEntity);
      const current = await repository.findOneBy({ id });
      if (!current) {
        throw notFound(`Segment ${id}`, 'input.id');
      }
      if (current.version !== version) {
        throw new PulseError(
          'CONFLICT',
          `Segment ${id} is at version ${current.version}, not ${version}: read it again and retry`,
          'input.version',
          { currentVersion: current.version },
        );
      }
      const touchesDefinition =
        changes.definition !== undefined ||
        changes.rfmGroups != null ||
        changes.lifecycleStages != null;
      const definition = touchesDefinition
        ? this.definitionFor(current.kind, changes, 'input')
        : current.definition;
      if (touchesDefinition) {
        await this.checkReferences(
          tx,
          id,
          definition as SegmentDefinition | null,
          'input.definition',
        );
      }
      const set: Partial<SegmentEntity> = {
        updatedAt: now,
        definition: definition as Record<string, unknown> | null,
      };
      if (changes.name === null) {
        // GraphQL lets the optional field be sent as null; a segment always has a name.
        throw badInput('name cannot be null; leave it out to keep it', 'input.name');
      }
      if (changes.name !== undefined) {
        set.name = changes.name;
      }
      if (changes.description !== undefined) {
        set.description = changes.description;
      }
      // The WHERE on version guards against a concurrent update between the read and here.
      const result = await refuseTaken(
        () =>
          tx
            .createQueryBuilder()
            .update(SegmentEntity)
            .set({ ...set, version: () => 'version + 1' })
            .where('id = :id AND version = :version', { id, version })
            .execute(),
        nameTaken,
      );
      if (!result.affected) {
        throw new PulseError(
          'CONFLICT',
          `Segment ${id} changed while it was being updated`,
          'input.version',
        );
      }

      return repository.findOneByOrFail({ id });
    });
  }

  /**
   * Deletes a segment with its memberships, history and refresh log; refused with CONFLICT
   * while other segments' rules or other features' users (see SegmentUsers) name it. One
   * statement per kind of user, whatever their number.
   */
  async remove(id: number, version: number | null | undefined): Promise<void> {
    await inTransaction(this.db, async (tx) => {
      const current = await tx.getRepository(SegmentEntity).findOneBy({ id });
      if (!current) {
        throw notFound(`Segment ${id}`, 'input.id');
      }
      if (version != null && current.version !== version) {
        throw new PulseError(
          'CONFLICT',
          `Segment ${id} changed since version ${version}`,
          'input.version',
          {
            currentVersion: current.version,
          },
        );
      }
      await this.refuseWhileUsed(tx, id);
      await tx.getRepository(SegmentEntity).delete({ id });
    });
  }

  /**
   * CONFLICT on `input.id` naming every user of segment `id`: the segments whose rules reference
   * it (`referencedBy`: their names; `segmentIds`) and each registered kind of user (its
   * extension), as database ids, every list present, empty when that kind has none.
   */
  private async refuseWhileUsed(tx: EntityManager, id: number): Promise<void> {
    const rules = (await this.ruleSegments(tx)).filter(
      (segment) => segment.id !== id && segment.references.includes(id),
    );
    const kinds: Array<
      Omit<SegmentUsers, 'find'> & { found: Array<{ id: number; name: string }> }
    > = [{ describedAs: 'the rules of', extension: 'segmentIds', found: rules }];
    for (const users of this.users) {
      kinds.push({ ...users, found: await users.find(tx, id) });
    }
    const using = kinds.filter((kind) => kind.found.length > 0);
    if (using.length === 0) {
      return;
    }
    const named = (users: Array<{ name: string }>) =>
      users.map((user) => `"${user.name}"`).join(', ');
    throw new PulseError(
      'CONFLICT',
      `Segment ${id} is used by ${using.map((kind) => `${kind.describedAs} ${named(kind.found)}`).join('; ')}: change those first`,
      'input.id',
      {
        referencedBy: rules.map((segment) => segment.name),
        ...Object.fromEntries(
          kinds.map((kind) => [kind.extension, kind.found.map((user) => user.id)]),
        ),
      },
    );
  }

  /** Recomputes one segment's members; `field` names the id argument in a NOT_FOUND error. */
  refresh(
    segmentId: number,
    trigger: RefreshTrigger,
    now?: Date,
    field?: string,
  ): Promise<RefreshResult> {
    return this.refresher.refresh(segmentId, trigger, now, field);
  }

  refreshAll(trigger: RefreshTrigger, now?: Date): Promise<RefreshResult[]> {
    return this.refresher.refreshAll(trigger, now);
  }

  changeMembers(
    segmentId: number,
    externalIds: string[],
    change: 'ADD' | 'REMOVE',
    now?: Date,
  ): Promise<StaticChange & { size: number }> {
    return this.refresher.changeStaticMembers(segmentId, externalIds, change, now);
  }

  /** Which conditions of the segment's rule hold for the customer now, with the values seen. */
  async explain(
    segmentId: number,
    customerId: number,
    now = new Date(),
  ): Promise<{ root: ExplainNode; evaluatedAt: Date }> {
    const definition = definitionOf(await this.get(segmentId, 'segmentId'));
    if (!definition) {
      throw badInput('A STATIC segment has no rule: its members were added by hand', 'segmentId');
    }

    return { root: await this.explainer.explain(definition, customerId, now), evaluatedAt: now };
  }

  /**
   * Size and a sample of the customers an unsaved definition selects, by the same compiled SQL
   * as a refresh, with reads only.
   */
  async preview(
    rawDefinition: unknown,
    sample: number,
    now = new Date(),
    field = 'definition',
  ): Promise<{ size: number; sample: CustomerEntity[] }> {
    if (!Number.isInteger(sample) || sample < 0 || sample > MAX_PREVIEW_SAMPLE) {
      throw badInput(
        `sampleSize must be between 0 and ${MAX_PREVIEW_SAMPLE}, got ${sample}`,
        'sampleSize',
      );
    }
    const definition = parseDefinition(rawDefinition, field);
    await this.checkReferences(this.db.manager, null, definition, field);
    const rule = compileDefinition(definition, { now, dialect: ruleDialectOf(this.db) });
    const where = `c.deleted_at IS NULL AND (${rule.sql})`;

    // One replica connection for both, so that the sample comes from the data that was counted.
    return onReplica(this.db, async (replica) => {
      const [{ n }] = await replica.query(
        `SELECT COUNT(*) AS n FROM customers c WHERE ${where}`,
        rule.params,
      );
      const ids: Array<{ id: unknown }> =
        sample === 0
          ? []
          : await replica.query(
              `SELECT c.id AS id FROM customers c WHERE ${where} ORDER BY c.id LIMIT ${sample}`,
              rule.params,
            );
      const rows = ids.length
        ? await replica
            .getRepository(CustomerEntity)
            .findBy({ id: In(ids.map((row) => Number(row.id))) })
        : [];

      return { size: parseNumber(n) as number, sample: rows.sort((a, b) => a.id - b.id) };
    });
  }

  /** The stored definition for `kind`, validated; kind-specific inputs on other kinds are refused. */
  private definitionFor(
    kind: SegmentKind,
    data: Pick<SegmentData, 'definition' | 'rfmGroups' | 'lifecycleStages'>,
    path: string,
  ): SegmentDefinition | { groups: RfmGroup[] } | { stages: LifecycleStage[] } | null {
    const given = {
      definition: data.definition != null,
      rfmGroups: data.rfmGroups != null,
      lifecycleStages: data.lifecycleStages != null,
    };
    const wanted = {
      RULE: 'definition',
      RFM: 'rfmGroups',
      LIFECYCLE: 'lifecycleStages',
      STATIC: null,
    }[kind];
    for (const [name, isGiven] of Object.entries(given)) {
      if (isGiven && name !== wanted) {
        throw badInput(`${kind} segments do not take ${name}`, `${path}.${name}`);
      }
    }
    if (wanted && !given[wanted as keyof typeof given]) {
      throw badInput(`${kind} segments need ${wanted}`, `${path}.${wanted}`);
    }
    switch (kind) {
      case 'RULE':
        return parseDefinition(data.definition, `${path}.definition`);
      case 'RFM':
        return nonEmpty({ groups: [...new Set(data.rfmGroups)] }, 'groups', `${path}.rfmGroups`);
      case 'LIFECYCLE':
        return nonEmpty(
          { stages: [...new Set(data.lifecycleStages)] },
          'stages',
          `${path}.lifecycleStages`,
        );
      case 'STATIC':
        return null;
    }
  }

  /**
   * Membership conditions must name existing segments and must not lead back to the segment
   * being saved (through any chain of stored rules): refresh order depends on it.
   */
  private async checkReferences(
    manager: EntityManager,
    segmentId: number | null,
    definition: unknown,
    field: string,
  ): Promise<void> {
    if (!definition || !('root' in (definition as object))) {
      return;
    }
    const references = referencedSegmentIds(definition as SegmentDefinition);
    if (references.length === 0) {
      return;
    }
    const stored = await this.ruleSegments(manager);
    const known = new Set(await this.allIds(manager));
    const missing = references.filter((id) => !known.has(id));
    if (missing.length > 0) {
      throw badInput(`The rule references unknown segments: ${missing.join(', ')}`, field);
    }
    // The segment being saved is not stored yet (create) or stored with its old rule (update).
    const self = segmentId ?? 0;
    const graph = [{ id: self, references }, ...stored.filter((segment) => segment.id !== self)];
    const cycle = findCycle(graph);
    if (cycle) {
      const names = new Map(stored.map((segment) => [segment.id, segment.name]));
      const path = cycle.map((id) => (id === self ? 'this segment' : `"${names.get(id) ?? id}"`));
      throw badInput(`Membership conditions would form a cycle: ${path.join(' → ')}`, field);
    }
  }

  private async allIds(manager: EntityManager): Promise<number[]> {
    const rows = await manager.getRepository(SegmentEntity).find({ select: { id: true } });

    return rows.map((row) => row.id);
  }

  /** Every RULE segment with the segments its rule references. */
  private async ruleSegments(
    manager: EntityManager,
  ): Promise<Array<{ id: number; name: string; references: number[] }>> {
    const rows = await manager.getRepository(SegmentEntity).find({
      select: { id: true, name: true, kind: true, definition: true },
      where: { kind: 'RULE' },
    });

    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      references: referencedSegmentIds(definitionOf(row) as SegmentDefinition),
    }));
  }
}

const nameTaken = () => ({ message: 'Another segment already has this name', field: 'input.name' });

function nonEmpty<K extends string, T>(
  value: Record<K, T[]>,
  key: K,
  field: string,
): Record<K, T[]> {
  if (value[key].length === 0) {
    throw badInput('Give at least one value', field);
  }

  return value;
}
