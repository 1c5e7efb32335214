import { ArrayNotEmpty, IsOptional } from 'class-validator';
import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Customer } from '../customers/customer.types';
import { ConnectionType } from '../graphql/connection';
import { DuplicateRule, RULE_CONFIDENCE } from './duplicate-rules';

registerEnumType(DuplicateRule, {
  name: 'DuplicateRule',
  description: 'Why two customer records may be one person.',
  valuesConfig: {
    EMAIL: {
      description: `The same email, ignoring case and surrounding spaces (confidence ${RULE_CONFIDENCE.EMAIL}).`,
    },
    PHONE: { description: `The same phone number (confidence ${RULE_CONFIDENCE.PHONE}).` },
    NAME_AND_BIRTH_DATE: {
      description:
        'The same name, ignoring case and spaces, and the same birth date ' +
        `(confidence ${RULE_CONFIDENCE.NAME_AND_BIRTH_DATE}).`,
    },
    NAME_AND_CITY: {
      description:
        'The same name and the same city, both ignoring case and spaces around the city ' +
        `(confidence ${RULE_CONFIDENCE.NAME_AND_CITY}).`,
    },
  },
});

@ObjectType({
  description:
    'Two live customer records that may be one person, with the rules that matched. Personal ' +
    'fields of the customers are masked for roles that may not see them.',
})
export class DuplicateCandidate {
  @Field(() => ID, { description: 'Global id of the customer with the lower id.' })
  customerAId!: string;

  @Field(() => ID, { description: 'Global id of the other customer.' })
  customerBId!: string;

  @Field(() => [DuplicateRule], { description: 'Every rule that matched the pair.' })
  rules!: DuplicateRule[];

  @Field(() => Float, {
    description:
      "Likelihood (0–1) of one person, combining the matched rules' confidences as " +
      '1 − Π(1 − c).',
  })
  confidence!: number;

  dbA!: number;
  dbB!: number;
}

@ObjectType({ description: 'Candidate duplicate pairs, ordered by the lower customer id.' })
export class DuplicateCandidateConnection extends ConnectionType(DuplicateCandidate) {}

@InputType({ description: 'Customer records to merge into one.' })
export class MergeCustomersInput {
  @Field(() => ID, { description: 'Global id of the customer that remains.' })
  survivorId!: string;

  @Field(() => [ID], {
    description:
      'Global ids of the customers merged into the survivor and then deleted (1–50). Empty ' +
      'survivor fields are filled from them in this order.',
  })
  @ArrayNotEmpty()
  duplicateIds!: string[];

  @Field(() => Boolean, {
    nullable: true,
    description:
      'Merge even when the customers were in different variants of an experiment: the ' +
      'earliest exposure is kept and marked as mixed. Defaults to false (CONFLICT).',
  })
  @IsOptional()
  force?: boolean | null;
}

@ObjectType({ description: 'Rows a merge moved from the duplicates to the survivor.' })
export class MergeMovedCounts {
  @Field(() => Int, { description: 'Interactions moved.' })
  interactions!: number;

  @Field(() => Int, { description: 'Orders moved, with their lines.' })
  orders!: number;

  @Field(() => Int, {
    description: 'Segments the survivor joined because a duplicate was in them.',
  })
  segmentMemberships!: number;

  @Field(() => Int, { description: 'Segment membership history entries moved.' })
  segmentHistory!: number;

  @Field(() => Int, {
    description: "Experiments whose exposure the survivor now holds from a duplicate's record.",
  })
  experimentExposures!: number;

  @Field(() => Int, {
    description: 'Channels whose current consent was taken from a duplicate (it was more recent).',
  })
  consents!: number;

  @Field(() => Int, { description: 'Consent history entries moved.' })
  consentChanges!: number;

  @Field(() => Int, {
    description: 'Prediction kinds the survivor had no score for, taken from a duplicate.',
  })
  predictions!: number;
}

@ObjectType({ description: 'The result of a merge.' })
export class MergeCustomersPayload {
  @Field(() => Customer, { description: 'The survivor, after the merge.' })
  survivor!: Customer;

  @Field(() => [ID], {
    description: 'Global ids of the merged customers; they now lead to the survivor.',
  })
  mergedIds!: string[];

  @Field(() => MergeMovedCounts, { description: 'What moved to the survivor.' })
  moved!: MergeMovedCounts;

  @Field(() => [String], { description: 'Survivor fields that were empty and filled.' })
  filledFields!: string[];
}
