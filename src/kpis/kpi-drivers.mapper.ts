import { toGlobalId } from '../graphql/global-id';
import { toSegment } from '../segments/segment.mapper';
import type { BreakdownData, ChangeData, DimensionRef } from './kpi-breakdown.service';
import {
  KpiBreakdown,
  KpiChangeExplanation,
  type KpiDimension,
  KpiDimensionValue,
} from './kpi-drivers.types';

/** The GraphQL view of a breakdown. */
export function toKpiBreakdown(data: BreakdownData): KpiBreakdown {
  return Object.assign(new KpiBreakdown(), {
    by: data.by as KpiDimension,
    periodStart: data.span.start,
    periodEnd: data.span.end,
    value: data.value,
    numerator: data.numerator,
    denominator: data.denominator,
    items: data.items.map((item) => ({
      ...item,
      dimension: toDimensionValue(data.by, item.dimension),
    })),
  });
}

/** The GraphQL view of a change explanation. */
export function toKpiChangeExplanation(data: ChangeData): KpiChangeExplanation {
  return Object.assign(new KpiChangeExplanation(), {
    by: data.by as KpiDimension,
    periodStart: data.span.start,
    periodEnd: data.span.end,
    basePeriodStart: data.baseSpan.start,
    basePeriodEnd: data.baseSpan.end,
    fromValue: data.fromValue,
    toValue: data.toValue,
    totalChange: data.totalChange,
    summary: data.summary,
    items: data.items.map((item) => ({
      dimension: toDimensionValue(data.by, item.dimension),
      rank: item.rank,
      fromValue: item.baseValue,
      toValue: item.currentValue,
      fromShare: item.baseShare,
      toShare: item.currentShare,
      contribution: item.contribution,
      rateEffect: item.rateEffect,
      mixEffect: item.mixEffect,
    })),
  });
}

function toDimensionValue(by: string, ref: DimensionRef): KpiDimensionValue {
  return Object.assign(new KpiDimensionValue(), {
    // Segments are known to clients by their global id only.
    value: by === 'SEGMENT' && ref.key !== null ? toGlobalId('Segment', Number(ref.key)) : ref.key,
    label: ref.label,
    segment: ref.segment ? toSegment(ref.segment) : null,
  });
}
