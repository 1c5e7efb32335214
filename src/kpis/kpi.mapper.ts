import { toGlobalId } from '../graphql/global-id';
import type { Channel } from '../interactions/channel';
import type { ReportingPeriod } from '../segments/lifecycle.types';
import { changeOf, statusOf, targetFor } from './kpi-status';
import type { KpiValueEntity } from './kpi-value.entity';
import type { KpiEntity } from './kpi.entity';
import type { KpiUpdatedPayload } from './kpi.topics';
import {
  Kpi,
  KpiBoardEntry,
  type KpiMetric,
  type KpiStatusValue,
  type KpiTargetDirection,
  KpiUpdate,
  KpiValue,
} from './kpi.types';

/** The GraphQL view of a KPI row. */
export function toKpi(row: KpiEntity): Kpi {
  const scope = row.scope ?? {};

  return Object.assign(new Kpi(), {
    id: toGlobalId('Kpi', row.id),
    dbId: row.id,
    key: row.key,
    name: row.name,
    description: row.description,
    owner: row.owner,
    metric: row.metric as KpiMetric,
    metricConfig: row.metricConfig,
    scope: {
      segmentId:
        typeof scope.segmentId === 'number' ? toGlobalId('Segment', scope.segmentId) : null,
      channel: (scope.channel as Channel | undefined) ?? null,
      country: (scope.country as string | undefined) ?? null,
    },
    granularity: row.granularity as ReportingPeriod,
    targetValue: row.targetValue,
    targetDirection: row.targetDirection as KpiTargetDirection,
    targets: (row.targets ?? []).map((t) => ({
      periodStart: new Date(t.periodStart),
      value: t.value,
    })),
    tolerance: row.tolerance,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    version: row.version,
  });
}

/** A stored value with the target and status of its period. */
export function toKpiValue(kpi: Kpi, row: Omit<KpiValueEntity, 'kpi'>): KpiValue {
  const target = targetFor(
    {
      targetValue: kpi.targetValue,
      targets: kpi.targets.map((t) => ({
        periodStart: t.periodStart.toISOString(),
        value: t.value,
      })),
    },
    row.periodStart,
  );

  return Object.assign(new KpiValue(), {
    periodStart: row.periodStart,
    periodEnd: row.periodEnd,
    value: row.value,
    numerator: row.numerator,
    denominator: row.denominator,
    target,
    status: statusOf(
      row.value,
      target,
      kpi.targetDirection,
      kpi.tolerance,
    ) as KpiStatusValue | null,
    computedAt: row.computedAt,
  });
}

/** A board entry from the KPI and its latest values, newest first. */
export function toBoardEntry(row: KpiEntity, latest: KpiValueEntity[]): KpiBoardEntry {
  const kpi = toKpi(row);
  const current = latest[0] ? toKpiValue(kpi, latest[0]) : null;
  const previous = latest[1] ? toKpiValue(kpi, latest[1]) : null;
  const change = changeOf(current?.value ?? null, previous?.value ?? null);

  return Object.assign(new KpiBoardEntry(), {
    kpi,
    current,
    previous,
    absoluteChange: change.absolute,
    relativeChange: change.relative,
    status: current?.status ?? null,
    sparkline: latest.map((v) => v.value).reverse(),
  });
}

/** A KPI_UPDATED event as the subscription's type. */
export function toKpiUpdate(payload: KpiUpdatedPayload, kpi: Kpi): KpiUpdate {
  return Object.assign(new KpiUpdate(), {
    kpiDbId: payload.kpiId,
    kpiId: toGlobalId('Kpi', payload.kpiId),
    value: toKpiValue(kpi, {
      kpiId: payload.kpiId,
      periodStart: new Date(payload.periodStart),
      periodEnd: new Date(payload.periodEnd),
      value: payload.value,
      numerator: payload.numerator,
      denominator: payload.denominator,
      computedAt: new Date(payload.computedAt),
    }),
  });
}
