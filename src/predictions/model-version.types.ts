import { ArrayMaxSize, IsOptional } from 'class-validator';
import { Field, Float, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionType } from '../graphql/connection';
import { Node } from '../graphql/node';
import { ModelAlgorithmValue, ModelStatusValue, PredictionKindValue } from './prediction.types';

export enum AttributeFeatureKind {
  NUMERIC = 'NUMERIC',
  CATEGORICAL = 'CATEGORICAL',
}
registerEnumType(AttributeFeatureKind, {
  name: 'AttributeFeatureKind',
  description: 'How a custom attribute enters a model.',
  valuesConfig: {
    NUMERIC: { description: 'A number, standardised; missing values imputed with a flag.' },
    CATEGORICAL: { description: 'One-hot levels; rare and unseen levels grouped as OTHER.' },
  },
});

@ObjectType({ description: 'A custom attribute used as a feature.' })
export class AttributeFeature {
  @Field({ description: 'Dotted path in the customer attributes.' })
  path!: string;

  @Field(() => AttributeFeatureKind, { description: 'How it is encoded.' })
  kind!: AttributeFeatureKind;
}

@InputType({ description: 'A custom attribute to use as a feature.' })
export class AttributeFeatureInput {
  @Field({ description: 'Dotted path in the customer attributes, e.g. `plan`.' })
  path!: string;

  @Field(() => AttributeFeatureKind, { description: 'How it is encoded.' })
  kind!: AttributeFeatureKind;
}

@InputType({ description: 'What to train; everything but kind and algorithm has a default.' })
export class TrainModelInput {
  @Field(() => PredictionKindValue, { description: 'What the model predicts.' })
  kind!: PredictionKindValue;

  @Field(() => ModelAlgorithmValue, { description: 'How it is fitted.' })
  algorithm!: ModelAlgorithmValue;

  @Field(() => Int, {
    nullable: true,
    description:
      'Days ahead the label looks (CHURN 90, PROPENSITY 30; CLV: the held-out days, 90).',
  })
  horizonDays?: number;

  @Field(() => Int, { nullable: true, description: 'Past snapshots to train on (3).' })
  snapshots?: number;

  @Field(() => Int, { nullable: true, description: 'Days between snapshots (the horizon).' })
  snapshotStepDays?: number;

  @Field(() => Int, {
    nullable: true,
    description:
      'CHURN: a purchase in this many days before a snapshot makes a customer active (365).',
  })
  activeDays?: number;

  @Field({
    nullable: true,
    description:
      'CHURN only: a boolean customer attribute that records churn; trains on it with k-fold CV.',
  })
  labelAttribute?: string;

  @Field(() => [AttributeFeatureInput], {
    nullable: true,
    description: 'Custom attributes to use.',
  })
  @IsOptional()
  @ArrayMaxSize(20)
  attributes?: AttributeFeatureInput[];

  @Field(() => [String], {
    nullable: true,
    description: 'Interaction types counted one by one (the 5 most frequent by default).',
  })
  @IsOptional()
  @ArrayMaxSize(20)
  interactionTypes?: string[];

  @Field(() => Int, { nullable: true, description: 'Cross-validation folds (5).' })
  folds?: number;

  @Field(() => Float, { nullable: true, description: 'L2 penalty (1).' })
  l2?: number;

  @Field(() => Int, { nullable: true, description: 'Boosted trees: most trees (300).' })
  trees?: number;

  @Field(() => Int, { nullable: true, description: 'Boosted trees: depth (3).' })
  maxDepth?: number;

  @Field(() => Float, { nullable: true, description: 'Boosted trees: learning rate (0.1).' })
  learningRate?: number;

  @Field(() => Int, { nullable: true, description: 'Boosted trees: fewest rows per leaf (20).' })
  minLeaf?: number;

  @Field(() => Int, { nullable: true, description: 'Seed of splits and folds (1).' })
  seed?: number;
}

