import type { DataSource } from 'typeorm';
import { parseNumber, ruleDialectOf } from '../db/dialect';
import { analyticalQuery } from '../db/replica';
import { badInput } from '../errors';
import type { KpiEntity } from './kpi.entity';
import { type Dimension, metricSql } from './metric-sql';
import { type KpiScope, type Metric, planOf, sourcesOf } from './metrics';
import { type PeriodSpan, periodsBetween } from './periods';

/** A metric's figures for one period (and one dimension value when broken down). */
export interface MetricRow {
  periodStart: Date;
  dimension: string | null;
  numerator: number;
  denominator: number | null;
}

/** Computes KPI metrics in SQL: one grouped statement per call, whatever the number of periods. */
export class KpiValuesService {
  constructor(
    private readonly db: DataSource,
    private readonly timeZone: string,
  ) {}

  /**
   * The KPI's numerator and denominator per span (and per value of `by`), for spans with rows;
   * a span without rows has numerator 0 and denominator 0 (null for metrics without one).
   * Retention and churn also read the period before each span.
   */
  async aggregate(kpi: KpiEntity, spans: PeriodSpan[], by?: Dimension): Promise<MetricRow[]> {
    if (spans.length === 0) {
      return [];
    }
    const metric = kpi.metric as Metric;
    const plan = planOf(metric, kpi.metricConfig);
    if (
      by === 'CHANNEL' &&
      (plan.kind === 'RETENTION' || sourcesOf(plan).some((s) => s !== 'INTERACTIONS'))
    ) {
      throw badInput(
        `${metric} cannot be broken down by channel: orders and customers have none`,
        'by',
      );
    }
    const previous =
      plan.kind === 'RETENTION'
        ? spans.map(
            (span) =>
              periodsBetween(
                new Date(span.start.getTime() - 1),
                span.start,
                kpi.granularity,
                this.timeZone,
                1,
              )[0],
          )
        : [];
    const instants = [...spans, ...previous].flatMap((span) => [
      span.start.getTime(),
      span.end.getTime(),
    ]);
    const boundaries = [...new Set(instants)].sort((a, b) => a - b).map((ms) => new Date(ms));
    const indexOf = new Map(boundaries.map((date, i) => [date.getTime(), i]));
    const interval = (span: PeriodSpan) => indexOf.get(span.start.getTime()) as number;
    const { sql, params } = metricSql(
      plan,
      (kpi.scope ?? {}) as KpiScope,
      by,
      {
        boundaries,
        wanted: [...spans, ...previous].map(interval),
        previousOf: previous.map((span, i) => [interval(spans[i]), interval(span)]),
      },
      ruleDialectOf(this.db),
    );
    const rows = await analyticalQuery<{
      kpi_b: unknown;
      kpi_d: unknown;
      num: unknown;
      den: unknown;
    }>(this.db, sql, params);
    // Rows of intervals that are not one of the spans (gaps, previous periods) are dropped.
    const spanAt = new Map(spans.map((span) => [interval(span), span]));
    const ratio = plan.kind !== 'TERMS' || plan.denominator !== null;

    return rows.flatMap((row) => {
      const span = spanAt.get(Number(row.kpi_b));
      if (!span || boundaries[Number(row.kpi_b) + 1].getTime() !== span.end.getTime()) {
        return [];
      }

      return [
        {
          periodStart: span.start,
          dimension: row.kpi_d === null || row.kpi_d === undefined ? null : String(row.kpi_d),
          numerator: parseNumber(row.num) ?? 0,
          denominator: ratio ? (parseNumber(row.den) ?? 0) : null,
        },
      ];
    });
  }
}
