import { ArrayMaxSize, IsOptional, Max, Min } from 'class-validator';
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
import { READERS, WRITERS } from '../auth/principal';
import type { PulseContext } from '../graphql/context';
import { toConnection } from '../graphql/connection';
import { fromGlobalId } from '../graphql/global-id';
import { ForwardPageArgs } from '../graphql/page-args';
import type { Services } from '../services';
import { toBoardEntry, toKpi, toKpiUpdate, toKpiValue } from './kpi.mapper';
import type { KpiChanges } from './kpi.service';
import { KpiTopic, type KpiUpdatedPayload } from './kpi.topics';
import {
  CreateKpiInput,
  CreateKpiPayload,
  DeleteKpiInput,
  DeleteKpiPayload,
  EvaluateKpisInput,
  EvaluateKpisPayload,
  Kpi,
  KpiBoardEntry,
  KpiComparison,
  KpiComparisonBase,
  KpiConnection,
  type KpiDefinitionInput,
  KpiUpdate,
  KpiValue,
  UpdateKpiInput,
  UpdateKpiPayload,
} from './kpi.types';
import { changeOf } from './kpi-status';
import type { TargetDirection } from './kpi.entity';
import type { Metric } from './metrics';
import type { Period } from './periods';

/** Periods one series returns at most (three years of days). */
const MAX_SERIES_DAYS = 1100;

@ArgsType()
class SeriesArgs {
  @Field({ description: 'Periods starting at or after this instant.' })
  from!: Date;

  @Field({ description: 'Periods starting before this instant.' })
  to!: Date;
}

@ArgsType()
class CompareArgs {
  @Field({
    description: 'An instant in the period to compare (its period in the KPI granularity).',
  })
  period!: Date;

  @Field(() => KpiComparisonBase, { description: 'What to compare it with.' })
  against!: KpiComparisonBase;
}

@ArgsType()
class BoardArgs {
  @Field(() => Int, { defaultValue: 12, description: 'Values in each sparkline (2 to 100).' })
  @Min(2)
  @Max(100)
  sparklineSize!: number;
}

@ArgsType()
class KpiUpdatedArgs {
  @Field(() => [ID], { nullable: true, description: 'Only these KPIs; all by default.' })
  @IsOptional()
  @ArrayMaxSize(100)
  kpiIds?: string[];
}

@Resolver(() => Kpi)
export class KpiResolver {
  constructor(private readonly services: Services) {}

  @Authorized(READERS)
  @Query(() => Kpi, { description: 'One KPI by id; NOT_FOUND when unknown.' })
  async kpi(
    @Arg('id', () => ID, { description: 'Global id of the KPI.' }) id: string,
  ): Promise<Kpi> {
    return toKpi(await this.services.kpis.get(fromGlobalId(id, 'Kpi', 'id')));
  }

  @Authorized(READERS)
  @Query(() => Kpi, { description: 'One KPI by key; NOT_FOUND when unknown.' })
  async kpiByKey(@Arg('key', { description: 'The KPI key.' }) key: string): Promise<Kpi> {
    return toKpi(await this.services.kpis.byKey(key));
  }

  @Authorized(READERS)
  @Query(() => KpiConnection, { description: 'KPIs by key, a page at a time.' })
  async kpis(@Args() args: ForwardPageArgs): Promise<KpiConnection> {
    return toConnection(KpiConnection, await this.services.kpis.list(args), toKpi);
  }

  @Authorized(READERS)
  @Query(() => [KpiBoardEntry], {
    description: 'Every KPI with its current value, change, status and sparkline, by key.',
  })
  async kpiBoard(@Args() args: BoardArgs): Promise<KpiBoardEntry[]> {
    const rows = await this.services.kpis.board(new Date(), args.sparklineSize);

    return rows.map((row) => toBoardEntry(row.kpi, row.values));
  }

  @Authorized(WRITERS)
  @Mutation(() => CreateKpiPayload, {
    description: 'Creates a KPI; evaluateKpis computes its values.',
  })
  async createKpi(
    @Arg('input', { description: 'The new KPI.' }) input: CreateKpiInput,
  ): Promise<CreateKpiPayload> {
    const row = await this.services.kpis.create({ ...definitionOf(input), key: input.key });

    return { kpi: toKpi(row) };
  }

  @Authorized(WRITERS)
  @Mutation(() => UpdateKpiPayload, {
    description:
      'Changes a KPI if still at the given version (CONFLICT otherwise); a new metric, scope or granularity drops its stored values.',
  })
  async updateKpi(
    @Arg('input', { description: 'The changes.' }) input: UpdateKpiInput,
  ): Promise<UpdateKpiPayload> {
    const row = await this.services.kpis.update(
      fromGlobalId(input.id, 'Kpi', 'input.id'),
      input.version,
      definitionOf(input),
    );

    return { kpi: toKpi(row) };
  }

