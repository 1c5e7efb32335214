import type { DriftReference } from './drift';

/** Reports training progress (share done 0–1, and the stage) to whoever watches the run. */
export type TrainingReport = (share: number, stage: string) => Promise<void>;

/** What a finished training run records on its model version. */
export interface TrainedModel {
  features: string[];
  featureHash: string;
  trainingFrom: Date;
  trainingTo: Date;
  sampleSize: number;
  positiveRate: number;
  metrics: Record<string, unknown>;
  reference: DriftReference;
  model: object;
}
