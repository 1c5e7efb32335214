import { Arg, Authorized, Ctx, ID, Query, Resolver } from 'type-graphql';
import { toAlertEvent, toAlertRule } from '../alerts/alert.mapper';
import { toWebhookDelivery } from '../alerts/webhook.mapper';
import { toApiKey } from '../apikeys/api-key.mapper';
import { READERS, Role, WRITERS } from '../auth/principal';
import { loadCustomer, loadMergedCustomer } from '../customers/customer.mapper';
import { toExperiment } from '../experiments/experiment.mapper';
import { toModelVersion } from '../predictions/prediction.mapper';
import { toInteraction } from '../interactions/interaction.mapper';
import { toKpi } from '../kpis/kpi.mapper';
import { toOrder, toOrderLine } from '../orders/order.mapper';
import { toAction } from '../predictions/action.mapper';
import { toAuditEntry } from '../privacy/audit.mapper';
import { toSegment } from '../segments/segment.mapper';
import { PulseError } from '../errors';
import type { PulseContext } from './context';
import { decodeGlobalId } from './global-id';
import { Node } from './node';

type Fetcher = (ctx: PulseContext, dbId: number) => Promise<Node | null>;

function onlyFor(roles: readonly Role[], what: string, fetch: Fetcher): Fetcher {
  return async (ctx, id) => {
    if (!ctx.principal || !roles.includes(ctx.principal.role)) {
      throw new PulseError('FORBIDDEN', `The ${ctx.principal?.role} role may not read ${what}`);
    }

    return fetch(ctx, id);
  };
}

const adminOnly = (what: string, fetch: Fetcher) => onlyFor([Role.ADMIN], what, fetch);

// Each type reachable by global id, loaded through the request's loaders so that `nodes(ids)`
// costs one query per type, not one per id.
const FETCHERS: Record<string, Fetcher> = {
  // The action catalogue is the writers' (partners see actions only inside recommendations).
  Action: onlyFor(WRITERS, 'the action catalogue', async (ctx, id) => {
    const row = await ctx.loaders.actionById.load(id);

    return row && toAction(row);
  }),
  AlertEvent: async (ctx, id) => {
    const row = await ctx.loaders.alertEventById.load(id);

    return row && toAlertEvent(row);
  },
  AlertRule: async (ctx, id) => {
    const row = await ctx.loaders.alertRuleById.load(id);

    return row && toAlertRule(row, ctx);
  },
  // Key metadata and the audit log are ADMIN's alone, whichever path asks for them.
  ApiKey: adminOnly('API keys', async (ctx, id) => {
    const row = await ctx.loaders.apiKeyById.load(id);

    return row && toApiKey(row);
  }),
  AuditEntry: adminOnly('the audit log', async (ctx, id) => {
    const row = await ctx.loaders.auditEntryById.load(id);

    return row && toAuditEntry(row);
  }),
  // A merged customer's global id leads to its survivor.
  Customer: async (ctx, id) => (await loadCustomer(ctx, id)) ?? loadMergedCustomer(ctx, id),
  Experiment: async (ctx, id) => {
    const row = await ctx.loaders.experimentById.load(id);

    return row && toExperiment(row);
  },
  ModelVersion: async (ctx, id) => {
    const row = await ctx.loaders.modelVersionById.load(id);

    return row && toModelVersion(row);
  },
  Interaction: async (ctx, id) => {
    const row = await ctx.loaders.interactionById.load(id);

    return row && toInteraction(row, ctx.principal);
  },
  Kpi: async (ctx, id) => {
    const row = await ctx.loaders.kpiById.load(id);

    return row && toKpi(row);
  },
  Order: async (ctx, id) => {
    const row = await ctx.loaders.orderById.load(id);

    return row && toOrder(row);
  },
  OrderLine: async (ctx, id) => {
    const row = await ctx.loaders.orderLineById.load(id);

    return row && toOrderLine(row);
  },
  Segment: async (ctx, id) => {
    const row = await ctx.loaders.segmentById.load(id);

    return row && toSegment(row);
  },
  WebhookDelivery: adminOnly('the webhook delivery log', async (ctx, id) => {
    const row = await ctx.loaders.webhookDeliveryById.load(id);

    return row && toWebhookDelivery(row);
  }),
};

@Resolver()
export class NodeResolver {
  @Authorized(READERS)
  @Query(() => Node, {
    nullable: true,
    description: 'Any object by its global id; null when it does not exist.',
  })
  node(
    @Arg('id', () => ID, { description: 'A global id.' }) id: string,
    @Ctx() ctx: PulseContext,
  ): Promise<Node | null> {
    return fetchNode(ctx, id, 'id');
  }

  @Authorized(READERS)
  @Query(() => [Node], {
    nullable: 'items',
    description: 'Objects by global id, in order; null where one does not exist.',
    // A list without `first`: its length is the number of ids asked for.
    complexity: ({ args, childComplexity }) =>
      (1 + childComplexity) * Math.max(Math.min((args.ids as string[]).length, 100), 1),
  })
  nodes(
    @Arg('ids', () => [ID], { description: 'Global ids (at most 100).' }) ids: string[],
    @Ctx() ctx: PulseContext,
  ): Promise<Array<Node | null>> {
    return Promise.all(ids.slice(0, 100).map((id, i) => fetchNode(ctx, id, `ids[${i}]`)));
  }
}

function fetchNode(ctx: PulseContext, id: string, field: string): Promise<Node | null> {
  const { type, dbId } = decodeGlobalId(id, field);
  const fetcher = FETCHERS[type];

  return fetcher ? fetcher(ctx, dbId) : Promise.resolve(null);
}
