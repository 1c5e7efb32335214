import { IsOptional, ValidateNested } from 'class-validator';
import {
  Arg,
  Args,
  ArgsType,
  Authorized,
  Ctx,
  Field,
  FieldResolver,
  ID,
  Mutation,
  Query,
  Resolver,
  Root,
  type SubscribeResolverData,
  Subscription,
} from 'type-graphql';
import { READERS, Role, WRITERS } from '../auth/principal';
import type { PulseContext } from '../graphql/context';
import { toConnection } from '../graphql/connection';
import { fromGlobalId } from '../graphql/global-id';
import { ForwardPageArgs } from '../graphql/page-args';
import type { Services } from '../services';
import { toAlertEvent, toAlertRule, toEventFilter, toRuleFilter } from './alert.mapper';
import { type AlertEventPayload, fromEventPayload } from './alert.topics';
import {
  AcknowledgeAlertInput,
  AcknowledgeAlertPayload,
  AlertEvent,
  AlertEventConnection,
  AlertEventFilter,
  AlertRule,
  AlertRuleConnection,
  AlertRuleFilter,
  AlertRulePayload,
  CreateAlertRuleInput,
  DeleteAlertRuleInput,
  DeleteAlertRulePayload,
  MuteAlertRuleInput,
  UnmuteAlertRuleInput,
  UpdateAlertRuleInput,
} from './alert.types';

/** Readers of data, and the ALERTS role, which reads alerts and nothing else. */
const ALERT_READERS = [...READERS, Role.ALERTS];

@ArgsType()
class AlertRulesArgs extends ForwardPageArgs {
  @Field(() => AlertRuleFilter, { nullable: true, description: 'Only rules matching all these.' })
  @IsOptional()
  @ValidateNested()
  filter?: AlertRuleFilter;
}

@ArgsType()
class AlertHistoryArgs extends ForwardPageArgs {
  @Field(() => AlertEventFilter, { nullable: true, description: 'Only events matching all these.' })
  @IsOptional()
  @ValidateNested()
  filter?: AlertEventFilter;
}

@ArgsType()
class AlertEventsArgs {
  @Field(() => AlertEventFilter, { nullable: true, description: 'Only events matching all these.' })
  @IsOptional()
  @ValidateNested()
  filter?: AlertEventFilter;

  @Field(() => String, {
    nullable: true,
    description:
      'Cursor of the last event seen: the stored events after it come first, in order, then live ones.',
  })
  @IsOptional()
  since?: string;
}

@Resolver(() => AlertRule)
export class AlertRuleResolver {
  constructor(private readonly services: Services) {}

  @Authorized(ALERT_READERS)
  @Query(() => AlertRule, { description: 'One alert rule by id; NOT_FOUND when unknown.' })
  async alertRule(
    @Arg('id', () => ID, { description: 'Global id of the rule.' }) id: string,
    @Ctx() ctx: PulseContext,
  ): Promise<AlertRule> {
    return toAlertRule(
      await this.services.alertRules.get(fromGlobalId(id, 'AlertRule', 'id')),
      ctx,
    );
  }

  @Authorized(ALERT_READERS)
  @Query(() => AlertRuleConnection, { description: 'Alert rules, oldest first.' })
  async alertRules(
    @Args() args: AlertRulesArgs,
    @Ctx() ctx: PulseContext,
  ): Promise<AlertRuleConnection> {
    const page = await this.services.alertRules.list(toRuleFilter(args.filter), args);

    return toConnection(AlertRuleConnection, page, (row) => toAlertRule(row, ctx));
  }

  @Authorized(WRITERS)
  @Mutation(() => AlertRulePayload, { description: 'Creates an alert rule on a KPI, at OK.' })
  async createAlertRule(
    @Arg('input', { description: 'The rule.' }) input: CreateAlertRuleInput,
    @Ctx() ctx: PulseContext,
  ): Promise<AlertRulePayload> {
    const rule = await this.services.alertRules.create({
      ...input,
      kpiId: fromGlobalId(input.kpiId, 'Kpi', 'input.kpiId'),
      forCount: input.for ?? 1,
      hysteresis: input.hysteresis ?? 0,
    });

    return { alertRule: toAlertRule(rule, ctx) };
  }

