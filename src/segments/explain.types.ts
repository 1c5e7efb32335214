import { GraphQLJSON } from 'graphql-scalars';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { ExplainNode } from './explain';

export enum RuleNodeKind {
  ALL = 'ALL',
  ANY = 'ANY',
  NOT = 'NOT',
  PROFILE = 'PROFILE',
  BEHAVIOUR = 'BEHAVIOUR',
  VALUE = 'VALUE',
  MEMBERSHIP = 'MEMBERSHIP',
  RFM = 'RFM',
  LIFECYCLE = 'LIFECYCLE',
  PREDICTION = 'PREDICTION',
}
registerEnumType(RuleNodeKind, {
  name: 'RuleNodeKind',
  description: 'What a node of a segment rule is.',
  valuesConfig: {
    ALL: { description: 'Group: every child holds.' },
    ANY: { description: 'Group: at least one child holds.' },
    NOT: { description: 'Group: its one child does not hold.' },
    PROFILE: { description: 'Profile condition.' },
    BEHAVIOUR: { description: 'Behaviour condition.' },
    VALUE: { description: 'Value condition.' },
    MEMBERSHIP: { description: 'Membership in another segment.' },
    RFM: { description: 'RFM group or scores.' },
    LIFECYCLE: { description: 'Lifecycle stage.' },
    PREDICTION: { description: 'Prediction score or decile.' },
  },
});

@ObjectType({ description: 'One node of a rule, evaluated for one customer.' })
export class ConditionExplanation {
  @Field({ description: 'Path of the node in the rule, e.g. `definition.all[1].any[0]`.' })
  path!: string;

  @Field(() => Int, { description: 'Nesting depth (the root is 0).' })
  depth!: number;

  @Field(() => RuleNodeKind, { description: 'Group or condition kind.' })
  kind!: RuleNodeKind;

  @Field({ description: 'The node in words.' })
  description!: string;

  @Field({ description: 'Whether the node holds for the customer.' })
  holds!: boolean;

  @Field(() => GraphQLJSON, {
    nullable: true,
    description:
      'Conditions: the value seen (attribute value, age, interaction count or time, spend, days, RFM scores, stage, prediction score and decile); null when absent and for groups.',
  })
  valueSeen!: unknown;
}

@ObjectType({ description: 'Why a customer does or does not match a segment rule.' })
export class MembershipExplanation {
  @Field({ description: 'Whether the whole rule holds at `evaluatedAt`.' })
  holds!: boolean;

  @Field({ description: 'The instant the rule was evaluated at (relative windows end there).' })
  evaluatedAt!: Date;

  @Field(() => [ConditionExplanation], {
    description: 'Every node of the rule, parents before their children (depth-first).',
  })
  conditions!: ConditionExplanation[];
}

/** The GraphQL view of an explanation tree. */
export function toMembershipExplanation(
  root: ExplainNode,
  evaluatedAt: Date,
  /** Whether the viewer sees personal data masked (a PARTNER). */
  masked: boolean,
): MembershipExplanation {
  const conditions: ConditionExplanation[] = [];
  const visit = (node: ExplainNode, depth: number): void => {
    const { children, mask, valueSeen, ...fields } = node;
    const seen = masked && mask && valueSeen !== null ? mask(valueSeen) : valueSeen;
    conditions.push(
      Object.assign(new ConditionExplanation(), {
        ...fields,
        valueSeen: seen,
        depth,
      }) as ConditionExplanation,
    );
    children.forEach((child) => visit(child, depth + 1));
  };
  visit(root, 0);

  return Object.assign(new MembershipExplanation(), { holds: root.holds, evaluatedAt, conditions });
}
