import { keysetPage } from '../db/keyset-page';
import { groupBy } from '../db/loaders';
import { type DataSource, type EntityManager, In } from 'typeorm';
import {
  newestPerParentSql,
  parseInstant,
  parseNumber,
  ruleDialectOf,
  sqlInstant,
} from '../db/dialect';
import { type Page, type PageArgs } from '../db/pagination';
import { refuseTaken } from '../db/refuse-taken';
import { analyticalQuery, onReplica } from '../db/replica';
import { inTransaction } from '../db/transaction';
import { badInput, notFound, PulseError } from '../errors';
import { SegmentEntity } from '../segments/segment.entity';
import type { SegmentUsers } from '../segments/segment.service';
import { KpiValueEntity } from './kpi-value.entity';
import { KpiEntity, type TargetDirection } from './kpi.entity';
import { type KpiScope, type Metric, validateMetric } from './metrics';
import { type Period, periodAYearBefore, type PeriodSpan, periodsBetween } from './periods';
import { DAY_MS } from '../time';

/** Fields of a new KPI. */
export interface KpiData {
  key: string;
  name: string;
  description?: string | null;
  owner?: string | null;
  metric: Metric;
  metricConfig?: unknown;
  scope?: KpiScope | null;
  granularity: Period;
  targetValue?: number | null;
  targetDirection: TargetDirection;
  targets?: Array<{ periodStart: Date; value: number }> | null;
  tolerance: number;
}

/** Changes to a KPI; `undefined` leaves a field alone. The key never changes. */
export type KpiChanges = Partial<Omit<KpiData, 'key'>>;

/** What a new KPI without these fields gets. */
export const DEFAULTS = {
  metric: 'REVENUE',
  granularity: 'DAY',
  targetDirection: 'HIGHER_IS_BETTER',
  tolerance: 0.05,
} as const;

/** KPI definitions and reads of their stored values. */
export class KpiService {
  constructor(
    private readonly db: DataSource,
    private readonly maxPageSize: number,
    private readonly timeZone: string,
  ) {}

  async get(id: number, field = 'id'): Promise<KpiEntity> {
    const kpi = await this.db.getRepository(KpiEntity).findOneBy({ id });
    if (!kpi) {
      throw notFound(`KPI ${id}`, field);
    }

    return kpi;
  }

  async byKey(key: string): Promise<KpiEntity> {
    const kpi = await this.db.getRepository(KpiEntity).findOneBy({ key });
    if (!kpi) {
      throw notFound(`KPI ${key}`, 'key');
    }

    return kpi;
  }

  byIds(ids: readonly number[]): Promise<KpiEntity[]> {
    return this.db.getRepository(KpiEntity).findBy({ id: In([...ids]) });
  }

  /**
   * KPIs scoped to a segment: deleting it would leave them measuring nobody (values drop to 0
   * and alert rules fire), so SegmentService refuses it while they exist.
   */
  readonly segmentUsers: SegmentUsers = {
    describedAs: 'the scopes of KPIs',
    extension: 'kpiIds',
    find: async (manager, segmentId) => {
      const scoped = ruleDialectOf(manager).jsonNumber('k.scope', '$.segmentId');
      const rows: Array<{ id: unknown; name: string }> = await manager.query(
        `SELECT k.id AS id, k.name AS name FROM kpis k WHERE ${scoped.sql} = ? ORDER BY k.id`,
        [...scoped.params, segmentId],
      );

      return rows.map((row) => ({ id: Number(row.id), name: row.name }));
    },
  };

  /** Every KPI, by key (the board; KPIs are a curated handful, not a growing list). */
  all(): Promise<KpiEntity[]> {
    return this.db.getRepository(KpiEntity).find({ order: { key: 'ASC' } });
  }

  /** A page of KPIs by key. */
  async list(pageArgs: PageArgs): Promise<Page<KpiEntity>> {
    return keysetPage(
      () => this.db.getRepository(KpiEntity).createQueryBuilder('k'),
      { columns: ['k.key'], direction: 'ASC', key: (row) => [row.key] },
      pageArgs,
      this.maxPageSize,
    );
  }

  /** Creates a KPI; omitted fields get DEFAULTS (and the key as name). */
  async create(input: KpiChanges & { key: string }, now = new Date()): Promise<KpiEntity> {
    const data: KpiData = {
      ...DEFAULTS,
      name: input.key,
      ...stripUndefined(input),
      key: input.key,
    };

    return inTransaction(this.db, async (tx) => {
      const definition = await this.checked(tx, data, true);
      const row = tx.getRepository(KpiEntity).create({
        ...definition,
        key: data.key,
        createdAt: now,
        updatedAt: now,
        version: 1,
      });
      await refuseTaken(
        () => tx.getRepository(KpiEntity).save(row),
        () => ({ message: 'Another KPI already has this key', field: 'input.key' }),
      );

      return row;
    });
  }