@ObjectType({ description: 'The training settings a version used, defaults filled in.' })
export class TrainingSettings {
  @Field(() => Int, { description: 'Days ahead the label looks.' })
  horizonDays!: number;

  @Field(() => Int, { description: 'Past snapshots trained on.' })
  snapshots!: number;

  @Field(() => Int, { description: 'Days between snapshots.' })
  snapshotStepDays!: number;

  @Field(() => Int, { description: 'CHURN: days of the activity window.' })
  activeDays!: number;

  @Field(() => String, { nullable: true, description: 'The label attribute, if any.' })
  labelAttribute!: string | null;

  @Field(() => [AttributeFeature], { description: 'Custom attributes used.' })
  attributes!: AttributeFeature[];

  @Field(() => [String], {
    nullable: true,
    description: 'Chosen interaction types; null = most frequent.',
  })
  interactionTypes!: string[] | null;

  @Field(() => Int, { description: 'Cross-validation folds.' })
  folds!: number;

  @Field(() => Float, { description: 'L2 penalty.' })
  l2!: number;

  @Field(() => Int, { description: 'Most trees.' })
  trees!: number;

  @Field(() => Int, { description: 'Tree depth.' })
  maxDepth!: number;

  @Field(() => Float, { description: 'Learning rate.' })
  learningRate!: number;

  @Field(() => Int, { description: 'Fewest rows per leaf.' })
  minLeaf!: number;

  @Field(() => Int, { description: 'Seed.' })
  seed!: number;
}

@ObjectType({ description: 'One tenth of customers by predicted probability.' })
export class CalibrationBin {
  @Field(() => Int, { description: '1 (lowest scores) to 10.' })
  bin!: number;

  @Field(() => Int, { description: 'Customers in the bin.' })
  count!: number;

  @Field(() => Float, { description: 'Mean predicted probability.' })
  meanPredicted!: number;

  @Field(() => Float, { description: 'Share that had the outcome.' })
  observedRate!: number;

  @Field(() => Float, { description: 'Lowest score in the bin.' })
  lowerScore!: number;

  @Field(() => Float, { description: 'Highest score in the bin.' })
  upperScore!: number;
}

@ObjectType({ description: 'How well a probability model did on one evaluation set.' })
export class BinaryModelMetrics {
  @Field(() => Int, { description: 'Customers evaluated.' })
  count!: number;

  @Field(() => Float, { description: 'Share with the outcome.' })
  positiveRate!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'ROC AUC: chance a positive outranks a negative (0.5 = random).',
  })
  auc!: number | null;

  @Field(() => Float, { nullable: true, description: 'PR AUC (average precision).' })
  averagePrecision!: number | null;

  @Field(() => Float, { description: 'Mean log loss (lower is better).' })
  logLoss!: number;

  @Field(() => Float, { description: 'Brier score: mean squared error of probabilities.' })
  brier!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Brier skill score against the base rate (1 = perfect, 0 = no skill).',
  })
  brierSkill!: number | null;

  @Field(() => Float, { description: 'Expected calibration error over the deciles.' })
  ece!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Outcome rate in the top decile over the overall rate.',
  })
  topDecileLift!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Share of all outcomes caught by the top decile.',
  })
  topDecileGain!: number | null;

  @Field(() => [CalibrationBin], { description: 'Predicted against observed, by decile.' })
  calibration!: CalibrationBin[];
}

@ObjectType({ description: 'BG/NBD expected against actual purchases, by repeat purchases.' })
export class ClvFrequencyCheck {
  @Field({ description: 'Repeat purchases in calibration: 0 … 6, or 7+.' })
  repeatPurchases!: string;

  @Field(() => Int, { description: 'Customers in the group.' })
  customers!: number;

  @Field(() => Float, { description: 'Mean purchases expected in the held-out horizon.' })
  expected!: number;

