import { type DataSource, In } from 'typeorm';
import { badInput, notFound } from '../errors';
import { SegmentEntity } from '../segments/segment.entity';
import {
  type ChangeExplanation,
  type ChangeItem,
  type DimensionFigures,
  explainChange,
  type Figures,
  OTHER_LABEL,
  remainderOf,
} from './explain-change';
import { KpiEntity } from './kpi.entity';
import type { KpiValuesService, MetricRow } from './kpi-values.service';
import type { Dimension } from './metric-sql';
import { hasDenominator, type Metric, valueOf } from './metrics';
import { periodAYearBefore, type PeriodSpan, periodsBetween } from './periods';

/** What a change is measured against. */
export type ChangeBase = 'PREVIOUS_PERIOD' | 'SAME_PERIOD_LAST_YEAR';

/** A dimension value as the API shows it; `key` null is "other". */
export interface DimensionRef {
  key: string | null;
  label: string;
  segment: SegmentEntity | null;
}

export interface BreakdownItemData {
  dimension: DimensionRef;
  value: number | null;
  numerator: number;
  denominator: number | null;
  share: number | null;
}

export interface BreakdownData {
  by: Dimension;
  span: PeriodSpan;
  value: number | null;
  numerator: number;
  denominator: number | null;
  items: BreakdownItemData[];
}

export interface ChangeData extends Omit<ChangeExplanation, 'items'> {
  by: Dimension;
  span: PeriodSpan;
  baseSpan: PeriodSpan;
  items: Array<ChangeItem & { dimension: DimensionRef }>;
}

// Rates kept as fractions (0.25 = 25 %) are worded in percentage points in summaries.
const FRACTION_METRICS: ReadonlySet<string> = new Set([
  'CONVERSION_RATE',
  'REPEAT_PURCHASE_RATE',
  'RETENTION_RATE',
  'CHURN_RATE',
  'ENGAGEMENT_RATE',
  'CSAT',
  'DATA_QUALITY',
]);

/**
 * A KPI per dimension value, and why it moved between two periods. Each call costs two grouped
 * statements (the KPI by the dimension and in total, over all periods involved at once), plus one
 * lookup of segment names for SEGMENT, after the KPI's own row.
 */
export class KpiBreakdownService {
  constructor(
    private readonly db: DataSource,
    private readonly values: KpiValuesService,
    private readonly timeZone: string,
  ) {}

  /** The KPI in the period holding `at`, per value of `by`. */
  async breakdown(kpiId: number, at: Date, by: Dimension): Promise<BreakdownData> {
    const kpi = await this.kpiOf(kpiId);
    const span = this.spanAt(kpi, at);
    const { total, byDimension } = await this.figures(kpi, [span], by);
    const metric = kpi.metric as Metric;
    const ratio = hasDenominator(metric, kpi.metricConfig);
    const totals = total.get(span.start.getTime()) ?? empty(ratio);
    const parts = [...byDimension.values()].map((row) => ({
      key: row.key,
      figures: row.periods.get(span.start.getTime()) ?? empty(ratio),
    }));
    const other = remainderOf(
      totals,
      parts.map((part) => part.figures),
    );
    const refs = await this.refsOf(
      by,
      parts.map((part) => part.key),
    );
    const items = parts
      .map(({ key, figures }) => ({ ref: refs.get(key) as DimensionRef, figures }))
      .sort(
        (a, b) =>
          weight(b.figures, ratio) - weight(a.figures, ratio) ||
          a.ref.label.localeCompare(b.ref.label),
      );
    if (other) {
      items.push({ ref: otherRef(), figures: other });
    }
    const whole = weight(totals, ratio);

    return {
      by,
      span,
      value: valueOf(metric, totals.numerator, totals.denominator),
      numerator: totals.numerator,
      denominator: totals.denominator,
      items: items.map(({ ref, figures }) => ({
        dimension: ref,
        // "other" of overlapping values has a negative denominator: no rate of its own.
        value:
          figures.denominator !== null && figures.denominator <= 0
            ? null
            : valueOf(metric, figures.numerator, figures.denominator),
        numerator: figures.numerator,
        denominator: figures.denominator,
        share: whole === 0 ? null : weight(figures, ratio) / whole,
      })),
    };
  }