  @Authorized(WRITERS)
  @Mutation(() => AlertRulePayload, {
    description: 'Changes a rule if it is still at `version`; a new condition restarts it at OK.',
  })
  async updateAlertRule(
    @Arg('input', { description: 'The changes.' }) input: UpdateAlertRuleInput,
    @Ctx() ctx: PulseContext,
  ): Promise<AlertRulePayload> {
    const { id, version, for: forCount, ...changes } = input;
    const rule = await this.services.alertRules.update(
      fromGlobalId(id, 'AlertRule', 'input.id'),
      version,
      { ...changes, forCount },
    );

    return { alertRule: toAlertRule(rule, ctx) };
  }

  @Authorized(WRITERS)
  @Mutation(() => DeleteAlertRulePayload, { description: 'Deletes a rule and its events.' })
  async deleteAlertRule(
    @Arg('input', { description: 'The rule.' }) input: DeleteAlertRuleInput,
  ): Promise<DeleteAlertRulePayload> {
    await this.services.alertRules.remove(
      fromGlobalId(input.id, 'AlertRule', 'input.id'),
      input.version,
    );

    return { deletedId: input.id };
  }

  @Authorized(WRITERS)
  @Mutation(() => AcknowledgeAlertPayload, {
    description:
      'Acknowledges the firing alert of a rule and publishes an ACKNOWLEDGED event; CONFLICT unless it is firing and unacknowledged.',
  })
  async acknowledgeAlert(
    @Arg('input', { description: 'The rule.' }) input: AcknowledgeAlertInput,
  ): Promise<AcknowledgeAlertPayload> {
    const event = await this.services.alerts.acknowledge(
      fromGlobalId(input.ruleId, 'AlertRule', 'input.ruleId'),
    );

    return { event: toAlertEvent(event) };
  }

  @Authorized(WRITERS)
  @Mutation(() => AlertRulePayload, {
    description: 'Holds back the events of a rule until a time; it keeps evaluating.',
  })
  async muteAlertRule(
    @Arg('input', { description: 'The rule and the end of the mute.' }) input: MuteAlertRuleInput,
    @Ctx() ctx: PulseContext,
  ): Promise<AlertRulePayload> {
    const rule = await this.services.alertRules.mute(
      fromGlobalId(input.ruleId, 'AlertRule', 'input.ruleId'),
      input.until,
    );

    return { alertRule: toAlertRule(rule, ctx) };
  }

  @Authorized(WRITERS)
  @Mutation(() => AlertRulePayload, { description: 'Ends the mute of a rule now.' })
  async unmuteAlertRule(
    @Arg('input', { description: 'The rule.' }) input: UnmuteAlertRuleInput,
    @Ctx() ctx: PulseContext,
  ): Promise<AlertRulePayload> {
    const rule = await this.services.alertRules.mute(
      fromGlobalId(input.ruleId, 'AlertRule', 'input.ruleId'),
      null,
    );

    return { alertRule: toAlertRule(rule, ctx) };
  }
}

@Resolver(() => AlertEvent)
export class AlertEventResolver {
  constructor(private readonly services: Services) {}

  @Authorized(ALERT_READERS)
  @Query(() => AlertEventConnection, {
    description: 'Stored alert events with their values and messages, newest first.',
  })
  async alertHistory(@Args() args: AlertHistoryArgs): Promise<AlertEventConnection> {
    const page = await this.services.alertEvents.list(toEventFilter(args.filter), args);

    return toConnection(AlertEventConnection, page, toAlertEvent);
  }

  @Authorized(ALERT_READERS)
  @Subscription(() => AlertEvent, {
    // Not a plain topic subscription: with `since`, stored events are replayed before live ones.
    subscribe: ({ args, context }: SubscribeResolverData<unknown, AlertEventsArgs, PulseContext>) =>
      context.services.alertEvents.stream(toEventFilter(args.filter), args.since),
    description:
      'FIRED, RESOLVED and ACKNOWLEDGED events as they are stored. Pass the cursor of the last event seen as `since` to receive what was missed first: no gaps, no duplicates.',
  })
  alertEvents(
    @Root() payload: AlertEventPayload,
    @Args() _args: AlertEventsArgs,
    @Ctx() ctx: PulseContext,
  ): AlertEvent {
    // One context serves the whole subscription: each event must see the rule as it is now.
    ctx.loaders.alertRuleById.clearAll();

    return toAlertEvent(fromEventPayload(payload));
  }

  @FieldResolver(() => AlertRule, {
    nullable: true,
    description: 'The rule, as it is now; null once deleted.',
  })
  async rule(@Root() event: AlertEvent, @Ctx() ctx: PulseContext): Promise<AlertRule | null> {
    const row = await ctx.loaders.alertRuleById.load(event.ruleDbId);

    return row && toAlertRule(row, ctx);
  }
}