  @Field(() => Float, { description: 'Mean purchases made in it.' })
  actual!: number;
}

@ObjectType({ description: 'BG/NBD parameters (Fader, Hardie & Lee 2005).' })
export class BgNbdParameters {
  @Field(() => Float, { description: 'Shape of the purchase-rate gamma.' })
  r!: number;

  @Field(() => Float, { description: 'Scale of the purchase-rate gamma (weeks).' })
  alpha!: number;

  @Field(() => Float, { description: 'Dropout beta a.' })
  a!: number;

  @Field(() => Float, { description: 'Dropout beta b.' })
  b!: number;
}

@ObjectType({ description: 'Gamma-Gamma spend parameters.' })
export class GammaGammaParameters {
  @Field(() => Float, { description: 'Shape p.' })
  p!: number;

  @Field(() => Float, { description: 'Shape q.' })
  q!: number;

  @Field(() => Float, { description: 'Scale v.' })
  v!: number;
}

@ObjectType({ description: 'How a CLV model did on the held-out horizon, and its fit.' })
export class ClvEvaluation {
  @Field(() => Int, { description: 'Customers with a purchase before the held-out horizon.' })
  customers!: number;

  @Field(() => Float, { description: 'Mean absolute error of expected purchases per customer.' })
  meanAbsoluteError!: number;

  @Field(() => Float, { description: 'Purchases expected in the horizon, all customers.' })
  expectedPurchases!: number;

  @Field(() => Float, { description: 'Purchases made in it.' })
  actualPurchases!: number;

  @Field(() => Float, { nullable: true, description: '(expected − actual) / actual.' })
  totalError!: number | null;

  @Field(() => Float, {
    description: 'Mean P(alive) at the calibration end (not a churn probability).',
  })
  meanProbabilityAlive!: number;

  @Field(() => [ClvFrequencyCheck], { description: 'Expected against actual by repeat purchases.' })
  byFrequency!: ClvFrequencyCheck[];

  @Field(() => BgNbdParameters, {
    description: 'BG/NBD fitted on all history (the one that scores).',
  })
  bgNbd!: BgNbdParameters;

  @Field(() => GammaGammaParameters, { description: 'Gamma-Gamma fitted on the repeat buyers.' })
  gammaGamma!: GammaGammaParameters;

  @Field(() => Float, { description: 'BG/NBD log-likelihood.' })
  logLikelihood!: number;
}

@ObjectType({ description: 'One bin of the training reference: scores up to its upper edge.' })
export class ReferenceBin {
  @Field(() => Float, {
    nullable: true,
    description: 'Upper edge (inclusive); null for the last bin.',
  })
  upperEdge!: number | null;

  @Field(() => Float, { description: 'Share of the reference population in the bin.' })
  share!: number;
}

@ObjectType({ description: 'One feature’s population stability index.' })
export class FeatureDrift {
  @Field({ description: 'The feature.' })
  feature!: string;

  @Field(() => Float, { description: 'PSI against the training baseline (> 0.25 = large shift).' })
  psi!: number;
}

@ObjectType({ description: 'One scoring pass over every customer.' })
export class ScoringRun {
  @Field({ description: 'When it started.' })
  startedAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When it finished; null while running.' })
  finishedAt!: Date | null;

  @Field(() => Int, { description: 'Customers scored.' })
  scored!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'PSI of the scores against the training baseline.',
  })
  scorePsi!: number | null;

  @Field(() => Float, { nullable: true, description: 'The largest feature PSI.' })
  maxFeaturePsi!: number | null;

  @Field(() => [FeatureDrift], { description: 'Every feature’s PSI, largest first.' })
  featureDrift!: FeatureDrift[];

  @Field({ description: 'Whether a PSI is above PULSE_DRIFT_PSI_THRESHOLD.' })
  drifted!: boolean;
}

@ObjectType({
  implements: Node,
  description: 'One trained (or training) model: settings, evaluation, status.',
})
export class ModelVersion extends Node {
  dbId!: number;

