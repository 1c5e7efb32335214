import { IsOptional, Max, Min, ValidateNested } from 'class-validator';
import {
  Arg,
  Args,
  ArgsType,
  Authorized,
  Ctx,
  Field,
  FieldResolver,
  ID,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
  Subscription,
} from 'type-graphql';
import { maskedRuleCondition, masksPersonalData } from '../auth/masking';
import { READERS, WRITERS } from '../auth/principal';
import { toCustomer } from '../customers/customer.mapper';
import { Customer } from '../customers/customer.types';
import { PulseError } from '../errors';
import type { PulseContext } from '../graphql/context';
import { toConnection } from '../graphql/connection';
import { fromGlobalId } from '../graphql/global-id';
import { ForwardPageArgs, PageArgsInput } from '../graphql/page-args';
import type { Services } from '../services';
import { CustomerConnection } from '../customers/customer.types';
import { SegmentRuleInput, toDefinitionInput } from './rule.types';
import { MembershipExplanation, toMembershipExplanation } from './explain.types';
import type { SegmentEntity } from './segment.entity';
import { toMembershipChange, toSegment, toSegmentRefresh } from './segment.mapper';
import { MAX_PREVIEW_SAMPLE } from './segment.service';
import { type SegmentMembershipChangedPayload, SegmentTopic } from './segment.topics';
import {
  CreateSegmentInput,
  CreateSegmentPayload,
  DeleteSegmentInput,
  DeleteSegmentPayload,
  PreviewSegmentPayload,
  RefreshSegmentInput,
  RefreshSegmentPayload,
  Segment,
  SegmentConnection,
  SegmentFilter,
  SegmentMemberOrderBy,
  SegmentMembersInput,
  SegmentMembersPayload,
  SegmentMembershipChange,
  SegmentRefresh,
  SegmentRefreshConnection,
  UpdateSegmentInput,
  UpdateSegmentPayload,
} from './segment.types';

@ArgsType()
class SegmentsArgs extends PageArgsInput {
  @Field(() => SegmentFilter, { nullable: true, description: 'Only segments matching all these.' })
  @IsOptional()
  @ValidateNested()
  filter?: SegmentFilter;
}

@ArgsType()
class MembersArgs extends PageArgsInput {
  @Field(() => SegmentMemberOrderBy, {
    nullable: true,
    description: 'Sort order; latest entries first by default.',
  })
  @IsOptional()
  orderBy?: SegmentMemberOrderBy;

  @Field(() => Date, {
    nullable: true,
    description:
      'Members as they were at this instant (from the membership history); now by default.',
  })
  @IsOptional()
  at?: Date;
}

@ArgsType()
class SizeHistoryArgs {
  @Field({ description: 'Refreshes at or after this instant.' })
  from!: Date;

  @Field({ description: 'Refreshes before this instant.' })
  to!: Date;
}

@ArgsType()
class PreviewArgs {
  @Field(() => SegmentRuleInput, { description: 'The unsaved rule.' })
  @ValidateNested()
  definition!: SegmentRuleInput;

  @Field(() => Int, {
    defaultValue: 10,
    description: `Customers to return as a sample (0 to ${MAX_PREVIEW_SAMPLE}).`,
  })
  @Min(0)
  @Max(MAX_PREVIEW_SAMPLE)
  sampleSize!: number;
}

@ArgsType()
class MembershipChangedArgs {
  @Field(() => ID, { description: 'The segment to follow.' })
  segmentId!: string;
}

@Resolver(() => Segment)
export class SegmentResolver {
  constructor(private readonly services: Services) {}

  @Authorized(READERS)
  @Query(() => Segment, { description: 'One segment by id; NOT_FOUND when unknown.' })
  async segment(
    @Arg('id', () => ID, { description: 'Global id of the segment.' }) id: string,
  ): Promise<Segment> {
    return toSegment(await this.services.segments.get(fromGlobalId(id, 'Segment', 'id')));
  }

  @Authorized(READERS)
  @Query(() => SegmentConnection, { description: 'Segments by name, a page at a time.' })
  async segments(@Args() args: SegmentsArgs): Promise<SegmentConnection> {
    const page = await this.services.segments.list(args.filter, args);

    return toConnection(SegmentConnection, page, toSegment);
  }

