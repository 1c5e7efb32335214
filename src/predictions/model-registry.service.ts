import type { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { forUpdate } from '../db/dialect';
import { keysetPage } from '../db/keyset-page';
import type { Page, PageArgs } from '../db/pagination';
import { inTransaction, serialized } from '../db/transaction';
import { badInput, notFound, PulseError } from '../errors';
import { ModelVersionEntity } from './model-version.entity';
import type { ModelStatus, PredictionKind } from './prediction-kind';
import { promotionCheck } from './promotion';
import type { TrainedModel } from './trained-model';
import type { TrainingOptions } from './training-options';

/** Filters of the model version list. */
export interface ModelVersionFilter {
  kind?: PredictionKind | null;
  statuses?: ModelStatus[] | null;
}

/** How a promotion was asked for. */
export interface PromotionRequest {
  force: boolean;
  reason: string | null;
  by: string | null;
}

/** The model registry: versions, their training state and which one is active per kind. */
export class ModelRegistryService {
  constructor(
    private readonly db: DataSource,
    private readonly maxPageSize: number,
  ) {}

  private get repository() {
    return this.db.getRepository(ModelVersionEntity);
  }

  /** A new version in TRAINING, numbered after the kind's latest. */
  create(
    options: TrainingOptions,
    createdBy: string | null,
    now = new Date(),
  ): Promise<ModelVersionEntity> {
    return inTransaction(this.db, async (tx) => {
      const [row] = await tx.query(
        'SELECT MAX(number) AS latest FROM model_versions WHERE kind = ?',
        [options.kind],
      );
      const version = tx.create(ModelVersionEntity, {
        kind: options.kind,
        number: Number(row?.latest ?? 0) + 1,
        algorithm: options.algorithm,
        status: 'TRAINING',
        options: { ...options },
        progress: 0,
        stage: 'queued',
        createdBy,
        createdAt: now,
      });

      return tx.save(version);
    });
  }

  /** Versions left in TRAINING by a process that died: their lease has expired. */
  async failInterrupted(kind: PredictionKind, now = new Date()): Promise<void> {
    await serialized(this.db, () =>
      this.repository.update(
        { kind, status: 'TRAINING' },
        { status: 'FAILED', error: 'training was interrupted', finishedAt: now },
      ),
    );
  }

  async reportProgress(id: number, progress: number, stage: string): Promise<void> {
    await serialized(this.db, () =>
      this.repository.update({ id, status: 'TRAINING' }, { progress, stage }),
    );
  }

  async finish(id: number, trained: TrainedModel, now = new Date()): Promise<void> {
    await serialized(this.db, () =>
      this.repository.update(
        { id },
        {
          status: 'CANDIDATE',
          progress: 1,
          stage: 'done',
          features: trained.features,
          featureHash: trained.featureHash,
          trainingFrom: trained.trainingFrom,
          trainingTo: trained.trainingTo,
          sampleSize: trained.sampleSize,
          positiveRate: trained.positiveRate,
          // JSON columns: TypeORM's deep-partial type cannot describe arbitrary objects.
          metrics: trained.metrics as QueryDeepPartialEntity<Record<string, unknown>>,
          reference: trained.reference as QueryDeepPartialEntity<Record<string, unknown>>,
          model: trained.model as QueryDeepPartialEntity<Record<string, unknown>>,
          finishedAt: now,
        },
      ),
    );
  }

  async fail(id: number, message: string, now = new Date()): Promise<void> {
    await serialized(this.db, () =>
      this.repository.update(
        { id },
        { status: 'FAILED', stage: 'failed', error: message.slice(0, 1000), finishedAt: now },
      ),
    );
  }

  async byId(id: number): Promise<ModelVersionEntity | null> {
    return this.repository.findOneBy({ id });
  }

  async byIds(ids: readonly number[]): Promise<ModelVersionEntity[]> {
    return ids.length === 0
      ? []
      : this.repository
          .createQueryBuilder('m')
          .whereInIds([...ids])
          .getMany();
  }

  async active(kind: PredictionKind): Promise<ModelVersionEntity | null> {
    return this.repository.findOneBy({ kind, status: 'ACTIVE' });
  }

  /** The kinds that have an active model, for the scoring schedule. */
  async activeKinds(): Promise<PredictionKind[]> {
    const rows = await this.repository.find({
      where: { status: 'ACTIVE' },
      select: { kind: true },
    });

    return rows.map((row) => row.kind);
  }

  page(filter: ModelVersionFilter, args: PageArgs): Promise<Page<ModelVersionEntity>> {
    return keysetPage(
      () => {
        const query = this.repository.createQueryBuilder('m');
        if (filter.kind) {
          query.andWhere('m.kind = :kind', { kind: filter.kind });
        }
        if (filter.statuses?.length) {
          query.andWhere('m.status IN (:...statuses)', { statuses: filter.statuses });
        }

        return query;
      },
      { columns: ['m.id'], direction: 'DESC', key: (row) => [row.id] },
      args,
      this.maxPageSize,
    );
  }

  /**
   * Makes a version ACTIVE and retires the one it replaces, in one transaction. Only CANDIDATE
   * and RETIRED versions can be promoted (a retired one to roll back), and only when the rule in
   * promotion.ts allows it or `force` is given with a reason.
   */
  async promote(
    id: number,
    request: PromotionRequest,
    now = new Date(),
  ): Promise<ModelVersionEntity> {
    // A version's kind never changes, so it is read before the transaction.
    const kind = (await this.repository.findOneBy({ id }))?.kind;
    if (!kind) {
      throw notFound('Model version', 'id');
    }

    return inTransaction(this.db, async (tx) => {
      // Two promotions of one kind must not both see the same active version (or none) and
      // leave two ACTIVE: on MySQL they ran side by side. Locking the kind's versions first,
      // before any other read of the transaction, makes the later one wait and then read what
      // the earlier one committed.
      await tx.query(
        `SELECT id FROM model_versions WHERE kind = ? ORDER BY number${forUpdate(tx)}`,
        [kind],
      );
      const repository = tx.getRepository(ModelVersionEntity);
      const version = await repository.findOneBy({ id });
      if (!version) {
        throw notFound('Model version', 'id');
      }
      if (version.status !== 'CANDIDATE' && version.status !== 'RETIRED') {
        throw badInput(`a ${version.status} model version cannot be promoted`, 'id');
      }
      if (request.force && !request.reason?.trim()) {
        throw badInput('a forced promotion needs a reason', 'reason');
      }
      const current = await repository.findOneBy({ kind: version.kind, status: 'ACTIVE' });
      const check = promotionCheck(version, current);
      if (!check.allowed && !request.force) {
        throw new PulseError('BAD_USER_INPUT', check.explanation, 'id', { ...check });
      }
      if (current) {
        await repository.update(
          { id: current.id, status: 'ACTIVE' },
          { status: 'RETIRED', retiredAt: now },
        );
      }
      const promoted = await repository.update(
        { id, status: version.status },
        {
          status: 'ACTIVE',
          promotedBy: request.by,
          promotedAt: now,
          promotionReason: request.reason?.trim() || check.explanation,
          retiredAt: null,
        },
      );
      if (promoted.affected !== 1) {
        throw new PulseError('CONFLICT', 'the model version changed meanwhile; try again', 'id');
      }

      return (await repository.findOneBy({ id })) as ModelVersionEntity;
    });
  }
}
