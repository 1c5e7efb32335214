import { randomBytes } from 'node:crypto';
import { type DataSource, type EntityManager, In } from 'typeorm';
import { containsPattern, parseNumber } from '../db/dialect';
import { refuseTaken } from '../db/refuse-taken';
import { keysetPage } from '../db/keyset-page';
import type { Page, PageArgs } from '../db/pagination';
import { analyticalQuery } from '../db/replica';
import { inTransaction } from '../db/transaction';
import { PulseError, badInput, notFound } from '../errors';
import type { EventPublisher } from '../events';
import { KpiEntity } from '../kpis/kpi.entity';
import { SegmentEntity } from '../segments/segment.entity';
import type { SegmentUsers } from '../segments/segment.service';
import {
  type ExperimentStatus,
  type MetricDefinition,
  type VariantDefinition,
  checkTransition,
} from './experiment-definition';
import { checkKey, checkMetrics, checkTrafficShare, checkVariants } from './experiment-input';
import {
  ExperimentEntity,
  ExperimentMetricEntity,
  ExperimentVariantEntity,
} from './experiment.entity';
import { ExperimentTopic, type ExperimentUpdatedPayload } from './experiment.topics';

/** Everything that defines an experiment. */
export interface ExperimentData {
  key: string;
  name: string;
  hypothesis: string | null;
  owner: string;
  segmentId: number | null;
  kpiId: number | null;
  trafficShare: number;
  variants: VariantDefinition[];
  metrics: MetricDefinition[];
}

/** Changes to an experiment; `undefined` leaves a field alone. The key never changes. */
export type ExperimentChanges = Partial<Omit<ExperimentData, 'key'>>;

export interface ExperimentFilter {
  statuses?: ExperimentStatus[];
  keyContains?: string;
}

// What may change in each status: the design is frozen once customers have been assigned, so
// that every exposed customer was treated under one definition. Traffic may grow (it only adds
// customers, see assignment.ts).
const EDITABLE: Record<ExperimentStatus, ReadonlySet<keyof ExperimentChanges>> = {
  DRAFT: new Set([
    'name',
    'hypothesis',
    'owner',
    'segmentId',
    'kpiId',
    'trafficShare',
    'variants',
    'metrics',
  ]),
  RUNNING: new Set(['name', 'hypothesis', 'owner', 'kpiId', 'trafficShare']),
  STOPPED: new Set(['name', 'hypothesis', 'owner']),
  CONCLUDED: new Set(['name', 'hypothesis', 'owner']),
  ARCHIVED: new Set(['name', 'hypothesis', 'owner']),
};

const STATUS_TIMESTAMP: Partial<Record<ExperimentStatus, keyof ExperimentEntity>> = {
  RUNNING: 'startedAt',
  STOPPED: 'stoppedAt',
  CONCLUDED: 'concludedAt',
  ARCHIVED: 'archivedAt',
};

/** Experiments: definitions, their lifecycle, and reads for the API. */
export class ExperimentService {
  constructor(
    private readonly db: DataSource,
    private readonly maxPageSize: number,
    private readonly events: EventPublisher,
  ) {}

  async get(id: number, field = 'id'): Promise<ExperimentEntity> {
    const row = await this.db.getRepository(ExperimentEntity).findOneBy({ id });
    if (!row) {
      throw notFound(`Experiment ${id}`, field);
    }

    return row;
  }

  /**
   * Experiments targeting a segment, in any status: deleting it would set their segment to
   * null (the foreign key's ON DELETE SET NULL), widening them to every customer and changing
   * the results of finished ones, so SegmentService refuses it while they exist.
   */
  readonly segmentUsers: SegmentUsers = {
    describedAs: 'the targeting of experiments',
    extension: 'experimentIds',
    find: (manager, segmentId) =>
      manager.getRepository(ExperimentEntity).find({
        select: { id: true, name: true },
        where: { segmentId },
        order: { id: 'ASC' },
      }),
  };

