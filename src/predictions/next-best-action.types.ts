import { Field, Float, ObjectType, registerEnumType } from 'type-graphql';
import { Customer } from '../customers/customer.types';
import { ConnectionType } from '../graphql/connection';
import { Action } from './action.types';

export enum NextBestActionReason {
  RECOMMENDED = 'RECOMMENDED',
  HOLDOUT = 'HOLDOUT',
  NO_PREDICTION = 'NO_PREDICTION',
  NOT_ELIGIBLE = 'NOT_ELIGIBLE',
  NO_CONSENT = 'NO_CONSENT',
  CONTACT_CAP_REACHED = 'CONTACT_CAP_REACHED',
  NO_POSITIVE_GAIN = 'NO_POSITIVE_GAIN',
  OVER_BUDGET = 'OVER_BUDGET',
}
registerEnumType(NextBestActionReason, {
  name: 'NextBestActionReason',
  description: 'Why a customer gets, or does not get, an action.',
  valuesConfig: {
    RECOMMENDED: { description: 'Every check passed and the gain is positive: recommended.' },
    HOLDOUT: {
      description:
        'Would be recommended, but the customer is in the measurement holdout (PULSE_NBA_HOLDOUT_SHARE).',
    },
    NO_PREDICTION: {
      description: "The customer lacks the action's probability (CHURN or PROPENSITY) or a CLV.",
    },
    NOT_ELIGIBLE: {
      description: "Not a member of the action's segment (or no active action exists).",
    },
    NO_CONSENT: { description: "No GRANTED marketing consent on the action's channel." },
    CONTACT_CAP_REACHED: {
      description: "As many contacts on the channel in the window as the action's cap allows.",
    },
    NO_POSITIVE_GAIN: { description: 'The expected gain is zero or negative.' },
    OVER_BUDGET: { description: 'Recommended, but past the point where the budget ran out.' },
  },
});

@ObjectType({ description: 'One active action evaluated for one customer.' })
export class NextBestActionOption {
  @Field(() => Action, { description: 'The action.' })
  action!: Action;

  @Field(() => Float, {
    nullable: true,
    description: 'Expected gain: uplift × value − incentive × P(accept) − contact cost.',
  })
  gain!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Expected cost: contact cost + incentive × P(accept).',
  })
  expectedCost!: number | null;

  @Field(() => [NextBestActionReason], {
    description:
      'Why it is not recommended; RECOMMENDED or HOLDOUT for the chosen one; empty for one that passes but is outranked by a higher gain.',
  })
  reasons!: NextBestActionReason[];
}

@ObjectType({
  description:
    "A customer's next best action. The figures are those of the recommended action or, when none is, of the best evaluated one (the first alternative); null without predictions or actions.",
})
export class NextBestAction {
  @Field(() => Action, {
    nullable: true,
    description:
      'The recommended action; null when none has a positive gain and passes every check.',
  })
  action!: Action | null;

  @Field(() => Float, { nullable: true, description: 'Expected gain of the action.' })
  gain!: number | null;

  @Field(() => Float, { nullable: true, description: 'Expected cost of the action.' })
  expectedCost!: number | null;

  @Field(() => Float, {
    nullable: true,
    description:
      'The probability the action acts on: P(churn) for RETAIN, propensity for PURCHASE.',
  })
  baseProbability!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Δ: the change in retention (RETAIN) or purchase (PURCHASE) probability.',
  })
  uplift!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Probability that the customer takes the incentive.',
  })
  acceptProbability!: number | null;

  @Field(() => Float, { nullable: true, description: "The customer's CLV prediction (12 months)." })
  value!: number | null;

  @Field(() => [NextBestActionReason], {
    description:
      'RECOMMENDED, HOLDOUT, or every reason that kept an action from being recommended.',
  })
  reasons!: NextBestActionReason[];

  @Field(() => [NextBestActionOption], {
    description: 'Every active action evaluated for this customer, best first.',
  })
  alternatives!: NextBestActionOption[];
}

@ObjectType({ description: 'A customer on the recommendation list, with the running cost.' })
export class NextBestActionRecommendation {
  @Field(() => Customer, { description: 'The customer (personal data masked for partners).' })
  customer!: Customer;

  @Field(() => Action, { description: 'The recommended action.' })
  action!: Action;

  @Field(() => Float, { description: 'Expected gain of the action for this customer.' })
  gain!: number;

  @Field(() => Float, { description: 'Expected cost of the action for this customer.' })
  expectedCost!: number;

  @Field(() => Float, {
    description: 'Sum of expected costs of the list up to and including this customer.',
  })
  cumulativeCost!: number;

  @Field(() => [NextBestActionReason], {
    description: 'RECOMMENDED, or OVER_BUDGET past the budget (includeOverBudget).',
  })
  reasons!: NextBestActionReason[];
}

@ObjectType({
  description: 'Recommended customers by gain per expected cost, as far as the budget goes.',
})
export class NextBestActionConnection extends ConnectionType(NextBestActionRecommendation) {
  @Field(() => Float, { description: 'Total expected cost of the customers within the budget.' })
  budgetUsed!: number;
}