  /** Applies `changes` if the KPI is still at `version`; otherwise CONFLICT. */
  async update(
    id: number,
    version: number,
    changes: KpiChanges,
    now = new Date(),
  ): Promise<KpiEntity> {
    return inTransaction(this.db, async (tx) => {
      const current = await this.current(tx, id, version);
      const merged: KpiData = {
        ...current,
        targets: current.targets?.map((t) => ({
          periodStart: new Date(t.periodStart),
          value: t.value,
        })),
        scope: current.scope as KpiScope | null,
        metric: current.metric as Metric,
        ...stripUndefined(changes),
      };
      // A new metric without a new config must not inherit the old metric's options.
      if (changes.metric !== undefined && changes.metricConfig === undefined) {
        merged.metricConfig = null;
      }
      const definition = await this.checked(tx, merged, changes.targets !== undefined);
      const result = await tx
        .createQueryBuilder()
        .update(KpiEntity)
        .set({ ...definition, updatedAt: now, version: () => 'version + 1' })
        .where('id = :id AND version = :version', { id, version })
        .execute();
      if (!result.affected) {
        throw new PulseError(
          'CONFLICT',
          `KPI ${id} changed while it was being updated`,
          'input.version',
        );
      }
      // Stored values were computed by the old definition: the next evaluation recomputes all.
      if (
        changes.metric !== undefined ||
        changes.metricConfig !== undefined ||
        changes.scope !== undefined ||
        changes.granularity !== undefined
      ) {
        await tx.getRepository(KpiValueEntity).delete({ kpiId: id });
      }

      return (await tx.getRepository(KpiEntity).findOneBy({ id })) as KpiEntity;
    });
  }

  async remove(id: number, version: number): Promise<void> {
    await inTransaction(this.db, async (tx) => {
      await this.current(tx, id, version);
      await tx.getRepository(KpiValueEntity).delete({ kpiId: id });
      await tx.getRepository(KpiEntity).delete({ id });
    });
  }

  /** Checks a [from, to) range of at most `maxDays` days; BAD_USER_INPUT naming the argument. */
  checkRange(from: Date, to: Date, maxDays: number): void {
    if (to.getTime() <= from.getTime()) {
      throw badInput('to must be after from', 'to');
    }
    if (to.getTime() - from.getTime() > maxDays * DAY_MS) {
      throw badInput(`from and to may be at most ${maxDays} days apart`, 'to');
    }
  }

  // Stored values are history for reports: they are read on a replica when there are any.

  /** Stored values of these KPIs with a period starting in [from, to), oldest first. */
  valuesBetween(kpiIds: readonly number[], from: Date, to: Date): Promise<KpiValueEntity[]> {
    return onReplica(this.db, (replica) =>
      replica
        .getRepository(KpiValueEntity)
        .createQueryBuilder('v')
        .where('v.kpi_id IN (:...ids) AND v.period_start >= :from AND v.period_start < :to', {
          ids: [...kpiIds],
          from,
          to,
        })
        .orderBy('v.kpi_id')
        .addOrderBy('v.period_start')
        .getMany(),
    );
  }

  /** Stored values of these KPIs for periods starting exactly at one of `starts`. */
  valuesAt(kpiIds: readonly number[], starts: Date[]): Promise<KpiValueEntity[]> {
    return onReplica(this.db, (replica) =>
      replica
        .getRepository(KpiValueEntity)
        .findBy({ kpiId: In([...kpiIds]), periodStart: In(starts) }),
    );
  }

  /**
   * The latest `count` stored values of each KPI with a period starting at or before `now`,
   * newest first, in one statement.
   */
  async latestValues(
    kpiIds: readonly number[],
    count: number,
    now: Date,
  ): Promise<KpiValueEntity[]> {
    if (kpiIds.length === 0) {
      return [];
    }
    const { sql, params } = newestPerParentSql(this.db, {
      select:
        'v.kpi_id, v.period_start, v.period_end, v.value, v.numerator, v.denominator, v.computed_at',
      table: 'kpi_values',
      parentColumn: 'kpi_id',
      parentIds: kpiIds,
      condition: 'v.period_start <= ?',
      conditionParams: [sqlInstant(this.db, now)],
      orderColumn: 'period_start',
      count,
    });
    const rows = await analyticalQuery(this.db, sql, params);

    return rows.map((row) =>
      Object.assign(new KpiValueEntity(), {
        kpiId: Number(row.kpi_id),
        periodStart: parseInstant(row.period_start) as Date,
        periodEnd: parseInstant(row.period_end) as Date,
        value: parseNumber(row.value),
        numerator: parseNumber(row.numerator) ?? 0,
        denominator: parseNumber(row.denominator),
        computedAt: parseInstant(row.computed_at) as Date,
      }),
    );
  }

