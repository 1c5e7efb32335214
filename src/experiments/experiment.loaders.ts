import { groupLoader, type LoaderOptions, rowLoader } from '../db/loaders';
import type { ExperimentEntity } from './experiment.entity';
import type { ExperimentService } from './experiment.service';

export function createExperimentLoaders(experiments: ExperimentService, options: LoaderOptions) {
  return {
    experimentById: rowLoader<ExperimentEntity>(
      (ids) => experiments.byIds(ids),
      (row) => row.id,
      options,
    ),
    variantsByExperimentId: groupLoader(
      (ids) => experiments.variantsOf(ids),
      (row) => row.experimentId,
      options,
    ),
    metricsByExperimentId: groupLoader(
      (ids) => experiments.metricsOf(ids),
      (row) => row.experimentId,
      options,
    ),
    exposedCountsByExperimentId: groupLoader(
      (ids) => experiments.exposedCounts(ids),
      (row) => row.experimentId,
      options,
    ),
  };
}
