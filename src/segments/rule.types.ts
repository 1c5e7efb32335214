import { GraphQLJSON } from 'graphql-scalars';
import { Field, Float, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { fromGlobalId, toGlobalId } from '../graphql/global-id';
import { Channel } from '../interactions/channel';
import { PredictionKindValue } from '../predictions/prediction.types';
import { LifecycleStage } from './lifecycle-stage';
import './lifecycle.types';
import { RfmGroup } from './rfm-group';
import './rfm.types';
import { DEFINITION_VERSION, type RuleNode, type SegmentDefinition } from './rule-definition';

// The typed GraphQL input of a rule. It mirrors the stored tree (rule-tree.ts) field for field;
// values whose type depends on the field (string, number, boolean, date) are JSON and are
// checked by parseDefinition, which also reports every error with its path.

export enum RuleOperator {
  EQ = 'EQ',
  NEQ = 'NEQ',
  IN = 'IN',
  NOT_IN = 'NOT_IN',
  GT = 'GT',
  GTE = 'GTE',
  LT = 'LT',
  LTE = 'LTE',
  BETWEEN = 'BETWEEN',
  CONTAINS = 'CONTAINS',
  STARTS_WITH = 'STARTS_WITH',
  IS_SET = 'IS_SET',
  IS_NOT_SET = 'IS_NOT_SET',
}
registerEnumType(RuleOperator, {
  name: 'RuleOperator',
  description:
    'How a value is compared. An absent value (null, missing attribute, no orders) makes every operator false except IS_NOT_SET.',
  valuesConfig: {
    EQ: { description: 'Equal to `value` (strings ignore case).' },
    NEQ: { description: 'Set and not equal to `value`.' },
    IN: { description: 'Equal to one of `values`.' },
    NOT_IN: { description: 'Set and equal to none of `values`.' },
    GT: { description: 'Greater than `value`.' },
    GTE: { description: 'Greater than or equal to `value`.' },
    LT: { description: 'Less than `value`.' },
    LTE: { description: 'Less than or equal to `value`.' },
    BETWEEN: { description: 'Between `values[0]` and `values[1]`, both included.' },
    CONTAINS: { description: 'Contains `value` (strings only, ignoring case).' },
    STARTS_WITH: { description: 'Starts with `value` (strings only, ignoring case).' },
    IS_SET: { description: 'Has a value (of the condition’s type).' },
    IS_NOT_SET: { description: 'Has no value (of the condition’s type).' },
  },
});

export enum ProfileField {
  COUNTRY = 'COUNTRY',
  CITY = 'CITY',
  GENDER = 'GENDER',
  AGE = 'AGE',
  SIGNED_UP_AT = 'SIGNED_UP_AT',
  CONSENT = 'CONSENT',
  ATTRIBUTE = 'ATTRIBUTE',
}
registerEnumType(ProfileField, {
  name: 'ProfileField',
  description: 'A profile field a rule can test.',
  valuesConfig: {
    COUNTRY: { description: 'Country code (string operators).' },
    CITY: { description: 'City (string operators).' },
    GENDER: { description: 'Gender: a `Gender` value (EQ, NEQ, IN, NOT_IN, IS_SET, IS_NOT_SET).' },
    AGE: { description: 'Age in whole years at refresh time, from the birth date (integers).' },
    SIGNED_UP_AT: {
      description: 'Sign-up time: ISO date or date-time values (GT, GTE, LT, LTE, BETWEEN).',
    },
    CONSENT: { description: 'Consent on `channel`: GRANTED or DENIED; unset when never given.' },
    ATTRIBUTE: { description: 'A custom attribute at `path`, read as `type`.' },
  },
});

export enum AttributeType {
  STRING = 'STRING',
  NUMBER = 'NUMBER',
  BOOLEAN = 'BOOLEAN',
  DATE = 'DATE',
}
registerEnumType(AttributeType, {
  name: 'AttributeType',
  description: 'How a custom attribute is read; a JSON value of another type counts as absent.',
  valuesConfig: {
    STRING: { description: 'A JSON string (string operators, ignoring case).' },
    NUMBER: { description: 'A JSON number.' },
    BOOLEAN: { description: 'JSON true or false (EQ, NEQ, IS_SET, IS_NOT_SET).' },
    DATE: { description: 'A JSON string starting with YYYY-MM-DD; values are YYYY-MM-DD.' },
  },
});

export enum BehaviourOccurrence {
  COUNT = 'COUNT',
  NONE = 'NONE',
  FIRST = 'FIRST',
  LAST = 'LAST',
}
registerEnumType(BehaviourOccurrence, {
  name: 'BehaviourOccurrence',
  description: 'What a behaviour condition asks about the matching interactions.',
  valuesConfig: {
    COUNT: { description: 'How many happened in `window` (`comparison`, `times`).' },
    NONE: { description: 'None happened in `window` ("did not do X in the last D days").' },
    FIRST: { description: 'The first one happened `relation` `at` / `daysAgo`.' },
    LAST: { description: 'The last one happened `relation` `at` / `daysAgo`.' },
  },
});

export enum CountComparison {
  AT_LEAST = 'AT_LEAST',
  AT_MOST = 'AT_MOST',
  EXACTLY = 'EXACTLY',
}
registerEnumType(CountComparison, {
  name: 'CountComparison',
  description: 'How an interaction count is compared with `times`.',
  valuesConfig: {
    AT_LEAST: { description: 'At least `times`.' },
    AT_MOST: { description: 'At most `times` (zero included).' },
    EXACTLY: { description: 'Exactly `times`.' },
  },
});

export enum TimeRelation {
  BEFORE = 'BEFORE',
  AFTER = 'AFTER',
}
registerEnumType(TimeRelation, {
  name: 'TimeRelation',
  description: 'Before or after an instant (strictly).',
  valuesConfig: {
    BEFORE: { description: 'Strictly before.' },
    AFTER: { description: 'Strictly after.' },
  },
});

export enum ValueMetric {
  ORDER_COUNT = 'ORDER_COUNT',
  TOTAL_SPENT = 'TOTAL_SPENT',
  AVERAGE_ORDER_VALUE = 'AVERAGE_ORDER_VALUE',
  DAYS_SINCE_LAST_ORDER = 'DAYS_SINCE_LAST_ORDER',
  DAYS_SINCE_LAST_INTERACTION = 'DAYS_SINCE_LAST_INTERACTION',
}
registerEnumType(ValueMetric, {
  name: 'ValueMetric',
  description: 'A figure computed from paid orders or interactions up to refresh time.',
  valuesConfig: {
    ORDER_COUNT: { description: 'Paid orders in the window (0 without any).' },
    TOTAL_SPENT: { description: 'Sum of paid order amounts in the window (0 without any).' },
    AVERAGE_ORDER_VALUE: {
      description: 'Average paid order amount in the window (absent without orders).',
    },
    DAYS_SINCE_LAST_ORDER: {
      description: 'Whole days since the last paid order (absent without one; no window).',
    },
    DAYS_SINCE_LAST_INTERACTION: {
      description: 'Whole days since the last interaction (absent without one; no window).',
    },
  },
});

@InputType({
  description:
    'A time window: either `lastDays` (now minus that many days up to now) or `from`/`to` (`to` excluded).',
})
export class RuleWindowInput {
  @Field(() => Int, { nullable: true, description: 'The last N days (1 to 3650).' })
  lastDays?: number;

  @Field(() => Date, { nullable: true, description: 'Start of the window (included).' })
  from?: Date;

  @Field(() => Date, { nullable: true, description: 'End of the window (excluded).' })
  to?: Date;
}

@InputType({ description: 'A profile condition: one field compared with an operator.' })
export class ProfileConditionInput {
  @Field(() => ProfileField, { description: 'The field tested.' })
  field!: ProfileField;

  @Field(() => RuleOperator, { description: 'The comparison; which apply depends on the field.' })
  operator!: RuleOperator;

  @Field(() => GraphQLJSON, {
    nullable: true,
    description: 'The operand of single-value operators, typed as the field is.',
  })
  value?: unknown;

  @Field(() => [GraphQLJSON], {
    nullable: true,
    description: 'IN / NOT_IN: the list; BETWEEN: `[low, high]`.',
  })
  values?: unknown[];

  @Field(() => String, {
    nullable: true,
    description: 'ATTRIBUTE: dotted path into the custom attributes, e.g. `loyalty.tier`.',
  })
  path?: string;

  @Field(() => AttributeType, { nullable: true, description: 'ATTRIBUTE: the value type.' })
  type?: AttributeType;

  @Field(() => Channel, { nullable: true, description: 'CONSENT: the channel.' })
  channel?: Channel;
}

@InputType({ description: 'An interaction property that must equal a value.' })
export class PropertyEqualsInput {
  @Field({ description: 'Dotted path into the interaction properties.' })
  path!: string;

  @Field(() => GraphQLJSON, {
    description: 'A string (ignoring case), number or boolean; other JSON types do not match.',
  })
  equals!: unknown;
}

@InputType({
  description:
    'A behaviour condition over the customer’s interactions that match `channel`, `type` and `property` (each optional).',
})
export class BehaviourConditionInput {
  @Field(() => Channel, { nullable: true, description: 'Only interactions on this channel.' })
  channel?: Channel;

  @Field(() => String, { nullable: true, description: 'Only interactions of this type.' })
  type?: string;

  @Field(() => PropertyEqualsInput, {
    nullable: true,
    description: 'Only interactions whose property equals a value.',
  })
  property?: PropertyEqualsInput;

  @Field(() => BehaviourOccurrence, { description: 'What is asked about them.' })
  occurrence!: BehaviourOccurrence;

  @Field(() => CountComparison, { nullable: true, description: 'COUNT: the comparison.' })
  comparison?: CountComparison;

  @Field(() => Int, { nullable: true, description: 'COUNT: the number of times.' })
  times?: number;

  @Field(() => RuleWindowInput, { nullable: true, description: 'COUNT and NONE: the window.' })
  window?: RuleWindowInput;

  @Field(() => TimeRelation, { nullable: true, description: 'FIRST and LAST: before or after.' })
  relation?: TimeRelation;

  @Field(() => Date, { nullable: true, description: 'FIRST and LAST: the instant.' })
  at?: Date;

  @Field(() => Int, {
    nullable: true,
    description: 'FIRST and LAST: the instant as days before refresh time (instead of `at`).',
  })
  daysAgo?: number;
}

@InputType({ description: 'A value condition over paid orders or interactions.' })
export class ValueConditionInput {
  @Field(() => ValueMetric, { description: 'The figure compared.' })
  metric!: ValueMetric;

  @Field(() => RuleOperator, {
    description: 'EQ, NEQ, GT, GTE, LT, LTE, BETWEEN, IS_SET or IS_NOT_SET.',
  })
  operator!: RuleOperator;

  @Field(() => Float, { nullable: true, description: 'The operand of single-value operators.' })
  value?: number;

  @Field(() => [Float], { nullable: true, description: 'BETWEEN: `[low, high]`.' })
  values?: number[];

  @Field(() => RuleWindowInput, {
    nullable: true,
    description: 'Orders counted (order metrics only); all paid orders up to now when omitted.',
  })
  window?: RuleWindowInput;
}

@InputType({ description: 'Membership in another segment, as of its last refresh.' })
export class MembershipConditionInput {
  @Field(() => ID, { description: 'The other segment.' })
  segmentId!: string;

  @Field({ description: 'True: must be a member; false: must not be.' })
  isMember!: boolean;
}

@InputType({
  description:
    'A range of whole-number scores, bounds included: RFM scores 1 to 5, prediction deciles 1 to 10.',
})
export class IntRangeInput {
  @Field(() => Int, { nullable: true, description: 'Lowest score.' })
  min?: number;

  @Field(() => Int, { nullable: true, description: 'Highest score.' })
  max?: number;
}

@InputType({ description: 'A range of numbers, bounds included; at least one bound is given.' })
export class FloatRangeInput {
  @Field(() => Float, { nullable: true, description: 'Lowest value.' })
  min?: number;

  @Field(() => Float, { nullable: true, description: 'Highest value.' })
  max?: number;
}

@InputType({
  description: 'RFM condition: every part given must hold; customers without scores never match.',
})
export class RfmConditionInput {
  @Field(() => [RfmGroup], { nullable: true, description: 'One of these groups.' })
  groups?: RfmGroup[];

  @Field(() => IntRangeInput, { nullable: true, description: 'Recency score range.' })
  r?: IntRangeInput;

  @Field(() => IntRangeInput, { nullable: true, description: 'Frequency score range.' })
  f?: IntRangeInput;

  @Field(() => IntRangeInput, { nullable: true, description: 'Monetary score range.' })
  m?: IntRangeInput;
}

@InputType({ description: 'Lifecycle condition: the customer’s current stage is one of these.' })
export class LifecycleConditionInput {
  @Field(() => [LifecycleStage], { description: 'The stages.' })
  stages!: LifecycleStage[];
}

@InputType({
  description:
    'Prediction condition on the customer’s latest prediction of `kind`: set exactly one of `score` and `decile`. Customers without a prediction of that kind never match.',
})
export class PredictionConditionInput {
  @Field(() => PredictionKindValue, { description: 'Which prediction.' })
  kind!: PredictionKindValue;

  @Field(() => FloatRangeInput, {
    nullable: true,
    description: 'Score range: a probability 0 to 1 for CHURN and PROPENSITY, money for CLV.',
  })
  score?: FloatRangeInput;

  @Field(() => IntRangeInput, {
    nullable: true,
    description: 'Decile range, 1 (lowest tenth of scores) to 10 (highest).',
  })
  decile?: IntRangeInput;
}

@InputType({
  description:
    'A node of a segment rule: set exactly one field. Groups (`all`, `any`, `not`) nest rules; the others are conditions.',
})
export class SegmentRuleInput {
  @Field(() => [SegmentRuleInput], { nullable: true, description: 'Every rule holds.' })
  all?: SegmentRuleInput[];

  @Field(() => [SegmentRuleInput], { nullable: true, description: 'At least one rule holds.' })
  any?: SegmentRuleInput[];

  @Field(() => SegmentRuleInput, { nullable: true, description: 'The rule does not hold.' })
  not?: SegmentRuleInput;

  @Field(() => ProfileConditionInput, { nullable: true, description: 'A profile condition.' })
  profile?: ProfileConditionInput;

  @Field(() => BehaviourConditionInput, { nullable: true, description: 'A behaviour condition.' })
  behaviour?: BehaviourConditionInput;

  @Field(() => ValueConditionInput, { nullable: true, description: 'A value condition.' })
  value?: ValueConditionInput;

  @Field(() => MembershipConditionInput, {
    nullable: true,
    description: 'Membership in another segment.',
  })
  membership?: MembershipConditionInput;

  @Field(() => RfmConditionInput, { nullable: true, description: 'RFM group or scores.' })
  rfm?: RfmConditionInput;

  @Field(() => LifecycleConditionInput, { nullable: true, description: 'Lifecycle stage.' })
  lifecycle?: LifecycleConditionInput;

  @Field(() => PredictionConditionInput, {
    nullable: true,
    description: 'Churn probability, propensity or CLV: score or decile.',
  })
  prediction?: PredictionConditionInput;
}

/**
 * The stored-definition shape of a rule input (`{ version, root }`), for parseDefinition:
 * nulls dropped, instants as ISO strings, segment global ids decoded (errors name `field`'s
 * path to the id). Everything else is left for parseDefinition to judge.
 */
export function toDefinitionInput(input: SegmentRuleInput, field = 'definition'): unknown {
  return { version: DEFINITION_VERSION, root: toNode(plain(input), field) };
}

/** A stored definition as clients see it: the same JSON with segment ids as global ids. */
export function definitionForClient(definition: SegmentDefinition): Record<string, unknown> {
  const visit = (node: RuleNode): unknown => {
    if ('all' in node) {
      return { all: node.all.map(visit) };
    }
    if ('any' in node) {
      return { any: node.any.map(visit) };
    }
    if ('not' in node) {
      return { not: visit(node.not) };
    }
    if ('membership' in node) {
      const { segmentId, isMember } = node.membership;

      return { membership: { segmentId: toGlobalId('Segment', segmentId), isMember } };
    }

    return node;
  };

  return { version: definition.version, root: visit(definition.root) };
}

function toNode(node: unknown, field: string): unknown {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) {
    return node;
  }
  const result: Record<string, unknown> = { ...node };
  for (const key of ['all', 'any'] as const) {
    const children = result[key];
    if (Array.isArray(children)) {
      result[key] = children.map((child, i) => toNode(child, `${field}.${key}[${i}]`));
    }
  }
  if (result.not !== undefined) {
    result.not = toNode(result.not, `${field}.not`);
  }
  const membership = result.membership as Record<string, unknown> | undefined;
  if (typeof membership?.segmentId === 'string') {
    const path = `${field}.membership.segmentId`;
    result.membership = {
      ...membership,
      segmentId: fromGlobalId(membership.segmentId, 'Segment', path),
    };
  }

  return result;
}

// Input class instances to plain JSON: nulls and undefined dropped (GraphQL sends explicit
// nulls for omitted fields in variables), Dates as ISO strings.
function plain(value: unknown): unknown {
  if (value instanceof Date) {
    return value.toISOString();
  }
  if (Array.isArray(value)) {
    return value.map(plain);
  }
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, item]) => item !== null && item !== undefined)
        .map(([key, item]) => [key, plain(item)]),
    );
  }

  return value;
}
