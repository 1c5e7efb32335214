import { type DataSource, type EntityManager, In } from 'typeorm';
import { refuseTaken } from '../db/refuse-taken';
import { keysetPage } from '../db/keyset-page';
import type { Page, PageArgs } from '../db/pagination';
import { inTransaction } from '../db/transaction';
import { badInput, notFound, PulseError } from '../errors';
import type { ExperimentService } from '../experiments/experiment.service';
import type { ExperimentResultsService } from '../experiments/results.service';
import type { SegmentService, SegmentUsers } from '../segments/segment.service';
import { type ActionDefinition, checkActionDefinition, checkActionKey } from './action-input';
import { ActionEntity } from './action.entity';
import { effectFromLift } from './next-best-action';

/** Changes to an action; `undefined` leaves a field alone. The key never changes. */
export type ActionChanges = Partial<ActionDefinition>;

/** What a new action without these fields gets. */
const DEFAULTS = {
  description: null,
  costPerContact: 0,
  incentiveCost: 0,
  segmentId: null,
  contactType: null,
  maxContacts: null,
  contactWindowDays: null,
  experimentId: null,
  variantKey: null,
  metricKey: null,
} as const;

/** The catalogue of next best actions: definitions, archiving, effects measured by experiments. */
export class ActionService {
  constructor(
    private readonly db: DataSource,
    private readonly maxPageSize: number,
    private readonly segments: SegmentService,
    private readonly experiments: ExperimentService,
    private readonly results: ExperimentResultsService,
  ) {}

  async get(id: number, field = 'id'): Promise<ActionEntity> {
    const row = await this.db.getRepository(ActionEntity).findOneBy({ id });
    if (!row) {
      throw notFound(`Action ${id}`, field);
    }

    return row;
  }

  /**
   * Actions (archived ones too) whose eligibility is a segment: deleting it would leave them
   * reaching nobody, so SegmentService refuses it while they exist.
   */
  readonly segmentUsers: SegmentUsers = {
    describedAs: 'the eligibility of next best actions',
    extension: 'actionIds',
    find: (manager, segmentId) =>
      manager.getRepository(ActionEntity).find({
        select: { id: true, name: true },
        where: { segmentId },
        order: { id: 'ASC' },
      }),
  };

  byIds(ids: readonly number[]): Promise<ActionEntity[]> {
    return this.db.getRepository(ActionEntity).findBy({ id: In([...ids]) });
  }

  /** A page of actions by key; archived ones only when asked. */
  list(pageArgs: PageArgs, includeArchived: boolean): Promise<Page<ActionEntity>> {
    return keysetPage(
      () => {
        const query = this.db.getRepository(ActionEntity).createQueryBuilder('a');

        return includeArchived ? query : query.where('a.archived_at IS NULL');
      },
      { columns: ['a.key'], direction: 'ASC', key: (row) => [row.key] },
      pageArgs,
      this.maxPageSize,
    );
  }

  async create(
    input: ActionChanges &
      Pick<ActionDefinition, 'name' | 'objective' | 'channel' | 'effect'> & {
        key: string;
      },
    now = new Date(),
  ): Promise<ActionEntity> {
    checkActionKey(input.key);
    const definition: ActionDefinition = {
      ...DEFAULTS,
      ...stripUndefined(input),
    } as ActionDefinition;
    await this.check(definition);
    const repository = this.db.getRepository(ActionEntity);
    const row = repository.create({
      ...definition,
      key: input.key,
      effectSource: 'MANUAL',
      effectMeasuredAt: null,
      archivedAt: null,
      createdAt: now,
      updatedAt: now,
      version: 1,
    });
    await refuseTaken(
      () => repository.save(row),
      () => ({ message: 'Another action already has this key', field: 'input.key' }),
    );

    return row;
  }

  /**
   * Applies `changes` if the action is still at `version`; otherwise CONFLICT. A new effect typed
   * in makes the effect MANUAL again.
   */
  async update(
    id: number,
    version: number,
    changes: ActionChanges,
    now = new Date(),
  ): Promise<ActionEntity> {
    return inTransaction(this.db, async (tx) => {
      const current = await this.current(tx, id, version);
      const definition = { ...current, ...stripUndefined(changes) };
      await this.check(definition);
      const manualEffect =
        changes.effect === undefined
          ? {}
          : { effectSource: 'MANUAL' as const, effectMeasuredAt: null };

      return this.write(tx, id, version, { ...pickDefinition(definition), ...manualEffect }, now);
    });
  }

  /** Archives an action: it stays readable and is never recommended again. */
  async archive(id: number, version: number, now = new Date()): Promise<ActionEntity> {
    return inTransaction(this.db, async (tx) => {
      await this.current(tx, id, version);

      return this.write(tx, id, version, { archivedAt: now }, now);
    });
  }

