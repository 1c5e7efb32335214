import './lifecycle.types';
import './rfm.types';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsOptional,
  Length,
  Min,
  ValidateNested,
} from 'class-validator';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Customer } from '../customers/customer.types';
import { ConnectionType } from '../graphql/connection';
import { SortDirection } from '../graphql/enums';
import { Node } from '../graphql/node';
import { LifecycleStage } from './lifecycle-stage';
import { RfmGroup } from './rfm-group';
import { SegmentRuleInput } from './rule.types';

/** External ids one add/remove call takes at most. */
export const MAX_MEMBER_CHANGES = 10_000;

export enum SegmentKindValue {
  RULE = 'RULE',
  RFM = 'RFM',
  LIFECYCLE = 'LIFECYCLE',
  STATIC = 'STATIC',
}
registerEnumType(SegmentKindValue, {
  name: 'SegmentKind',
  description: 'What decides who is in a segment.',
  valuesConfig: {
    RULE: { description: 'A rule over profile, behaviour, value, membership, RFM and lifecycle.' },
    RFM: { description: 'Customers in some RFM groups.' },
    LIFECYCLE: { description: 'Customers in some lifecycle stages.' },
    STATIC: {
      description: 'An explicit list, changed with addSegmentMembers/removeSegmentMembers.',
    },
  },
});

export enum SegmentRefreshTrigger {
  MANUAL = 'MANUAL',
  SCHEDULE = 'SCHEDULE',
  INGESTION = 'INGESTION',
}
registerEnumType(SegmentRefreshTrigger, {
  name: 'SegmentRefreshTrigger',
  description: 'What started a refresh.',
  valuesConfig: {
    MANUAL: { description: 'The refreshSegment mutation.' },
    SCHEDULE: { description: 'The scheduled refresh of all segments.' },
    INGESTION: { description: 'A refresh after a bulk ingestion of customers or events.' },
  },
});

export enum SegmentMemberSortField {
  ENTERED_AT = 'ENTERED_AT',
  SIGNED_UP_AT = 'SIGNED_UP_AT',
  EXTERNAL_ID = 'EXTERNAL_ID',
}
registerEnumType(SegmentMemberSortField, {
  name: 'SegmentMemberSortField',
  description: 'What members of a segment can be sorted by (never a masked personal field).',
  valuesConfig: {
    ENTERED_AT: { description: 'When the customer entered the segment (this stay).' },
    SIGNED_UP_AT: { description: 'Sign-up time.' },
    EXTERNAL_ID: { description: 'External id.' },
  },
});

@ObjectType({
  implements: Node,
  description: 'A named group of customers, kept current by refreshes.',
})
export class Segment extends Node {
  /** Row id; resolvers use it to load related data. Not part of the schema. */
  dbId!: number;

  @Field({ description: 'Unique name.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'What the segment is for.' })
  description!: string | null;

  @Field(() => SegmentKindValue, { description: 'What decides membership.' })
  kind!: SegmentKindValue;

  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description:
      'RULE: the stored definition (`{ version, root }`, segment ids as global ids); RFM: `{ groups }`; LIFECYCLE: `{ stages }`; STATIC: null.',
  })
  definition!: Record<string, unknown> | null;

  @Field(() => Int, { description: 'Members as of the last refresh or STATIC change.' })
  size!: number;

  @Field(() => Date, {
    nullable: true,
    description: 'When membership was last computed or changed; null before the first refresh.',
  })
  lastRefreshedAt!: Date | null;

  @Field({ description: 'When it was created.' })
  createdAt!: Date;

  @Field({ description: 'When its name, description or definition last changed.' })
  updatedAt!: Date;

  @Field(() => Int, { description: 'Pass to updateSegment/deleteSegment; bumps on every change.' })
  version!: number;
}

@ObjectType({ description: 'A page of segments, by name.' })
export class SegmentConnection extends ConnectionType(Segment) {}

