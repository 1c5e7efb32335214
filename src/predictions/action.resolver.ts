import { toAction } from './action.mapper';
import {
  Arg,
  Args,
  ArgsType,
  Authorized,
  Field,
  ID,
  Mutation,
  Query,
  Resolver,
} from 'type-graphql';
import { WRITERS } from '../auth/principal';
import { toConnection } from '../graphql/connection';
import { fromGlobalId } from '../graphql/global-id';
import { ForwardPageArgs } from '../graphql/page-args';
import type { Services } from '../services';
import type { ActionChanges } from './action.service';
import {
  Action,
  ActionConnection,
  type ActionDefinitionInput,
  ArchiveActionInput,
  ArchiveActionPayload,
  CreateActionInput,
  CreateActionPayload,
  MeasureActionEffectPayload,
  UpdateActionInput,
  UpdateActionPayload,
} from './action.types';

@ArgsType()
class ActionsArgs extends ForwardPageArgs {
  @Field({ defaultValue: false, description: 'Include archived actions.' })
  includeArchived!: boolean;
}

/** The GraphQL view of an action row. */

// The action catalogue is ADMIN's and ANALYST's; partners see actions only as recommendations.
@Authorized(WRITERS)
@Resolver(() => Action)
export class ActionResolver {
  constructor(private readonly services: Services) {}

  @Query(() => Action, { description: 'One action by id; NOT_FOUND when unknown.' })
  async action(@Arg('id', () => ID, { description: 'Global id of the action.' }) id: string) {
    return toAction(await this.services.actions.get(fromGlobalId(id, 'Action', 'id')));
  }

  @Query(() => ActionConnection, {
    description: 'Next-best-action actions by key, a page at a time.',
  })
  async actions(@Args() args: ActionsArgs): Promise<ActionConnection> {
    return toConnection(
      ActionConnection,
      await this.services.actions.list(args, args.includeArchived),
      toAction,
    );
  }

  @Mutation(() => CreateActionPayload, { description: 'Creates an action (effect source MANUAL).' })
  async createAction(
    @Arg('input', { description: 'The new action.' }) input: CreateActionInput,
  ): Promise<CreateActionPayload> {
    const row = await this.services.actions.create({
      ...changesOf(input),
      key: input.key,
      name: input.name,
      objective: input.objective,
      channel: input.channel,
      effect: input.effect,
    });

    return { action: toAction(row) };
  }

  @Mutation(() => UpdateActionPayload, {
    description: 'Changes an action if still at the given version (CONFLICT otherwise).',
  })
  async updateAction(
    @Arg('input', { description: 'The changes.' }) input: UpdateActionInput,
  ): Promise<UpdateActionPayload> {
    const row = await this.services.actions.update(
      fromGlobalId(input.id, 'Action', 'input.id'),
      input.version,
      {
        ...changesOf(input),
        name: input.name,
        objective: input.objective,
        channel: input.channel,
        effect: input.effect,
      },
    );

    return { action: toAction(row) };
  }

  @Mutation(() => ArchiveActionPayload, {
    description: 'Archives an action: it stays readable and is never recommended again.',
  })
  async archiveAction(
    @Arg('input', { description: 'The action.' }) input: ArchiveActionInput,
  ): Promise<ArchiveActionPayload> {
    const row = await this.services.actions.archive(
      fromGlobalId(input.id, 'Action', 'input.id'),
      input.version,
    );

    return { action: toAction(row) };
  }

  @Mutation(() => MeasureActionEffectPayload, {
    description:
      "Sets the effect from the action's experiment (its metric's relative lift for its treatment variant); BAD_USER_INPUT, leaving the action unchanged, unless that result is significantly better.",
  })
  async measureActionEffect(
    @Arg('id', () => ID, { description: 'Global id of the action.' }) id: string,
  ): Promise<MeasureActionEffectPayload> {
    const row = await this.services.actions.measureEffect(fromGlobalId(id, 'Action', 'id'));

    return { action: toAction(row) };
  }
}

/** The service's view of the shared input fields; global ids decoded. */
function changesOf(input: ActionDefinitionInput): ActionChanges {
  return {
    description: input.description,
    costPerContact: input.costPerContact,
    incentiveCost: input.incentiveCost,
    segmentId: decodeOptional(input.segmentId, 'Segment', 'input.segmentId'),
    contactType: input.contactType,
    maxContacts: input.maxContacts,
    contactWindowDays: input.contactWindowDays,
    experimentId: decodeOptional(input.experimentId, 'Experiment', 'input.experimentId'),
    variantKey: input.variantKey,
    metricKey: input.metricKey,
  };
}

// undefined leaves the reference alone, null clears it.
function decodeOptional(
  id: string | null | undefined,
  type: string,
  field: string,
): number | null | undefined {
  return id === undefined || id === null ? id : fromGlobalId(id, type, field);
}