  async byKey(key: string, field = 'experimentKey'): Promise<ExperimentEntity> {
    const row = await this.db.getRepository(ExperimentEntity).findOneBy({ key });
    if (!row) {
      throw notFound(`Experiment "${key}"`, field);
    }

    return row;
  }

  byIds(ids: readonly number[]): Promise<ExperimentEntity[]> {
    return this.db.getRepository(ExperimentEntity).findBy({ id: In([...ids]) });
  }

  /** Experiments newest first, optionally by status and key. */
  list(filter: ExperimentFilter, pageArgs: PageArgs): Promise<Page<ExperimentEntity>> {
    return keysetPage(
      () => {
        const query = this.db.getRepository(ExperimentEntity).createQueryBuilder('e');
        if (filter.statuses?.length) {
          query.andWhere('e.status IN (:...statuses)', { statuses: filter.statuses });
        }
        if (filter.keyContains) {
          query.andWhere("e.key LIKE :pattern ESCAPE '!'", {
            pattern: containsPattern(filter.keyContains),
          });
        }

        return query;
      },
      { columns: ['e.id'], direction: 'DESC', key: (row) => [row.id] },
      pageArgs,
      this.maxPageSize,
    );
  }

  /** Variants of these experiments, in their order. */
  variantsOf(experimentIds: readonly number[]): Promise<ExperimentVariantEntity[]> {
    return this.db.getRepository(ExperimentVariantEntity).find({
      where: { experimentId: In([...experimentIds]) },
      order: { experimentId: 'ASC', position: 'ASC' },
    });
  }

  /** Metrics of these experiments, in their order. */
  metricsOf(experimentIds: readonly number[]): Promise<ExperimentMetricEntity[]> {
    return this.db.getRepository(ExperimentMetricEntity).find({
      where: { experimentId: In([...experimentIds]) },
      order: { experimentId: 'ASC', position: 'ASC' },
    });
  }

  /**
   * Exposed customers per variant of these experiments (variants without any are absent). Read
   * where the results' outcome sums are read (a replica when there are any), so that the counts
   * shown beside the results agree with them.
   */
  async exposedCounts(
    experimentIds: readonly number[],
  ): Promise<Array<{ experimentId: number; variantId: number; n: number }>> {
    const rows = await analyticalQuery(
      this.db,
      `SELECT experiment_id AS experimentId, variant_id AS variantId, COUNT(*) AS n
       FROM experiment_exposures WHERE experiment_id IN (${experimentIds.map(() => '?').join(', ')})
       GROUP BY experiment_id, variant_id`,
      [...experimentIds],
    );

    return rows.map((row) => ({
      experimentId: Number(row.experimentId),
      variantId: Number(row.variantId),
      n: parseNumber(row.n) ?? 0,
    }));
  }

  /** Creates a DRAFT experiment with a fresh salt. */
  async create(data: ExperimentData, now = new Date()): Promise<ExperimentEntity> {
    checkKey(data.key, 'input.key');

    return inTransaction(this.db, async (tx) => {
      await this.checkDefinition(tx, data, Object.keys(data) as Array<keyof ExperimentChanges>);
      const row = tx.getRepository(ExperimentEntity).create({
        key: data.key,
        name: data.name,
        hypothesis: data.hypothesis,
        owner: data.owner,
        status: 'DRAFT',
        segmentId: data.segmentId,
        kpiId: data.kpiId,
        trafficShare: data.trafficShare,
        salt: randomBytes(16).toString('hex'),
        looks: 0,
        conclusion: null,
        createdAt: now,
        updatedAt: now,
        version: 1,
      });
      await refuseTaken(
        () => tx.getRepository(ExperimentEntity).save(row),
        () => ({ message: `An experiment with key "${data.key}" exists`, field: 'input.key' }),
      );
      await this.replaceDesign(tx, row.id, data.variants, data.metrics);

      return row;
    });
  }

