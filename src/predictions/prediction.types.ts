import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum PredictionKindValue {
  CHURN = 'CHURN',
  PROPENSITY = 'PROPENSITY',
  CLV = 'CLV',
}
registerEnumType(PredictionKindValue, {
  name: 'PredictionKind',
  description: 'What a model predicts for each customer.',
  valuesConfig: {
    CHURN: {
      description:
        'Probability that an active buyer makes no purchase in the next horizon (or a customer attribute label).',
    },
    PROPENSITY: { description: 'Probability of at least one purchase in the next horizon.' },
    CLV: {
      description: 'Expected discounted value over the next 12 months (BG/NBD + Gamma-Gamma).',
    },
  },
});

export enum ModelAlgorithmValue {
  LOGISTIC_REGRESSION = 'LOGISTIC_REGRESSION',
  BOOSTED_TREES = 'BOOSTED_TREES',
  BG_NBD_GAMMA_GAMMA = 'BG_NBD_GAMMA_GAMMA',
}
registerEnumType(ModelAlgorithmValue, {
  name: 'ModelAlgorithm',
  description: 'How a model is fitted.',
  valuesConfig: {
    LOGISTIC_REGRESSION: { description: 'L2-penalised logistic regression fitted by IRLS.' },
    BOOSTED_TREES: { description: 'Gradient-boosted trees on histogram bins with early stopping.' },
    BG_NBD_GAMMA_GAMMA: { description: 'BG/NBD purchases × Gamma-Gamma spend (CLV only).' },
  },
});

export enum ModelStatusValue {
  TRAINING = 'TRAINING',
  CANDIDATE = 'CANDIDATE',
  ACTIVE = 'ACTIVE',
  RETIRED = 'RETIRED',
  FAILED = 'FAILED',
}
registerEnumType(ModelStatusValue, {
  name: 'ModelStatus',
  description: "A model version's place in its life.",
  valuesConfig: {
    TRAINING: { description: 'Training now; see progress and stage.' },
    CANDIDATE: { description: 'Trained and evaluated; may be promoted.' },
    ACTIVE: { description: 'Scores customers; one per kind.' },
    RETIRED: { description: 'Was active, replaced; may be promoted again to roll back.' },
    FAILED: { description: 'Training failed; see error.' },
  },
});

@ObjectType({ description: 'A feature’s push on one prediction.' })
export class FeatureContribution {
  @Field({ description: 'The encoded feature column.' })
  feature!: string;

  @Field(() => Float, {
    nullable: true,
    description: 'Its value for this customer (raw where numeric).',
  })
  value!: number | null;

  @Field(() => Float, {
    description: 'Its contribution to the log-odds (positive raises the probability).',
  })
  contribution!: number;
}

@ObjectType({ description: "A customer's latest prediction of one kind." })
export class Prediction {
  modelVersionId!: number;

  @Field(() => PredictionKindValue, { description: 'What is predicted.' })
  kind!: PredictionKindValue;

  @Field(() => Float, { description: 'Probability (CHURN, PROPENSITY) or 12-month value (CLV).' })
  score!: number;

  @Field(() => Int, { description: 'Decile among scored customers: 10 = highest scores.' })
  decile!: number;

  @Field({ description: 'When it was scored.' })
  scoredAt!: Date;

  @Field(() => [FeatureContribution], {
    description: 'Top features behind the score (empty for CLV).',
  })
  contributions!: FeatureContribution[];
}

@ObjectType({ description: 'Scores in one decile.' })
export class DecileSummary {
  @Field(() => Int, { description: '1 to 10.' })
  decile!: number;

  @Field(() => Int, { description: 'Customers.' })
  count!: number;

  @Field(() => Float, { description: 'Lowest score.' })
  minScore!: number;

  @Field(() => Float, { description: 'Highest score.' })
  maxScore!: number;

  @Field(() => Float, { description: 'Mean score.' })
  meanScore!: number;
}

@ObjectType({ description: 'Customers whose score is in [lower, upper).' })
export class ScoreBin {
  @Field(() => Float, { description: 'Lower edge.' })
  lower!: number;

  @Field(() => Float, { description: 'Upper edge (the last bin includes it).' })
  upper!: number;

  @Field(() => Int, { description: 'Customers.' })
  count!: number;
}

@ObjectType({ description: 'How the current predictions of one kind are spread.' })
export class PredictionDistribution {
  @Field(() => PredictionKindValue, { description: 'The kind.' })
  kind!: PredictionKindValue;

  @Field(() => Int, { description: 'Customers with a prediction.' })
  count!: number;

  @Field(() => Float, { nullable: true, description: 'Mean score.' })
  mean!: number | null;

  @Field(() => [DecileSummary], { description: 'Per decile.' })
  deciles!: DecileSummary[];

  @Field(() => [ScoreBin], { description: 'Equal-width histogram (0–1 for probabilities).' })
  histogram!: ScoreBin[];
}
