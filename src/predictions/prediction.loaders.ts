import { groupLoader, type LoaderOptions, rowLoader } from '../db/loaders';
import type { ModelRegistryService } from './model-registry.service';
import type { PredictionService } from './prediction.service';

export function createPredictionLoaders(
  registry: ModelRegistryService,
  predictions: PredictionService,
  options: LoaderOptions,
) {
  return {
    predictionsByCustomerId: groupLoader(
      (ids) => predictions.predictionsOf(ids),
      (row) => row.customerId,
      options,
    ),
    modelVersionById: rowLoader(
      (ids) => registry.byIds(ids),
      (row) => row.id,
      options,
    ),
    latestScoringRunByModelVersionId: rowLoader(
      (ids) => predictions.latestRunsOf(ids),
      (row) => row.modelVersionId,
      options,
    ),
  };
}
