import type { DataSource } from 'typeorm';
import { parseNumber } from '../db/dialect';
import { analyticalQuery } from '../db/replica';
import { type ExperimentAnalysis, analyzeExperiment } from './analysis/analyze-experiment';
import type { DecisionResult } from './analysis/decision';
import type { AnalysisSettings } from './analysis/settings';
import type { AssignmentService } from './assignment.service';
import type { ExperimentEntity } from './experiment.entity';
import {
  type ExperimentService,
  toMetricDefinitions,
  toVariantDefinitions,
} from './experiment.service';
import type { OutcomeService } from './outcome.service';

/** Expected effect on the experiment's KPI of rolling the chosen variant out to its targeting. */
export interface KpiImpact {
  kpiId: number;
  metricKey: string;
  variantKey: string;
  /** Relative lift of the first goal metric for the chosen variant, with its interval. */
  relativeLift: number;
  relativeLiftLower: number | null;
  relativeLiftUpper: number | null;
  /** Share of all customers the experiment targets (its segment, or 1). */
  coverage: number;
  /** relativeLift × coverage: the KPI's expected relative change. */
  expectedKpiChange: number;
}

/** Results of experiments: sums from SQL, then the pure analysis. */
export class ExperimentResultsService {
  constructor(
    private readonly db: DataSource,
    private readonly experiments: ExperimentService,
    private readonly assignment: AssignmentService,
    private readonly outcomes: OutcomeService,
  ) {}

  /**
   * The analysis as of `now`. A read of a RUNNING experiment counts as a look (the sequential
   * analysis reports how many; its intervals stay valid however many there are).
   */
  async results(
    experiment: ExperimentEntity,
    settings: Partial<AnalysisSettings> = {},
    options: { countLook: boolean; now?: Date } = { countLook: true },
  ): Promise<ExperimentAnalysis> {
    let looks = experiment.looks;
    if (options.countLook && experiment.status === 'RUNNING') {
      await this.db.query('UPDATE experiments SET looks = looks + 1 WHERE id = ?', [experiment.id]);
      looks += 1;
    }
    const [variantRows, metricRows] = await Promise.all([
      this.experiments.variantsOf([experiment.id]),
      this.experiments.metricsOf([experiment.id]),
    ]);
    const variants = toVariantDefinitions(variantRows);
    const [exposures, mixedExposures, metrics] = await Promise.all([
      this.assignment.exposureCounts(experiment.id),
      this.assignment.mixedExposures(experiment.id),
      this.outcomes.sums(experiment, variants, toMetricDefinitions(metricRows), options.now),
    ]);

    return analyzeExperiment(
      { status: experiment.status, variants, exposures, mixedExposures, metrics, looks },
      settings,
    );
  }

  /**
   * What concluding records besides the people's notes: the decision with its reasons at the
   * default settings, and the KPI impact of the chosen variant (`variantKey`, else the one the
   * decision ships) when the experiment names a KPI.
   */
  async conclusionEstimate(
    experiment: ExperimentEntity,
    variantKey: string | null,
  ): Promise<DecisionResult & { kpiImpact: KpiImpact | null }> {
    const analysis = await this.results(experiment, {}, { countLook: false });
    const chosen =
      variantKey ?? (analysis.decision.decision === 'SHIP' ? analysis.decision.variantKey : null);
    const goal = analysis.metrics.find((metric) => metric.role === 'GOAL');
    const lift = goal?.comparisons.find((c) => c.variantKey === chosen)?.relativeLift.value;
    if (experiment.kpiId === null || !goal || !chosen || !lift) {
      return { ...analysis.decision, kpiImpact: null };
    }
    const coverage = await this.coverage(experiment);

    return {
      ...analysis.decision,
      kpiImpact: {
        kpiId: experiment.kpiId,
        metricKey: goal.metricKey,
        variantKey: chosen,
        relativeLift: lift.lift,
        relativeLiftLower: lift.interval.lower,
        relativeLiftUpper: lift.interval.upper,
        coverage,
        expectedKpiChange: lift.lift * coverage,
      },
    };
  }
  // Targeted customers over all customers: one statement.
  private async coverage(experiment: ExperimentEntity): Promise<number> {
    const [row] = await analyticalQuery(
      this.db,
      `SELECT COUNT(*) AS total,
              SUM(CASE WHEN ${experiment.segmentId === null ? '1 = 1' : 'EXISTS (SELECT 1 FROM segment_memberships m WHERE m.customer_id = c.id AND m.segment_id = ?)'} THEN 1 ELSE 0 END) AS targeted
       FROM customers c WHERE c.deleted_at IS NULL`,
      experiment.segmentId === null ? [] : [experiment.segmentId],
    );
    const total = parseNumber(row.total) ?? 0;

    return total > 0 ? (parseNumber(row.targeted) ?? 0) / total : 0;
  }
}
