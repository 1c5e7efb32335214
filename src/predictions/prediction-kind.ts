/** What a model predicts for each customer. */
export type PredictionKind = 'CHURN' | 'PROPENSITY' | 'CLV';

/** How a model is fitted; CLV has its own probabilistic model. */
export type ModelAlgorithm = 'LOGISTIC_REGRESSION' | 'BOOSTED_TREES' | 'BG_NBD_GAMMA_GAMMA';

/** A model version's place in its life: trained, compared, used, replaced. */
export type ModelStatus = 'TRAINING' | 'CANDIDATE' | 'ACTIVE' | 'RETIRED' | 'FAILED';

export const PREDICTION_KINDS: readonly PredictionKind[] = ['CHURN', 'PROPENSITY', 'CLV'];

/** The algorithms each kind may be trained with. */
export const ALGORITHMS_BY_KIND: Readonly<Record<PredictionKind, readonly ModelAlgorithm[]>> = {
  CHURN: ['LOGISTIC_REGRESSION', 'BOOSTED_TREES'],
  PROPENSITY: ['LOGISTIC_REGRESSION', 'BOOSTED_TREES'],
  CLV: ['BG_NBD_GAMMA_GAMMA'],
};