  /**
   * Sets the effect from the experiment the action names: the relative lift of its metric for
   * its treatment variant, turned into the action's terms by `effectFromLift`. Refuses, leaving
   * the action unchanged, unless that comparison is significantly better and gives an effect in
   * (0, 1].
   */
  async measureEffect(id: number, now = new Date()): Promise<ActionEntity> {
    const action = await this.get(id);
    if (action.experimentId === null || action.variantKey === null || action.metricKey === null) {
      throw badInput('The action names no experiment, variant and metric to measure it', 'id');
    }
    const experiment = await this.experiments.get(action.experimentId, 'id');
    const analysis = await this.results.results(experiment, {}, { countLook: false });
    const metric = analysis.metrics.find((m) => m.metricKey === action.metricKey);
    const comparison = metric?.comparisons.find((c) => c.variantKey === action.variantKey);
    if (!metric || !comparison) {
      throw badInput(
        `Experiment ${experiment.key} has no result for metric "${action.metricKey}" and variant "${action.variantKey}"`,
        'id',
      );
    }
    const lift = comparison.relativeLift.value;
    if (comparison.verdict !== 'BETTER' || lift === null) {
      throw badInput(
        `Experiment ${experiment.key} shows no significant improvement of "${metric.metricKey}" for "${comparison.variantKey}" (verdict ${comparison.verdict})`,
        'id',
      );
    }
    const controlKey = (await this.experiments.variantsOf([experiment.id])).find(
      (v) => v.isControl,
    )?.key;
    const control = metric.variants.find((v) => v.variantKey === controlKey);
    const effect = effectFromLift(action.objective, {
      lift: lift.lift,
      controlMean: control?.summary.value?.mean ?? Number.NaN,
      inverse: metric.inverse,
    });
    if (effect === null || effect > 1) {
      throw badInput(
        `The measured lift ${lift.lift} gives no effect in (0, 1] for a ${action.objective} action`,
        'id',
      );
    }

    // Written at the version read, so a concurrent edit makes this CONFLICT, not overwritten.
    return inTransaction(this.db, (tx) =>
      this.write(
        tx,
        id,
        action.version,
        { effect, effectSource: 'EXPERIMENT', effectMeasuredAt: now },
        now,
      ),
    );
  }

  // Referenced segment and experiment must exist, and the experiment must have the variant and
  // metric named, so that measureActionEffect can never fail for a typo.
  private async check(definition: ActionDefinition): Promise<void> {
    checkActionDefinition(definition);
    if (definition.segmentId !== null) {
      const [segment] = await this.segments.byIds([definition.segmentId]);
      if (!segment) {
        throw badInput(`Segment ${definition.segmentId} does not exist`, 'input.segmentId');
      }
    }
    if (definition.experimentId !== null) {
      const [experiment] = await this.experiments.byIds([definition.experimentId]);
      if (!experiment) {
        throw badInput(
          `Experiment ${definition.experimentId} does not exist`,
          'input.experimentId',
        );
      }
      const [variants, metrics] = await Promise.all([
        this.experiments.variantsOf([experiment.id]),
        this.experiments.metricsOf([experiment.id]),
      ]);
      if (!variants.some((v) => v.key === definition.variantKey && !v.isControl)) {
        throw badInput(
          `Experiment ${experiment.key} has no treatment variant "${definition.variantKey}"`,
          'input.variantKey',
        );
      }
      if (!metrics.some((m) => m.key === definition.metricKey)) {
        throw badInput(
          `Experiment ${experiment.key} has no metric "${definition.metricKey}"`,
          'input.metricKey',
        );
      }
    }
  }

  private async current(tx: EntityManager, id: number, version: number): Promise<ActionEntity> {
    const row = await tx.getRepository(ActionEntity).findOneBy({ id });
    if (!row) {
      throw notFound(`Action ${id}`, 'input.id');
    }
    if (row.version !== version) {
      throw new PulseError(
        'CONFLICT',
        `Action ${id} is at version ${row.version}, not ${version}`,
        'input.version',
      );
    }

    return row;
  }

  // Optimistic concurrency: the row changes only if nobody changed it since it was read.
  private async write(
    tx: EntityManager,
    id: number,
    version: number,
    set: Partial<ActionEntity>,
    now: Date,
  ): Promise<ActionEntity> {
    const result = await tx
      .createQueryBuilder()
      .update(ActionEntity)
      .set({ ...set, updatedAt: now, version: () => 'version + 1' })
      .where('id = :id AND version = :version', { id, version })
      .execute();
    if (!result.affected) {
      throw new PulseError(
        'CONFLICT',
        `Action ${id} changed while it was being updated`,
        'input.version',
      );
    }

    return (await tx.getRepository(ActionEntity).findOneBy({ id })) as ActionEntity;
  }
}

function pickDefinition(row: ActionDefinition): ActionDefinition {
  return {
    name: row.name,
    description: row.description,
    objective: row.objective,
    channel: row.channel,
    costPerContact: row.costPerContact,
    incentiveCost: row.incentiveCost,
    effect: row.effect,
    segmentId: row.segmentId,
    contactType: row.contactType,
    maxContacts: row.maxContacts,
    contactWindowDays: row.contactWindowDays,
    experimentId: row.experimentId,
    variantKey: row.variantKey,
    metricKey: row.metricKey,
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
