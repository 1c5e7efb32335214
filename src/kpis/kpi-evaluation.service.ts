import { type DataSource, In } from 'typeorm';
import { insertSkippingDuplicates, runStatement, sqlInstant } from '../db/dialect';
import { inTransaction } from '../db/transaction';
import type { EventPublisher } from '../events';
import { KpiValueEntity } from './kpi-value.entity';
import { KpiEntity } from './kpi.entity';
import { type KpiUpdatedPayload, KpiTopic } from './kpi.topics';
import type { KpiValuesService } from './kpi-values.service';
import { hasDenominator, type Metric, valueOf } from './metrics';
import { type PeriodSpan, periodsBetween } from './periods';
import { DAY_MS } from '../time';

/** One recomputed value of a KPI. */
export interface EvaluatedValue {
  periodStart: Date;
  periodEnd: Date;
  value: number | null;
  numerator: number;
  denominator: number | null;
}

/** The values an evaluation recomputed for one KPI, oldest first. */
export interface EvaluatedKpi {
  kpiId: number;
  values: EvaluatedValue[];
}

export type EvaluatedListener = (evaluated: EvaluatedKpi[], now: Date) => Promise<void>;

export interface KpiEvaluationOptions {
  /** IANA zone periods begin in. */
  timeZone: string;
  /** Months of history a cold evaluation computes. */
  historyMonths: number;
  /** Days after its end during which a closed period is still recomputed (late data). */
  lateDataDays: number;
}

/** Periods of one KPI evaluation at most (18 months of days is 548). */
const MAX_PERIODS = 5000;

/**
 * Computes KPI values and stores them per period. An incremental run recomputes the open period
 * and the closed ones that ended within the late-data window; a cold run (and the first run of a
 * KPI with no stored values) the whole history. Values that changed are published as
 * KPI_UPDATED; then the listeners (alert rules) get everything recomputed.
 */
export class KpiEvaluationService {
  private readonly listeners: EvaluatedListener[] = [];

  constructor(
    private readonly db: DataSource,
    private readonly values: KpiValuesService,
    private readonly events: EventPublisher,
    private readonly options: KpiEvaluationOptions,
  ) {}

  onEvaluated(listener: EvaluatedListener): void {
    this.listeners.push(listener);
  }

  async evaluate(
    now: Date,
    options: { kpiIds?: number[] | null; cold?: boolean | null } = {},
  ): Promise<EvaluatedKpi[]> {
    const repository = this.db.getRepository(KpiEntity);
    const kpis = options.kpiIds
      ? await repository.findBy({ id: In(options.kpiIds) })
      : await repository.find({ order: { id: 'ASC' } });
    const stored = await this.db
      .getRepository(KpiValueEntity)
      .createQueryBuilder('v')
      .select('DISTINCT v.kpi_id', 'kpiId')
      .getRawMany<{ kpiId: number }>();
    const evaluated: EvaluatedKpi[] = [];
    for (const kpi of kpis) {
      const cold = Boolean(options.cold) || !stored.some((row) => Number(row.kpiId) === kpi.id);
      evaluated.push(await this.evaluateOne(kpi, now, cold));
    }
    for (const listener of this.listeners) {
      await listener(evaluated, now);
    }

    return evaluated;
  }

  private async evaluateOne(kpi: KpiEntity, now: Date, cold: boolean): Promise<EvaluatedKpi> {
    const { timeZone, historyMonths, lateDataDays } = this.options;
    const from = cold
      ? new Date(
          Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - historyMonths, now.getUTCDate()),
        )
      : new Date(now.getTime() - lateDataDays * DAY_MS);
    // `to` just after now, so that the open period is one of them.
    let spans = periodsBetween(
      from,
      new Date(now.getTime() + 1),
      kpi.granularity,
      timeZone,
      MAX_PERIODS,
    );
    if (!cold) {
      // Closed periods ended before the window are final; the first span may have.
      spans = spans.filter((span) => span.end.getTime() > from.getTime());
    }
    const metric = kpi.metric as Metric;
    const ratio = hasDenominator(metric, kpi.metricConfig);
    const rows = await this.values.aggregate(kpi, spans);
    const byStart = new Map(rows.map((row) => [row.periodStart.getTime(), row]));
    const values = spans.map((span): EvaluatedValue => {
      const row = byStart.get(span.start.getTime());
      const numerator = row?.numerator ?? 0;
      const denominator = ratio ? (row?.denominator ?? 0) : null;

      return {
        periodStart: span.start,
        periodEnd: span.end,
        numerator,
        denominator,
        value: valueOf(metric, numerator, denominator),
      };
    });
    const changed = await this.store(kpi.id, spans, values, now);
    for (const value of changed) {
      const payload: KpiUpdatedPayload = {
        kpiId: kpi.id,
        periodStart: value.periodStart.toISOString(),
        periodEnd: value.periodEnd.toISOString(),
        value: value.value,
        numerator: value.numerator,
        denominator: value.denominator,
        computedAt: now.toISOString(),
      };
      this.events.publish(KpiTopic.UPDATED, payload);
    }

    return { kpiId: kpi.id, values };
  }

  /**
   * Replaces the stored values of the spans' range with `values` (delete + insert in one
   * transaction: portable, and a reader never sees half an evaluation); returns those that
   * differ from what was stored.
   */
  private async store(
    kpiId: number,
    spans: PeriodSpan[],
    values: EvaluatedValue[],
    now: Date,
  ): Promise<EvaluatedValue[]> {
    if (spans.length === 0) {
      return [];
    }
    const first = spans[0].start;
    const last = spans[spans.length - 1].start;

    return inTransaction(this.db, async (tx) => {
      const before = await tx
        .getRepository(KpiValueEntity)
        .createQueryBuilder('v')
        .where('v.kpi_id = :kpiId AND v.period_start >= :first AND v.period_start <= :last', {
          kpiId,
          first,
          last,
        })
        .getMany();
      const old = new Map(before.map((row) => [row.periodStart.getTime(), row]));
      await runStatement(
        tx,
        'DELETE FROM kpi_values WHERE kpi_id = ? AND period_start >= ? AND period_start <= ?',
        [kpiId, sqlInstant(tx, first), sqlInstant(tx, last)],
      );
      await insertSkippingDuplicates(
        tx,
        'kpi_values',
        [
          'kpi_id',
          'period_start',
          'period_end',
          'value',
          'numerator',
          'denominator',
          'computed_at',
        ],
        values.map((v) => [
          kpiId,
          sqlInstant(tx, v.periodStart),
          sqlInstant(tx, v.periodEnd),
          v.value,
          v.numerator,
          v.denominator,
          sqlInstant(tx, now),
        ]),
      );

      return values.filter((v) => {
        const was = old.get(v.periodStart.getTime());

        return (
          !was ||
          !same(was.value, v.value) ||
          !same(was.numerator, v.numerator) ||
          !same(was.denominator, v.denominator)
        );
      });
    });
  }
}

// Doubles round-trip through the database; a difference below a billionth is not a change.
function same(a: number | null, b: number | null): boolean {
  return a === null || b === null ? a === b : Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a));
}