@ObjectType({ description: 'One refresh of a segment: its size after, who entered and left.' })
export class SegmentRefresh {
  @Field({ description: 'When the refresh ran (its reference time).' })
  refreshedAt!: Date;

  @Field(() => Int, { description: 'Members after the refresh.' })
  size!: number;

  @Field(() => Int, { description: 'Customers who became members.' })
  entered!: number;

  @Field(() => Int, { description: 'Customers who stopped being members.' })
  left!: number;

  @Field(() => Int, { description: 'How long the refresh took, in milliseconds.' })
  durationMs!: number;

  @Field(() => SegmentRefreshTrigger, { description: 'What started it.' })
  trigger!: SegmentRefreshTrigger;
}

@ObjectType({ description: 'A page of refreshes, newest first.' })
export class SegmentRefreshConnection extends ConnectionType(SegmentRefresh) {}

@InputType({ description: 'Filters for the segments list; all given ones apply.' })
export class SegmentFilter {
  @Field(() => [SegmentKindValue], { nullable: true, description: 'Only these kinds.' })
  @IsOptional()
  kinds?: SegmentKindValue[];

  @Field({ nullable: true, description: 'Only names containing this text (any case).' })
  @IsOptional()
  @Length(1, 100)
  nameContains?: string;
}

@InputType({ description: 'Sort order of members.' })
export class SegmentMemberOrderBy {
  @Field(() => SegmentMemberSortField, { description: 'What to sort by.' })
  field!: SegmentMemberSortField;

  @Field(() => SortDirection, { defaultValue: SortDirection.ASC, description: 'Direction.' })
  direction!: SortDirection;
}

@InputType({ description: 'Fields a segment of every kind has.' })
class SegmentFields {
  @Field(() => SegmentRuleInput, {
    nullable: true,
    description: 'RULE segments only: the rule (a tree of all/any/not over conditions).',
  })
  @IsOptional()
  @ValidateNested()
  definition?: SegmentRuleInput;

  @Field(() => [RfmGroup], { nullable: true, description: 'RFM segments only: the groups.' })
  @IsOptional()
  @ArrayMinSize(1)
  rfmGroups?: RfmGroup[];

  @Field(() => [LifecycleStage], {
    nullable: true,
    description: 'LIFECYCLE segments only: the stages.',
  })
  @IsOptional()
  @ArrayMinSize(1)
  lifecycleStages?: LifecycleStage[];
}

@InputType({ description: 'A new segment.' })
export class CreateSegmentInput extends SegmentFields {
  @Field({ description: 'Unique name, 1 to 100 characters.' })
  @Length(1, 100)
  name!: string;

  @Field({ nullable: true, description: 'What the segment is for, up to 1,000 characters.' })
  @IsOptional()
  @Length(0, 1000)
  description?: string;

  @Field(() => SegmentKindValue, { description: 'What decides membership; fixed once created.' })
  kind!: SegmentKindValue;

  @Field(() => [String], {
    nullable: true,
    description: `STATIC segments only: initial members by external id (up to ${MAX_MEMBER_CHANGES}).`,
  })
  @IsOptional()
  @ArrayMaxSize(MAX_MEMBER_CHANGES)
  externalIds?: string[];
}

@InputType({ description: 'Changes to a segment, applied only if it is still at `version`.' })
export class UpdateSegmentInput extends SegmentFields {
  @Field(() => ID, { description: 'The segment.' })
  id!: string;

  @Field(() => Int, { description: 'The version read; CONFLICT if the segment changed since.' })
  @Min(1)
  version!: number;

  @Field({ nullable: true, description: 'New unique name.' })
  @IsOptional()
  @Length(1, 100)
  name?: string;

  @Field({ nullable: true, description: 'New description.' })
  @IsOptional()
  @Length(0, 1000)
  description?: string;
}

@InputType({ description: 'The segment to delete.' })
export class DeleteSegmentInput {
  @Field(() => ID, { description: 'The segment.' })
  id!: string;