  /** Why the KPI moved from the base period to the period holding `at`, per value of `by`. */
  async explainChange(
    kpiId: number,
    at: Date,
    against: ChangeBase,
    by: Dimension,
  ): Promise<ChangeData> {
    const kpi = await this.kpiOf(kpiId);
    const span = this.spanAt(kpi, at);
    const baseSpan = this.baseOf(kpi, at, span, against);
    const { total, byDimension } = await this.figures(kpi, [baseSpan, span], by);
    const metric = kpi.metric as Metric;
    const ratio = hasDenominator(metric, kpi.metricConfig);
    const refs = await this.refsOf(by, [...byDimension.keys()]);
    const dimensions: DimensionFigures[] = [...byDimension.values()].map((row) => ({
      key: row.key,
      label: (refs.get(row.key) as DimensionRef).label,
      base: row.periods.get(baseSpan.start.getTime()) ?? null,
      current: row.periods.get(span.start.getTime()) ?? null,
    }));
    const explanation = explainChange({
      name: kpi.name,
      shape: ratio ? 'RATIO' : 'ADDITIVE',
      metricValue: (numerator, denominator) => valueOf(metric, numerator, denominator),
      display: FRACTION_METRICS.has(metric)
        ? { scale: 100, unit: 'points' }
        : metric === 'NPS'
          ? { scale: 1, unit: 'points' }
          : undefined,
      total: {
        base: total.get(baseSpan.start.getTime()) ?? empty(ratio),
        current: total.get(span.start.getTime()) ?? empty(ratio),
      },
      dimensions,
    });

    return {
      ...explanation,
      by,
      span,
      baseSpan,
      items: explanation.items.map((item) => ({
        ...item,
        dimension: item.key === null ? otherRef() : (refs.get(item.key) as DimensionRef),
      })),
    };
  }

  private async kpiOf(id: number): Promise<KpiEntity> {
    const kpi = await this.db.getRepository(KpiEntity).findOneBy({ id });
    if (!kpi) {
      throw notFound(`KPI ${id}`, 'id');
    }

    return kpi;
  }

  /** Both aggregates over the same spans: per dimension value and in total. */
  private async figures(kpi: KpiEntity, spans: PeriodSpan[], by: Dimension) {
    if (kpi.metric === 'PREDICTION_DRIFT') {
      throw badInput(
        'PREDICTION_DRIFT measures scoring runs, not customers: it has no breakdown',
        'by',
      );
    }
    const rows = await this.values.aggregate(kpi, spans, by);
    const totals = await this.values.aggregate(kpi, spans);
    const total = new Map(totals.map((row) => [row.periodStart.getTime(), figuresOf(row)]));
    // Rows without a dimension value (no country) are left to "other", which the totals give.
    const byDimension = new Map<string, { key: string; periods: Map<number, Figures> }>();
    for (const row of rows) {
      if (row.dimension === null) {
        continue;
      }
      let entry = byDimension.get(row.dimension);
      if (!entry) {
        entry = { key: row.dimension, periods: new Map() };
        byDimension.set(row.dimension, entry);
      }
      entry.periods.set(row.periodStart.getTime(), figuresOf(row));
    }

    return { total, byDimension };
  }

  private async refsOf(by: Dimension, keys: string[]): Promise<Map<string, DimensionRef>> {
    const segments =
      by === 'SEGMENT' && keys.length > 0
        ? await this.db.getRepository(SegmentEntity).findBy({ id: In(keys.map(Number)) })
        : [];
    const byId = new Map(segments.map((segment) => [String(segment.id), segment]));

    return new Map(
      keys.map((key) => {
        const segment = byId.get(key) ?? null;

        // A segment deleted since its rows were read is shown by its row id.
        return [key, { key, label: segment?.name ?? key, segment }];
      }),
    );
  }

  private spanAt(kpi: KpiEntity, at: Date): PeriodSpan {
    return periodsBetween(at, new Date(at.getTime() + 1), kpi.granularity, this.timeZone, 1)[0];
  }

  /** Like Kpi.compare: the period before, or the period holding the day of `at` a year earlier. */
  private baseOf(kpi: KpiEntity, at: Date, span: PeriodSpan, against: ChangeBase): PeriodSpan {
    switch (against) {
      case 'PREVIOUS_PERIOD':
        return this.spanAt(kpi, new Date(span.start.getTime() - 1));
      case 'SAME_PERIOD_LAST_YEAR':
        return periodAYearBefore(at, kpi.granularity, this.timeZone);
      default:
        return unreachable(against);
    }
  }
}

function figuresOf(row: MetricRow): Figures {
  return { numerator: row.numerator, denominator: row.denominator };
}

function empty(ratio: boolean): Figures {
  return { numerator: 0, denominator: ratio ? 0 : null };
}

/** What a breakdown share is a share of: the denominator of ratios, the value of sums. */
function weight(figures: Figures, ratio: boolean): number {
  return ratio ? (figures.denominator ?? 0) : figures.numerator;
}

function otherRef(): DimensionRef {
  return { key: null, label: OTHER_LABEL, segment: null };
}

function unreachable(value: never): never {
  throw new Error(`Unknown comparison ${String(value)}`);
}