  /** Applies `changes` if the experiment is still at `version` and its status allows them. */
  async update(
    id: number,
    version: number,
    changes: ExperimentChanges,
    now = new Date(),
  ): Promise<ExperimentEntity> {
    return inTransaction(this.db, async (tx) => {
      const current = await this.atVersion(tx, id, version);
      const given = (Object.keys(changes) as Array<keyof ExperimentChanges>).filter(
        (field) => changes[field] !== undefined,
      );
      for (const field of given) {
        if (!EDITABLE[current.status].has(field)) {
          throw badInput(
            `${field} cannot change while the experiment is ${current.status}`,
            `input.${field}`,
          );
        }
      }
      if (
        current.status === 'RUNNING' &&
        changes.trafficShare !== undefined &&
        changes.trafficShare < current.trafficShare
      ) {
        throw badInput(
          `traffic may only grow while the experiment runs (now ${current.trafficShare})`,
          'input.trafficShare',
        );
      }
      await this.checkDefinition(tx, changes, given);
      const { variants, metrics, ...columns } = changes;
      const set = Object.fromEntries(Object.entries(columns).filter(([, v]) => v !== undefined));
      // The version in the WHERE makes the check and the write one step: on MySQL a concurrent
      // update (or status move) read the same version, and without it both would succeed.
      const result = await tx
        .createQueryBuilder()
        .update(ExperimentEntity)
        .set({ ...set, updatedAt: now, version: () => 'version + 1' })
        .where('id = :id AND version = :version', { id, version })
        .execute();
      if (!result.affected) {
        const [latest] = await tx.query('SELECT version FROM experiments WHERE id = ?', [id]);
        throw new PulseError(
          'CONFLICT',
          `Experiment ${id} changed while it was being updated: read it again and retry`,
          'version',
          { currentVersion: Number(latest?.version) },
        );
      }
      if (variants || metrics) {
        const design = await this.design(tx, id);
        await this.replaceDesign(tx, id, variants ?? design.variants, metrics ?? design.metrics);
      }

      return (await tx.getRepository(ExperimentEntity).findOneBy({ id })) as ExperimentEntity;
    });
  }

  /**
   * Moves the experiment to `to` (BAD_USER_INPUT on a move the lifecycle does not allow), sets
   * that status's timestamp, stores `conclusion` when given, and announces the change.
   */
  async transition(
    id: number,
    to: ExperimentStatus,
    now = new Date(),
    conclusion: Record<string, unknown> | null = null,
  ): Promise<ExperimentEntity> {
    const row = await inTransaction(this.db, async (tx) => {
      const current = await tx.getRepository(ExperimentEntity).findOneBy({ id });
      if (!current) {
        throw notFound(`Experiment ${id}`, 'id');
      }
      checkTransition(current.status, to);
      const stamp = STATUS_TIMESTAMP[to];
      // The status in the WHERE makes two concurrent moves from one status exclusive.
      const result = await tx
        .createQueryBuilder()
        .update(ExperimentEntity)
        .set({
          status: to,
          ...(stamp ? { [stamp]: now } : {}),
          ...(conclusion ? { conclusion } : {}),
          updatedAt: now,
          version: () => 'version + 1',
        })
        .where('id = :id AND status = :status', { id, status: current.status })
        .execute();
      if (!result.affected) {
        throw new PulseError('CONFLICT', `Experiment ${id} changed status meanwhile`, 'id');
      }

      return (await tx.getRepository(ExperimentEntity).findOneBy({ id })) as ExperimentEntity;
    });
    this.announce({
      experimentId: id,
      kind: 'STATUS_CHANGED',
      status: row.status,
      decision: row.lastDecision,
      message: `Experiment "${row.key}" is now ${row.status}`,
      occurredAt: now.toISOString(),
    });

    return row;
  }

  /** Publishes an update of an experiment to `experimentUpdated` subscribers. */
  announce(payload: ExperimentUpdatedPayload): void {
    this.events.publish(ExperimentTopic.UPDATED, payload);
  }