  @Field(() => Int, {
    nullable: true,
    description: 'When given, the delete fails with CONFLICT if the segment changed since.',
  })
  @IsOptional()
  @Min(1)
  version?: number;
}

@InputType({ description: 'The segment to refresh.' })
export class RefreshSegmentInput {
  @Field(() => ID, { description: 'The segment.' })
  id!: string;
}

@InputType({ description: 'Customers to add to or remove from a STATIC segment.' })
export class SegmentMembersInput {
  @Field(() => ID, { description: 'The STATIC segment.' })
  id!: string;

  @Field(() => [String], {
    description: `External ids of the customers (1 to ${MAX_MEMBER_CHANGES}); the external id of a customer merged into another names the survivor.`,
  })
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_MEMBER_CHANGES)
  externalIds!: string[];
}

@ObjectType({ description: 'Result of createSegment.' })
export class CreateSegmentPayload {
  @Field(() => Segment, { description: 'The new segment (refresh it to compute members).' })
  segment!: Segment;

  @Field(() => [String], {
    description: 'STATIC: given external ids with no live customer (not added).',
  })
  unknownExternalIds!: string[];
}

@ObjectType({ description: 'Result of updateSegment.' })
export class UpdateSegmentPayload {
  @Field(() => Segment, { description: 'The segment as changed.' })
  segment!: Segment;
}

@ObjectType({ description: 'Result of deleteSegment.' })
export class DeleteSegmentPayload {
  @Field(() => ID, { description: 'Id of the deleted segment.' })
  deletedId!: string;
}

@ObjectType({ description: 'Result of refreshSegment.' })
export class RefreshSegmentPayload {
  @Field(() => Segment, { description: 'The refreshed segment.' })
  segment!: Segment;

  @Field(() => Int, { description: 'Customers who became members.' })
  entered!: number;

  @Field(() => Int, { description: 'Customers who stopped being members.' })
  left!: number;

  @Field(() => Int, { description: 'Members now.' })
  size!: number;

  @Field(() => Int, { description: 'How long the refresh took, in milliseconds.' })
  durationMs!: number;
}

@ObjectType({ description: 'Result of addSegmentMembers and removeSegmentMembers.' })
export class SegmentMembersPayload {
  @Field(() => Segment, { description: 'The segment after the change.' })
  segment!: Segment;

  @Field(() => Int, {
    description:
      'Customers actually added (or removed); those already in (or out) are not counted.',
  })
  changed!: number;

  @Field(() => [String], {
    description: 'Given external ids with no live customer; the rest of the batch still applied.',
  })
  unknownExternalIds!: string[];
}

@ObjectType({ description: 'Result of previewSegment: nothing was stored.' })
export class PreviewSegmentPayload {
  @Field(() => Int, { description: 'How many live customers the definition selects now.' })
  size!: number;

  @Field(() => [Customer], { description: 'Some of them, lowest ids first.' })
  sample!: Customer[];
}

@ObjectType({
  description: `Who entered and left a segment in one refresh. Changes of more than 1,000 customers come in several parts.`,
})
export class SegmentMembershipChange {
  segmentDbId!: number;
  enteredDbIds!: number[];
  leftDbIds!: number[];

  @Field({ description: 'When the refresh ran.' })
  refreshedAt!: Date;

  @Field(() => [ID], { description: 'Global ids of customers who entered (this part).' })
  enteredIds!: string[];

  @Field(() => [ID], {
    description: 'Global ids of customers who left (this part), including deleted ones.',
  })
  leftIds!: string[];

  @Field(() => Int, { description: 'Customers who entered in the whole refresh.' })
  enteredCount!: number;

  @Field(() => Int, { description: 'Customers who left in the whole refresh.' })
  leftCount!: number;

  @Field(() => Int, { description: 'Members after the refresh.' })
  size!: number;

  @Field(() => Int, { description: 'Which part of this refresh this is, from 1.' })
  part!: number;

  @Field(() => Int, { description: 'How many parts this refresh was split into.' })
  parts!: number;
}
