import { Arg, Authorized, FieldResolver, Resolver, Root } from 'type-graphql';
import { READERS } from '../auth/principal';
import type { Services } from '../services';
import { toKpiBreakdown, toKpiChangeExplanation } from './kpi-drivers.mapper';
import { KpiBreakdown, KpiChangeExplanation, KpiDimension } from './kpi-drivers.types';
import { Kpi, KpiComparisonBase } from './kpi.types';

const PERIOD = { description: 'Any instant in the period (its period in the KPI granularity).' };
const BY = { description: 'The dimension.' };

@Resolver(() => Kpi)
@Authorized(READERS)
export class KpiDriversResolver {
  constructor(private readonly services: Services) {}

  @FieldResolver(() => KpiBreakdown, {
    description:
      'The value per channel, country or segment in one period, computed from the data (not stored).',
  })
  async breakdown(
    @Root() kpi: Kpi,
    @Arg('period', () => Date, PERIOD) period: Date,
    @Arg('by', () => KpiDimension, BY) by: KpiDimension,
  ): Promise<KpiBreakdown> {
    return toKpiBreakdown(await this.services.kpiBreakdowns.breakdown(kpi.dbId, period, by));
  }

  @FieldResolver(() => KpiChangeExplanation, {
    description:
      'Why the KPI moved from a base period to this one: per-dimension contributions (rate and mix effects for ratio metrics) that add up to the change, ranked, with the top drivers in one sentence.',
  })
  async explainChange(
    @Root() kpi: Kpi,
    @Arg('period', () => Date, PERIOD) period: Date,
    @Arg('against', () => KpiComparisonBase, { description: 'What to compare it with.' })
    against: KpiComparisonBase,
    @Arg('by', () => KpiDimension, BY) by: KpiDimension,
  ): Promise<KpiChangeExplanation> {
    return toKpiChangeExplanation(
      await this.services.kpiBreakdowns.explainChange(kpi.dbId, period, against, by),
    );
  }
}