  @Authorized(WRITERS)
  @Mutation(() => DeleteKpiPayload, { description: 'Deletes a KPI and its values.' })
  async deleteKpi(
    @Arg('input', { description: 'The KPI.' }) input: DeleteKpiInput,
  ): Promise<DeleteKpiPayload> {
    await this.services.kpis.remove(fromGlobalId(input.id, 'Kpi', 'input.id'), input.version);

    return { deletedId: input.id };
  }

  @Authorized(WRITERS)
  @Mutation(() => EvaluateKpisPayload, {
    description:
      'Evaluates KPIs now (open and late periods, or the whole history when cold), then their alert rules.',
  })
  async evaluateKpis(
    @Arg('input', () => EvaluateKpisInput, { nullable: true, description: 'Which KPIs and how.' })
    input: EvaluateKpisInput | null,
  ): Promise<EvaluateKpisPayload> {
    const kpiIds = input?.kpiIds?.map((id, i) => fromGlobalId(id, 'Kpi', `input.kpiIds[${i}]`));
    const evaluated = await this.services.kpiEvaluation.evaluate(new Date(), {
      kpiIds,
      cold: input?.cold,
    });

    return {
      kpis: evaluated.length,
      values: evaluated.reduce((sum, kpi) => sum + kpi.values.length, 0),
    };
  }

  @Authorized(READERS)
  @Subscription(() => KpiUpdate, {
    topics: KpiTopic.UPDATED,
    filter: ({ payload, args }: { payload: KpiUpdatedPayload; args: KpiUpdatedArgs }) =>
      !args.kpiIds?.length || args.kpiIds.some((id) => sameKpi(id, payload.kpiId)),
    description: 'Stored KPI values that changed in an evaluation.',
  })
  async kpiUpdated(
    @Root() payload: KpiUpdatedPayload,
    @Args() _args: KpiUpdatedArgs,
  ): Promise<KpiUpdate> {
    // A subscription keeps one context (and loader cache) for all its events: read afresh.
    return toKpiUpdate(payload, toKpi(await this.services.kpis.get(payload.kpiId, 'kpiIds')));
  }

  @FieldResolver(() => [KpiValue], {
    description: `Stored values of the periods starting in [from, to), oldest first (at most ${MAX_SERIES_DAYS} days apart).`,
  })
  async series(
    @Root() kpi: Kpi,
    @Args() args: SeriesArgs,
    @Ctx() ctx: PulseContext,
  ): Promise<KpiValue[]> {
    this.services.kpis.checkRange(args.from, args.to, MAX_SERIES_DAYS);
    const rows = await ctx.loaders.kpiSeriesByKpiId.load({
      parentId: kpi.dbId,
      args: { from: args.from.toISOString(), to: args.to.toISOString() },
    });

    return rows.map((row) => toKpiValue(kpi, row));
  }

  @FieldResolver(() => KpiValue, {
    nullable: true,
    description: 'The latest period started by now.',
  })
  async current(@Root() kpi: Kpi, @Ctx() ctx: PulseContext): Promise<KpiValue | null> {
    const [row] = await ctx.loaders.currentKpiValueByKpiId.load(kpi.dbId);

    return row ? toKpiValue(kpi, row) : null;
  }

  @FieldResolver(() => KpiComparison, {
    description: 'A period against the previous one or last year.',
  })
  async compare(
    @Root() kpi: Kpi,
    @Args() args: CompareArgs,
    @Ctx() ctx: PulseContext,
  ): Promise<KpiComparison> {
    const pair = await ctx.loaders.kpiComparisonByKpiId.load({
      parentId: kpi.dbId,
      args: { at: args.period.toISOString(), against: args.against },
    });
    const current = pair.current && toKpiValue(kpi, pair.current);
    const base = pair.base && toKpiValue(kpi, pair.base);
    const change = changeOf(current?.value ?? null, base?.value ?? null);

    return { current, base, absoluteChange: change.absolute, relativeChange: change.relative };
  }
}

/** The service's view of a create/update input; global ids decoded. */
function definitionOf(input: KpiDefinitionInput): KpiChanges {
  const { scope, metric, granularity, targetDirection, ...rest } = input;

  return {
    ...rest,
    metric: metric as Metric | undefined,
    granularity: granularity as Period | undefined,
    targetDirection: targetDirection as TargetDirection | undefined,
    scope:
      scope === undefined
        ? undefined
        : scope && {
            segmentId: scope.segmentId
              ? fromGlobalId(scope.segmentId, 'Segment', 'input.scope.segmentId')
              : undefined,
            channel: scope.channel,
            country: scope.country,
          },
  };
}

function sameKpi(globalId: string, kpiId: number): boolean {
  try {
    return fromGlobalId(globalId, 'Kpi', 'kpiIds') === kpiId;
  } catch {
    return false;
  }
}
