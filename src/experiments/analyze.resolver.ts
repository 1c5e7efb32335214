import { Arg, Authorized, Query, Resolver } from 'type-graphql';
import { READERS } from '../auth/principal';
import { fromGlobalId } from '../graphql/global-id';
import type { Services } from '../services';
import { analyzeExperiment } from './analysis/analyze-experiment';
import { planSampleSize } from './analysis/plan';
import { summaryAnalysisInput } from './analysis/summary-input';
import { AnalyzeSummaryInput, ExperimentPlan, PlanExperimentInput } from './analyze.types';
import { toExperimentResults } from './results.mapper';
import { AnalysisSettingsInput, ExperimentResults } from './results.types';

@Resolver()
export class AnalyzeResolver {
  constructor(private readonly services: Services) {}

  @Authorized(READERS)
  @Query(() => ExperimentResults, {
    description:
      'The experiment analysis on sufficient statistics given directly (one goal metric). Stores nothing.',
  })
  analyzeSummary(
    @Arg('input', { description: "The metric and each variant's sums." })
    input: AnalyzeSummaryInput,
    @Arg('settings', () => AnalysisSettingsInput, {
      nullable: true,
      description: 'Analysis settings.',
    })
    settings: AnalysisSettingsInput | null,
  ): ExperimentResults {
    const analysisInput = summaryAnalysisInput(
      input.kind,
      input.inverse,
      input.variants.map((variant) => ({
        ...variant,
        sumSquares: variant.sumSquares ?? null,
        covariate: variant.covariate ?? null,
        denominator: variant.denominator ?? null,
      })),
    );

    return toExperimentResults(analyzeExperiment(analysisInput, settings ?? {}));
  }

  @Authorized(READERS)
  @Query(() => ExperimentPlan, {
    description:
      "Customers needed per variant to detect an effect, and the expected duration from the target's recent traffic.",
  })
  async planExperiment(
    @Arg('input', { description: "The plan's assumptions." }) input: PlanExperimentInput,
  ): Promise<ExperimentPlan> {
    const segmentId =
      input.segmentId === undefined
        ? null
        : fromGlobalId(input.segmentId, 'Segment', 'input.segmentId');
    const daily = await this.services.experimentPlans.dailyEntrants(segmentId, input.trafficShare);

    return planSampleSize(
      {
        ...input,
        baselineRate: input.baselineRate ?? null,
        sd: input.sd ?? null,
        baselineMean: input.baselineMean ?? null,
      },
      daily,
    );
  }
}