  private async atVersion(tx: EntityManager, id: number, version: number) {
    const current = await tx.getRepository(ExperimentEntity).findOneBy({ id });
    if (!current) {
      throw notFound(`Experiment ${id}`, 'id');
    }
    if (current.version !== version) {
      throw new PulseError(
        'CONFLICT',
        `Experiment ${id} is at version ${current.version}, not ${version}: read it again and retry`,
        'version',
        { currentVersion: current.version },
      );
    }

    return current;
  }

  private async checkDefinition(
    tx: EntityManager,
    data: ExperimentChanges,
    fields: Array<keyof ExperimentChanges>,
  ): Promise<void> {
    const has = (field: keyof ExperimentChanges) => fields.includes(field);
    if (has('name') && !(data.name && data.name.length <= 100)) {
      throw badInput('must be 1 to 100 characters', 'input.name');
    }
    if (has('owner') && !(data.owner && data.owner.length <= 100)) {
      throw badInput('must be 1 to 100 characters', 'input.owner');
    }
    if (has('hypothesis') && (data.hypothesis?.length ?? 0) > 2000) {
      throw badInput('must be at most 2000 characters', 'input.hypothesis');
    }
    if (has('trafficShare') && data.trafficShare !== undefined) {
      checkTrafficShare(data.trafficShare, 'input.trafficShare');
    }
    if (has('variants') && data.variants) {
      checkVariants(data.variants, 'input.variants');
    }
    if (has('metrics') && data.metrics) {
      checkMetrics(data.metrics, 'input.metrics');
    }
    if (
      has('segmentId') &&
      data.segmentId != null &&
      !(await tx.getRepository(SegmentEntity).existsBy({ id: data.segmentId }))
    ) {
      throw notFound(`Segment ${data.segmentId}`, 'input.segmentId');
    }
    if (
      has('kpiId') &&
      data.kpiId != null &&
      !(await tx.getRepository(KpiEntity).existsBy({ id: data.kpiId }))
    ) {
      throw notFound(`KPI ${data.kpiId}`, 'input.kpiId');
    }
  }

  private async design(tx: EntityManager, id: number) {
    const [variants, metrics] = await Promise.all([
      tx
        .getRepository(ExperimentVariantEntity)
        .find({ where: { experimentId: id }, order: { position: 'ASC' } }),
      tx
        .getRepository(ExperimentMetricEntity)
        .find({ where: { experimentId: id }, order: { position: 'ASC' } }),
    ]);

    return { variants: toVariantDefinitions(variants), metrics: toMetricDefinitions(metrics) };
  }

  // Only a DRAFT's design is replaced (EDITABLE), so no exposure points at a deleted variant.
  private async replaceDesign(
    tx: EntityManager,
    experimentId: number,
    variants: VariantDefinition[],
    metrics: MetricDefinition[],
  ): Promise<void> {
    await tx.getRepository(ExperimentVariantEntity).delete({ experimentId });
    await tx.getRepository(ExperimentMetricEntity).delete({ experimentId });
    await tx
      .getRepository(ExperimentVariantEntity)
      .insert(variants.map((variant, position) => ({ ...variant, experimentId, position })));
    await tx
      .getRepository(ExperimentMetricEntity)
      .insert(metrics.map((metric, position) => ({ ...metric, experimentId, position })));
  }
}

/** Stored variants as analysis and assignment see them. */
export function toVariantDefinitions(
  rows: readonly ExperimentVariantEntity[],
): Array<VariantDefinition & { id: number }> {
  return rows.map((row) => ({
    id: row.id,
    key: row.key,
    name: row.name,
    weight: row.weight,
    isControl: row.isControl,
    costPerCustomer: row.costPerCustomer,
  }));
}

/** Stored metrics as outcome SQL and analysis see them. */
export function toMetricDefinitions(rows: readonly ExperimentMetricEntity[]): MetricDefinition[] {
  return rows.map((row) => ({
    key: row.key,
    name: row.name,
    role: row.role,
    kind: row.kind,
    numerator: row.numerator,
    denominator: row.denominator,
    windowDays: row.windowDays,
    inverse: row.inverse,
    cuped: row.cuped,
  }));
}
