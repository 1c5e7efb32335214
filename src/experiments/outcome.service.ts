import type { DataSource } from 'typeorm';
import { addDaysSql, parseNumber, sqlInstant } from '../db/dialect';
import { analyticalQuery } from '../db/replica';
import type {
  ExperimentStatus,
  MetricDefinition,
  VariantDefinition,
} from './experiment-definition';
import { outcomeQuery } from './outcome-sql';
import type { ArmSums, MetricSums } from './outcome-sums';

/** The experiment as outcome windows need it. */
export interface OutcomeExperiment {
  id: number;
  status: ExperimentStatus;
  stoppedAt: Date | null;
  archivedAt?: Date | null;
}

/** Outcomes of exposed customers as per-variant sufficient statistics, computed in SQL. */
export class OutcomeService {
  constructor(private readonly db: DataSource) {}

  /**
   * One statement per metric. Rows after the experiment stopped never count: `asOf` is the stop
   * time of a stopped experiment, the archiving time of one archived while it ran (it has no
   * stop time, but ended then all the same), else `now`.
   */
  async sums(
    experiment: OutcomeExperiment,
    variants: ReadonlyArray<VariantDefinition & { id: number }>,
    metrics: readonly MetricDefinition[],
    now = new Date(),
  ): Promise<MetricSums[]> {
    const asOf = sqlInstant(this.db, experiment.stoppedAt ?? experiment.archivedAt ?? now);
    const addDays = (instant: string, days: number) => addDaysSql(this.db, instant, days);

    return Promise.all(
      metrics.map(async (metric) => {
        const query = outcomeQuery(metric, experiment.id, asOf, addDays);
        const rows = await analyticalQuery(this.db, query.sql, query.params);
        const arms = variants.map((variant): ArmSums => {
          const row = rows.find((r) => Number(r.variantId) === variant.id);
          const num = (name: string) => (row ? (parseNumber(row[name]) ?? 0) : 0);
          // A variant nobody was exposed to has no row, yet the same shape of sums as the rest.
          const paired = query.paired && {
            sum: num('sx'),
            sumSquares: num('sxx'),
            sumProducts: num('sxy'),
          };

          return {
            variantKey: variant.key,
            n: num('n'),
            sum: num('sy'),
            sumSquares: num('syy'),
            covariate: query.paired === 'covariate' ? paired : null,
            denominator: query.paired === 'denominator' ? paired : null,
          };
        });

        return {
          metricKey: metric.key,
          name: metric.name,
          kind: metric.kind,
          role: metric.role,
          inverse: metric.inverse,
          measuresRevenue:
            metric.kind === 'MEAN' &&
            metric.numerator.source === 'ORDERS' &&
            metric.numerator.aggregate === 'SUM',
          arms,
        };
      }),
    );
  }
}
