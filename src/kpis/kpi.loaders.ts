import {
  groupBy,
  groupLoader,
  type LoaderOptions,
  parentArgsLoader,
  rowLoader,
} from '../db/loaders';
import type { KpiValueEntity } from './kpi-value.entity';
import type { KpiEntity } from './kpi.entity';
import type { KpiService } from './kpi.service';

export function createKpiLoaders(kpis: KpiService, options: LoaderOptions) {
  // One "now" per request, so that every KPI's current value is read in the same batch.
  const now = new Date();

  return {
    kpiById: rowLoader<KpiEntity>(
      (ids) => kpis.byIds(ids),
      (row) => row.id,
      options,
    ),
    currentKpiValueByKpiId: groupLoader(
      (ids) => kpis.latestValues(ids, 1, now),
      (row) => row.kpiId,
      options,
    ),
    kpiSeriesByKpiId: parentArgsLoader<{ from: string; to: string }, KpiValueEntity[]>(
      async (ids, { from, to }) =>
        groupBy(await kpis.valuesBetween(ids, new Date(from), new Date(to)), (row) => row.kpiId),
      () => [],
      options,
    ),
    kpiComparisonByKpiId: parentArgsLoader<
      { at: string; against: 'PREVIOUS_PERIOD' | 'SAME_PERIOD_LAST_YEAR' },
      { current: KpiValueEntity | null; base: KpiValueEntity | null }
    >(
      (ids, { at, against }) => kpis.compare(ids, new Date(at), against),
      () => ({ current: null, base: null }),
      options,
    ),
  };
}
