import type { DataSource, EntityManager } from 'typeorm';
import { parseNumber } from '../db/dialect';
import { onReplica } from '../db/replica';
import { PredictionEntity } from './prediction.entity';
import type { PredictionKind } from './prediction-kind';
import { ScoringRunEntity } from './scoring-run.entity';

/** Deciles and an equal-width histogram of one kind's current scores. */
export interface Distribution {
  kind: PredictionKind;
  count: number;
  mean: number | null;
  deciles: Array<{
    decile: number;
    count: number;
    minScore: number;
    maxScore: number;
    meanScore: number;
  }>;
  histogram: Array<{ lower: number; upper: number; count: number }>;
}

/** Reads of stored predictions and scoring runs, batched for loaders and aggregated in SQL. */
export class PredictionService {
  constructor(private readonly db: DataSource) {}

  predictionsOf(customerIds: readonly number[]): Promise<PredictionEntity[]> {
    return customerIds.length === 0
      ? Promise.resolve([])
      : this.db
          .getRepository(PredictionEntity)
          .createQueryBuilder('p')
          .where('p.customer_id IN (:...ids)', { ids: customerIds })
          .orderBy('p.kind')
          .getMany();
  }

  /** The latest run of each model version, in one statement. */
  latestRunsOf(versionIds: readonly number[]): Promise<ScoringRunEntity[]> {
    return versionIds.length === 0
      ? Promise.resolve([])
      : this.db
          .getRepository(ScoringRunEntity)
          .createQueryBuilder('r')
          .where('r.model_version_id IN (:...ids)', { ids: versionIds })
          .andWhere(
            'r.id = (SELECT MAX(later.id) FROM scoring_runs later WHERE later.model_version_id = r.model_version_id)',
          )
          .getMany();
  }

  /**
   * Two grouped statements: per decile, then one row of bin counts. Probabilities are binned
   * over 0–1; CLV over its observed range. Both read one replica connection when there are
   * replicas, so that they count the same rows.
   */
  distribution(kind: PredictionKind, bins: number): Promise<Distribution> {
    return onReplica(this.db, (replica) => this.distributionOn(replica, kind, bins));
  }

  private async distributionOn(
    db: EntityManager,
    kind: PredictionKind,
    bins: number,
  ): Promise<Distribution> {
    const deciles: Array<Record<string, unknown>> = await db.query(
      `SELECT decile, COUNT(*) AS n, MIN(score) AS low, MAX(score) AS high, AVG(score) AS mean
       FROM predictions WHERE kind = ? GROUP BY decile ORDER BY decile`,
      [kind],
    );
    const count = deciles.reduce((sum, row) => sum + Number(row.n), 0);
    const summaries = deciles.map((row) => ({
      decile: Number(row.decile),
      count: Number(row.n),
      minScore: parseNumber(row.low) as number,
      maxScore: parseNumber(row.high) as number,
      meanScore: parseNumber(row.mean) as number,
    }));
    if (count === 0) {
      return { kind, count, mean: null, deciles: [], histogram: [] };
    }
    const mean = summaries.reduce((sum, row) => sum + row.meanScore * row.count, 0) / count;
    const low = kind === 'CLV' ? Math.min(...summaries.map((row) => row.minScore)) : 0;
    const high = kind === 'CLV' ? Math.max(...summaries.map((row) => row.maxScore)) : 1;
    const width = (high - low) / bins || 1;
    const edges = Array.from({ length: bins + 1 }, (_, index) => low + index * width);
    // The outer bins are open-ended, so every score is counted once.
    const bounds = edges.slice(0, bins).map((lower, index) => ({
      from: index === 0 ? -Number.MAX_VALUE : lower,
      to: index === bins - 1 ? Number.MAX_VALUE : edges[index + 1],
    }));
    const [row] = await db.query(
      `SELECT ${bounds
        .map(
          (_, index) => `SUM(CASE WHEN score >= ? AND score < ? THEN 1 ELSE 0 END) AS bin_${index}`,
        )
        .join(', ')} FROM predictions WHERE kind = ?`,
      [...bounds.flatMap((bound) => [bound.from, bound.to]), kind],
    );

    return {
      kind,
      count,
      mean,
      deciles: summaries,
      histogram: edges.slice(0, bins).map((lower, index) => ({
        lower,
        upper: edges[index + 1],
        count: Number(row[`bin_${index}`] ?? 0),
      })),
    };
  }
}