  @Field(() => PredictionKindValue, { description: 'What it predicts.' })
  kind!: PredictionKindValue;

  @Field(() => Int, { description: 'Version number within the kind: 1, 2, 3…' })
  number!: number;

  @Field(() => ModelAlgorithmValue, { description: 'How it was fitted.' })
  algorithm!: ModelAlgorithmValue;

  @Field(() => ModelStatusValue, { description: 'Where it is in its life.' })
  status!: ModelStatusValue;

  @Field(() => Float, { description: 'Training progress, 0 to 1.' })
  progress!: number;

  @Field(() => String, { nullable: true, description: 'What training is doing, or did last.' })
  stage!: string | null;

  @Field(() => String, { nullable: true, description: 'Why training failed.' })
  error!: string | null;

  @Field(() => TrainingSettings, { description: 'The settings used.' })
  settings!: TrainingSettings;

  @Field(() => [String], { description: 'Encoded feature columns, in model order.' })
  features!: string[];

  @Field(() => String, { nullable: true, description: 'Hash of the feature layout.' })
  featureHash!: string | null;

  @Field(() => Date, {
    nullable: true,
    description: 'First training snapshot (CLV: calibration end).',
  })
  trainingFrom!: Date | null;

  @Field(() => Date, {
    nullable: true,
    description: 'Last training snapshot (CLV: end of history).',
  })
  trainingTo!: Date | null;

  @Field(() => Date, { nullable: true, description: 'The out-of-time snapshot evaluated on.' })
  outOfTimeSnapshot!: Date | null;

  @Field(() => Int, { nullable: true, description: 'Training rows (customer × snapshot).' })
  sampleSize!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Share of training rows with the outcome (CLV: repeat buyers).',
  })
  positiveRate!: number | null;

  @Field(() => BinaryModelMetrics, {
    nullable: true,
    description: 'Cross-validated (in-time) metrics.',
  })
  inTimeMetrics!: BinaryModelMetrics | null;

  @Field(() => BinaryModelMetrics, {
    nullable: true,
    description: 'Out-of-time metrics on the latest labelled snapshot.',
  })
  outOfTimeMetrics!: BinaryModelMetrics | null;

  @Field(() => ClvEvaluation, {
    nullable: true,
    description: 'CLV: held-out check and fitted parameters.',
  })
  clvEvaluation!: ClvEvaluation | null;

  @Field(() => [ReferenceBin], {
    description:
      'Score distribution of the out-of-time population (the drift baseline), by decile.',
  })
  referenceScores!: ReferenceBin[];

  @Field(() => String, { nullable: true, description: 'Who asked for the training.' })
  createdBy!: string | null;

  @Field({ description: 'When training was asked for.' })
  createdAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When training ended.' })
  finishedAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'Who promoted it.' })
  promotedBy!: string | null;

  @Field(() => Date, { nullable: true, description: 'When it was promoted.' })
  promotedAt!: Date | null;

  @Field(() => String, {
    nullable: true,
    description: 'Why: the rule’s figures, or the reason given with force.',
  })
  promotionReason!: string | null;

  @Field(() => Date, { nullable: true, description: 'When it was retired.' })
  retiredAt!: Date | null;
}

@ObjectType({ description: 'A page of model versions.' })
export class ModelVersionConnection extends ConnectionType(ModelVersion) {}

@ObjectType({ description: 'The result of trainModel: the new version, TRAINING.' })
export class TrainModelPayload {
  @Field(() => ModelVersion, { description: 'Poll it (or `modelVersion(id)`) for progress.' })
  modelVersion!: ModelVersion;
}

@ObjectType({ description: 'The result of promoteModel.' })
export class PromoteModelPayload {
  @Field(() => ModelVersion, { description: 'The version, now ACTIVE.' })
  modelVersion!: ModelVersion;
}
