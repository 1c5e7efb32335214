import { toGlobalId } from '../graphql/global-id';
import type { FrequencyCheck } from './clv-training.service';
import type { DriftReference } from './drift';
import type { BinaryMetrics } from './metrics';
import type { ModelVersionEntity } from './model-version.entity';
import type { PredictionEntity } from './prediction.entity';
import {
  type ClvEvaluation,
  ModelVersion,
  type ReferenceBin,
  type ScoringRun,
  type TrainingSettings,
} from './model-version.types';
import {
  type ModelAlgorithmValue,
  type ModelStatusValue,
  type Prediction,
  type PredictionKindValue,
} from './prediction.types';
import type { ScoringRunEntity } from './scoring-run.entity';
import type { TrainingOptions } from './training-options';

interface StoredMetrics {
  inTime?: BinaryMetrics | null;
  outOfTime?: (BinaryMetrics & Record<string, unknown>) | null;
  outOfTimeSnapshot?: string | null;
  bgNbdLogLikelihood?: number;
}

function referenceBins(reference: DriftReference | null): ReferenceBin[] {
  if (!reference) {
    return [];
  }
  const { edges, shares } = reference.scores;

  return shares.map((share, index) => ({ upperEdge: edges[index] ?? null, share }));
}

/** The GraphQL view of a model version row. */
export function toModelVersion(row: ModelVersionEntity): ModelVersion {
  const metrics = (row.metrics ?? {}) as StoredMetrics;
  const options = row.options as unknown as TrainingOptions;
  const clv =
    row.kind === 'CLV' && metrics.outOfTime ? (metrics.outOfTime as Record<string, unknown>) : null;
  const model = (row.model ?? {}) as Record<string, unknown>;

  return Object.assign(new ModelVersion(), {
    id: toGlobalId('ModelVersion', row.id),
    dbId: row.id,
    kind: row.kind as PredictionKindValue,
    number: row.number,
    algorithm: row.algorithm as ModelAlgorithmValue,
    status: row.status as ModelStatusValue,
    progress: row.progress,
    stage: row.stage,
    error: row.error,
    settings: options as unknown as TrainingSettings,
    features: row.features ?? [],
    featureHash: row.featureHash,
    trainingFrom: row.trainingFrom,
    trainingTo: row.trainingTo,
    outOfTimeSnapshot: metrics.outOfTimeSnapshot ? new Date(metrics.outOfTimeSnapshot) : null,
    sampleSize: row.sampleSize,
    positiveRate: row.positiveRate,
    inTimeMetrics: row.kind === 'CLV' ? null : (metrics.inTime ?? null),
    outOfTimeMetrics: row.kind === 'CLV' ? null : ((metrics.outOfTime as BinaryMetrics) ?? null),
    clvEvaluation: clv
      ? ({
          ...(clv as unknown as ClvEvaluation),
          byFrequency: clv.byFrequency as FrequencyCheck[],
          bgNbd: model.bgNbd,
          gammaGamma: model.gammaGamma,
          logLikelihood: metrics.bgNbdLogLikelihood,
        } as ClvEvaluation)
      : null,
    referenceScores: referenceBins(row.reference as unknown as DriftReference | null),
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    finishedAt: row.finishedAt,
    promotedBy: row.promotedBy,
    promotedAt: row.promotedAt,
    promotionReason: row.promotionReason,
    retiredAt: row.retiredAt,
  });
}

/** A one-hot column of a categorical custom attribute: `attribute_<path>=<level>`. */
const ATTRIBUTE_LEVEL = /^(attribute_[^=]+=).+$/;

/**
 * The GraphQL view of a prediction row. `masked` (a partner's view) hides the level in the
 * name of a categorical attribute's column: a customer's contributions name their own level
 * (`attribute_plan=gold`), the text the partner sees masked in `attributes`.
 */
export function toPrediction(row: PredictionEntity, masked = false): Prediction {
  return {
    modelVersionId: row.modelVersionId,
    kind: row.kind as PredictionKindValue,
    score: row.score,
    decile: row.decile,
    scoredAt: row.scoredAt,
    contributions: (row.contributions ?? []).map(([feature, value, contribution]) => ({
      feature: masked ? feature.replace(ATTRIBUTE_LEVEL, '$1***') : feature,
      value,
      contribution,
    })),
  };
}

/** The GraphQL view of a scoring run, with drift judged against `threshold`. */
export function toScoringRun(row: ScoringRunEntity, threshold: number): ScoringRun {
  const featureDrift = Object.entries(row.featurePsi ?? {})
    .map(([feature, psi]) => ({ feature, psi }))
    .sort((a, b) => b.psi - a.psi);

  return {
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    scored: row.scored,
    scorePsi: row.scorePsi,
    maxFeaturePsi: row.maxFeaturePsi,
    featureDrift,
    drifted: Math.max(row.scorePsi ?? 0, row.maxFeaturePsi ?? 0) > threshold,
  };
}