  @Authorized(READERS)
  @Query(() => PreviewSegmentPayload, {
    description:
      'Size and a sample of the customers an unsaved rule selects now; stores nothing. A PARTNER may not test a masked value (CITY, text or date ATTRIBUTE, a text interaction property): FORBIDDEN naming the condition.',
    // The sample is a list without `first`: it holds up to `sampleSize` customers, each with
    // whatever the query selects under it, so it costs like a page of that size.
    complexity: ({ args, childComplexity }) =>
      (1 + childComplexity) * Math.max(args.sampleSize as number, 1),
  })
  async previewSegment(
    @Args() args: PreviewArgs,
    @Ctx() ctx: PulseContext,
  ): Promise<PreviewSegmentPayload> {
    const masked = maskedRuleCondition(ctx.principal?.role, args.definition, 'definition');
    if (masked) {
      throw new PulseError(
        'FORBIDDEN',
        'Personal fields are masked for this role and cannot be tested in a rule',
        masked,
      );
    }
    const preview = await this.services.segments.preview(
      toDefinitionInput(args.definition, 'definition'),
      args.sampleSize,
    );

    return { size: preview.size, sample: preview.sample.map((row) => toCustomer(row, ctx)) };
  }

  @Authorized(READERS)
  @Query(() => MembershipExplanation, {
    description:
      'Why a customer is or is not in a segment: each condition of its rule, whether it holds, and the value seen.',
  })
  async explainMembership(
    @Arg('segmentId', () => ID, { description: 'The segment.' }) segmentId: string,
    @Arg('customerId', () => ID, { description: 'The customer.' }) customerId: string,
    @Ctx() ctx: PulseContext,
  ): Promise<MembershipExplanation> {
    const explained = await this.services.segments.explain(
      fromGlobalId(segmentId, 'Segment', 'segmentId'),
      fromGlobalId(customerId, 'Customer', 'customerId'),
    );

    return toMembershipExplanation(
      explained.root,
      explained.evaluatedAt,
      masksPersonalData(ctx.principal?.role),
    );
  }

  @Authorized(WRITERS)
  @Mutation(() => CreateSegmentPayload, {
    description:
      'Creates a segment. Its members are computed by refreshSegment (STATIC: given here).',
  })
  async createSegment(
    @Arg('input', { description: 'The new segment.' }) input: CreateSegmentInput,
  ): Promise<CreateSegmentPayload> {
    const { definition, ...rest } = input;
    const created = await this.services.segments.create({
      ...rest,
      definition: definition && toDefinitionInput(definition, 'input.definition'),
    });

    return { segment: toSegment(created.segment), unknownExternalIds: created.unknownExternalIds };
  }

  @Authorized(WRITERS)
  @Mutation(() => UpdateSegmentPayload, {
    description: 'Changes a segment if it is still at the given version (CONFLICT otherwise).',
  })
  async updateSegment(
    @Arg('input', { description: 'The changes.' }) input: UpdateSegmentInput,
  ): Promise<UpdateSegmentPayload> {
    const { id, version, definition, ...changes } = input;
    const row = await this.services.segments.update(
      fromGlobalId(id, 'Segment', 'input.id'),
      version,
      {
        ...changes,
        definition: definition && toDefinitionInput(definition, 'input.definition'),
      },
    );

    return { segment: toSegment(row) };
  }

  @Authorized(WRITERS)
  @Mutation(() => DeleteSegmentPayload, {
    description:
      "Deletes a segment and its history; CONFLICT while other segments' rules, KPI scopes, next best actions or experiments use it (their database ids in the error's `segmentIds`, `kpiIds`, `actionIds`, `experimentIds`).",
  })
  async deleteSegment(
    @Arg('input', { description: 'The segment to delete.' }) input: DeleteSegmentInput,
  ): Promise<DeleteSegmentPayload> {
    await this.services.segments.remove(
      fromGlobalId(input.id, 'Segment', 'input.id'),
      input.version,
    );

    return { deletedId: input.id };
  }

  @Authorized(WRITERS)
  @Mutation(() => RefreshSegmentPayload, {
    description:
      'Recomputes the members now, records who entered and left, and notifies subscribers.',
  })
  async refreshSegment(
    @Arg('input', { description: 'The segment.' }) input: RefreshSegmentInput,
  ): Promise<RefreshSegmentPayload> {
    const id = fromGlobalId(input.id, 'Segment', 'input.id');
    const result = await this.services.segments.refresh(id, 'MANUAL', undefined, 'input.id');

    return { ...result, segment: toSegment(await this.services.segments.get(id, 'input.id')) };
  }

  @Authorized(WRITERS)
  @Mutation(() => SegmentMembersPayload, {
    description: `Adds customers by external id to a STATIC segment (up to 10,000; members already in are left alone).`,
  })
  addSegmentMembers(
    @Arg('input', { description: 'The segment and customers.' }) input: SegmentMembersInput,
  ): Promise<SegmentMembersPayload> {
    return this.changeMembers(input, 'ADD');
  }

  @Authorized(WRITERS)
  @Mutation(() => SegmentMembersPayload, {
    description: 'Removes customers by external id from a STATIC segment (up to 10,000).',
  })
  removeSegmentMembers(
    @Arg('input', { description: 'The segment and customers.' }) input: SegmentMembersInput,
  ): Promise<SegmentMembersPayload> {
    return this.changeMembers(input, 'REMOVE');
  }