  /**
   * For each KPI, its stored values of the period containing `at` and of the period it is
   * compared with (the one before, or the one containing the same calendar day a year earlier).
   */
  async compare(
    kpiIds: readonly number[],
    at: Date,
    against: 'PREVIOUS_PERIOD' | 'SAME_PERIOD_LAST_YEAR',
  ): Promise<Map<number, { current: KpiValueEntity | null; base: KpiValueEntity | null }>> {
    const kpis = await this.byIds(kpiIds);
    const pairs = new Map(
      kpis.map((kpi) => {
        const current = this.periodAt(kpi.granularity, at);
        const base =
          against === 'PREVIOUS_PERIOD'
            ? this.periodAt(kpi.granularity, new Date(current.start.getTime() - 1))
            : periodAYearBefore(at, kpi.granularity, this.timeZone);

        return [kpi.id, { current, base }];
      }),
    );
    const starts = [...pairs.values()].flatMap((p) => [p.current.start, p.base.start]);
    const rows = kpis.length ? await this.valuesAt(kpiIds, starts) : [];
    const find = (kpiId: number, span: PeriodSpan) =>
      rows.find(
        (row) => row.kpiId === kpiId && row.periodStart.getTime() === span.start.getTime(),
      ) ?? null;

    return new Map(
      [...pairs].map(([kpiId, p]) => [
        kpiId,
        { current: find(kpiId, p.current), base: find(kpiId, p.base) },
      ]),
    );
  }

  /** All KPIs with their latest `count` values (newest first): two statements in all. */
  async board(
    now: Date,
    count: number,
  ): Promise<Array<{ kpi: KpiEntity; values: KpiValueEntity[] }>> {
    const kpis = await this.all();
    const values = await this.latestValues(
      kpis.map((kpi) => kpi.id),
      count,
      now,
    );

    const byKpi = groupBy(values, (value) => value.kpiId);

    return kpis.map((kpi) => ({ kpi, values: byKpi.get(kpi.id) ?? [] }));
  }

  private periodAt(granularity: Period, at: Date): PeriodSpan {
    return periodsBetween(at, new Date(at.getTime() + 1), granularity, this.timeZone, 1)[0];
  }

  /**
   * A target applies to the period that starts exactly at its periodStart (see targetFor): one
   * that starts no period of the granularity in the reporting time zone, or repeats one, would be
   * stored and never used.
   */
  private checkTargets(targets: Array<{ periodStart: Date }>, granularity: Period): void {
    const seen = new Set<number>();
    targets.forEach(({ periodStart }, i) => {
      const field = `input.targets[${i}].periodStart`;
      const start = this.periodAt(granularity, periodStart).start;
      if (start.getTime() !== periodStart.getTime()) {
        throw badInput(
          `${periodStart.toISOString()} does not start a ${granularity} in ${this.timeZone}; that period starts at ${start.toISOString()}`,
          field,
        );
      }
      if (seen.has(start.getTime())) {
        throw badInput(`Another target is for the period starting ${start.toISOString()}`, field);
      }
      seen.add(start.getTime());
    });
  }

  private async current(tx: EntityManager, id: number, version: number): Promise<KpiEntity> {
    const current = await tx.getRepository(KpiEntity).findOneBy({ id });
    if (!current) {
      throw notFound(`KPI ${id}`, 'input.id');
    }
    if (current.version !== version) {
      throw new PulseError(
        'CONFLICT',
        `KPI ${id} is at version ${current.version}, not ${version}: read it again and retry`,
        'input.version',
        { currentVersion: current.version },
      );
    }

    return current;
  }

  /** The definition's columns, after the checks that need more than the input's shape. */
  private async checked(tx: EntityManager, data: KpiData, targetsGiven: boolean) {
    // GraphQL lets an optional input field be sent as null; these fields have no empty value
    // (leaving one out keeps its default or stored value), and NULL would fail as a column.
    for (const field of [
      'name',
      'metric',
      'granularity',
      'targetDirection',
      'tolerance',
    ] as const) {
      if ((data[field] as unknown) === null) {
        throw badInput(`${field} cannot be null; leave it out to keep it`, `input.${field}`);
      }
    }
    if (targetsGiven) {
      this.checkTargets(data.targets ?? [], data.granularity);
    }
    const scope = stripUndefined(data.scope ?? {}) as KpiScope;
    const metricConfig = validateMetric(data.metric, data.metricConfig, scope);
    if (
      scope.segmentId !== undefined &&
      !(await tx.getRepository(SegmentEntity).existsBy({ id: scope.segmentId }))
    ) {
      throw badInput(`Segment ${scope.segmentId} does not exist`, 'input.scope.segmentId');
    }

    return {
      name: data.name,
      description: data.description ?? null,
      owner: data.owner ?? null,
      metric: data.metric,
      metricConfig,
      scope: Object.keys(scope).length ? (scope as Record<string, unknown>) : null,
      granularity: data.granularity,
      targetValue: data.targetValue ?? null,
      targetDirection: data.targetDirection,
      targets: data.targets?.length
        ? data.targets.map((t) => ({ periodStart: t.periodStart.toISOString(), value: t.value }))
        : null,
      tolerance: data.tolerance,
    };
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
