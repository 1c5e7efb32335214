import { Field, Float, InputType, Int, ObjectType } from 'type-graphql';
import '../graphql/enums';
import { Channel } from '../interactions/channel';
import { LifecycleStage } from './lifecycle-stage';
import './lifecycle.types';
import { Segment } from './segment.types';

@InputType({
  description:
    'The time span whose orders and interactions a profile counts: from (inclusive) to (exclusive), each bound optional. Membership is always the current one.',
})
export class ProfileWindowInput {
  @Field({ nullable: true, description: 'Count orders and interactions at or after this instant.' })
  from?: Date;

  @Field({ nullable: true, description: 'Count orders and interactions before this instant.' })
  to?: Date;
}

@ObjectType({ description: 'How many members are in one lifecycle stage.' })
export class LifecycleStageCount {
  @Field(() => LifecycleStage, { description: 'The stage.' })
  stage!: LifecycleStage;

  @Field(() => Int, {
    description: 'Members in this stage as of the last lifecycle refresh (0 when none).',
  })
  customers!: number;
}

@ObjectType({ description: 'Interactions of members on one channel.' })
export class ChannelActivity {
  @Field(() => Channel, { description: 'The channel.' })
  channel!: Channel;

  @Field(() => Int, { description: 'Interactions of members on this channel in the window.' })
  interactions!: number;

  @Field(() => Int, { description: 'Members with at least one such interaction.' })
  customers!: number;
}

@ObjectType({
  description:
    'Who a group of customers is and what it is worth. Members are current members not deleted; revenue counts PAID orders in the window (all time without one).',
})
export class SegmentProfile {
  @Field(() => Int, { description: 'Members (live customers).' })
  size!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'size / number of live customers (0–1); null when there are no customers.',
  })
  shareOfCustomers!: number | null;

  @Field(() => Float, { description: "Sum of members' paid order amounts in the window." })
  revenue!: number;

  @Field(() => Float, {
    nullable: true,
    description:
      'revenue / revenue of all live customers in the window (0–1); null when that is 0.',
  })
  shareOfRevenue!: number | null;

  @Field(() => Int, { description: "Members' paid orders in the window." })
  orderCount!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'revenue / orderCount; null without orders.',
  })
  averageOrderValue!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'revenue / size, members without orders included; null without members.',
  })
  averageSpendPerMember!: number | null;

  @Field(() => [LifecycleStageCount], {
    description:
      'Members per lifecycle stage, every stage listed in stage order (customers not yet staged are not counted).',
  })
  lifecycleMix!: LifecycleStageCount[];

  @Field(() => [ChannelActivity], {
    description:
      'The 5 channels with the most member interactions in the window, most first (ties by name).',
  })
  topChannels!: ChannelActivity[];
}

@ObjectType({ description: 'One segment of a comparison, with its profile.' })
export class ComparedSegment {
  @Field(() => Segment, { description: 'The segment.' })
  segment!: Segment;

  @Field(() => SegmentProfile, { description: 'Its profile over the comparison window.' })
  profile!: SegmentProfile;
}

@ObjectType({ description: 'Segments profiled side by side, beside all customers.' })
export class SegmentComparison {
  @Field(() => SegmentProfile, {
    description: 'The profile of all live customers over the same window (size = all of them).',
  })
  baseline!: SegmentProfile;

  @Field(() => [ComparedSegment], { description: 'The segments, in the order asked.' })
  segments!: ComparedSegment[];
}