  @Authorized(READERS)
  @Subscription(() => SegmentMembershipChange, {
    topics: SegmentTopic.MEMBERSHIP_CHANGED,
    filter: ({
      payload,
      args,
    }: {
      payload: SegmentMembershipChangedPayload;
      args: MembershipChangedArgs;
    }) => sameSegment(args.segmentId, payload.segmentId),
    description:
      'Who entered and left the segment, at each refresh or STATIC change that changed it.',
  })
  segmentMembershipChanged(
    @Root() payload: SegmentMembershipChangedPayload,
    @Args() _args: MembershipChangedArgs,
  ): SegmentMembershipChange {
    return toMembershipChange(payload);
  }

  @FieldResolver(() => CustomerConnection, {
    description: 'Live members, now or at a past instant (`at`), a page at a time.',
  })
  async members(
    @Root() segment: Segment,
    @Args() args: MembersArgs,
    @Ctx() ctx: PulseContext,
  ): Promise<CustomerConnection> {
    const page = await this.services.segmentMembers.members(
      segment.dbId,
      args.at,
      args.orderBy,
      args,
    );

    return toConnection(CustomerConnection, page, (member) => toCustomer(member.customer, ctx));
  }

  @FieldResolver(() => [SegmentRefresh], {
    description: 'Size after each refresh in [from, to), oldest first (at most the latest 1,000).',
  })
  async sizeHistory(
    @Root() segment: Segment,
    @Args() args: SizeHistoryArgs,
  ): Promise<SegmentRefresh[]> {
    const rows = await this.services.segmentMembers.sizeHistory(segment.dbId, args.from, args.to);

    return rows.map(toSegmentRefresh);
  }

  @FieldResolver(() => SegmentRefreshConnection, { description: 'Refreshes, newest first.' })
  async refreshes(
    @Root() segment: Segment,
    @Args() args: ForwardPageArgs,
  ): Promise<SegmentRefreshConnection> {
    const page = await this.services.segmentMembers.refreshes(segment.dbId, args);

    return toConnection(SegmentRefreshConnection, page, toSegmentRefresh);
  }

  private async changeMembers(
    input: SegmentMembersInput,
    change: 'ADD' | 'REMOVE',
  ): Promise<SegmentMembersPayload> {
    const id = fromGlobalId(input.id, 'Segment', 'input.id');
    const result = await this.services.segments.changeMembers(id, input.externalIds, change);

    return {
      segment: toSegment(await this.services.segments.get(id, 'input.id')),
      changed: result.changed,
      unknownExternalIds: result.unknownExternalIds,
    };
  }
}

@Resolver(() => SegmentMembershipChange)
export class SegmentMembershipChangeResolver {
  constructor(private readonly services: Services) {}

  @FieldResolver(() => Segment, { nullable: true, description: 'The segment; null once deleted.' })
  async segment(
    @Root() change: SegmentMembershipChange,
    @Ctx() ctx: PulseContext,
  ): Promise<Segment | null> {
    const row = await ctx.loaders.segmentById.load(change.segmentDbId);

    return row && toSegment(row);
  }

  @FieldResolver(() => [Customer], { description: 'Customers who entered (this part).' })
  entered(@Root() change: SegmentMembershipChange, @Ctx() ctx: PulseContext): Promise<Customer[]> {
    return this.customers(change.enteredDbIds, ctx);
  }

  @FieldResolver(() => [Customer], {
    description: 'Customers who left (this part), except those deleted since (see leftIds).',
  })
  left(@Root() change: SegmentMembershipChange, @Ctx() ctx: PulseContext): Promise<Customer[]> {
    return this.customers(change.leftDbIds, ctx);
  }

  // A subscription keeps one context for all its events, so the loaders' cache would serve
  // customers as they were at the first event: each event reads them afresh, in one query.
  private async customers(ids: number[], ctx: PulseContext): Promise<Customer[]> {
    const rows = ids.length ? await this.services.customers.liveByIds(ids) : [];

    return rows.sort((a, b) => a.id - b.id).map((row) => toCustomer(row, ctx));
  }
}

@Resolver(() => Customer)
export class CustomerSegmentsResolver {
  @FieldResolver(() => [Segment], { description: 'The segments the customer is in now, by name.' })
  async segments(@Root() customer: Customer, @Ctx() ctx: PulseContext): Promise<Segment[]> {
    const memberships = await ctx.loaders.segmentsByCustomerId.load(customer.dbId);

    return memberships.map((membership: { segment: SegmentEntity }) =>
      toSegment(membership.segment),
    );
  }
}

function sameSegment(globalId: string, segmentId: number): boolean {
  try {
    return fromGlobalId(globalId, 'Segment', 'segmentId') === segmentId;
  } catch {
    return false;
  }
}
