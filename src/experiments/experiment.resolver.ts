import { ArrayMaxSize, IsOptional } from 'class-validator';
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
import { toKpi } from '../kpis/kpi.mapper';
import { Kpi } from '../kpis/kpi.types';
import { toSegment } from '../segments/segment.mapper';
import { Segment } from '../segments/segment.types';
import type { Services } from '../services';
import type { MetricDefinition, OutcomeMeasure, VariantDefinition } from './experiment-definition';
import {
  toExperiment,
  toExperimentMetric,
  toExperimentUpdate,
  toExperimentVariant,
} from './experiment.mapper';
import type { ExperimentChanges } from './experiment.service';
import { ExperimentTopic, type ExperimentUpdatedPayload } from './experiment.topics';
import {
  ConcludeExperimentInput,
  CreateExperimentInput,
  Experiment,
  ExperimentConnection,
  ExperimentFilter,
  ExperimentMetric,
  type ExperimentMetricInput,
  ExperimentPayload,
  ExperimentUpdate,
  ExperimentVariant,
  type ExperimentVariantInput,
  type OutcomeMeasureInput,
  UpdateExperimentInput,
} from './experiment.types';
import { toExperimentResults } from './results.mapper';
import { AnalysisSettingsInput, ExperimentResults } from './results.types';

@ArgsType()
class ExperimentsArgs extends ForwardPageArgs {
  @Field(() => ExperimentFilter, { nullable: true, description: 'Which experiments.' })
  filter?: ExperimentFilter;
}

@ArgsType()
class ExperimentUpdatedArgs {
  @Field(() => [ID], { nullable: true, description: 'Only these experiments; all by default.' })
  @IsOptional()
  @ArrayMaxSize(100)
  experimentIds?: string[];
}

const idArg = { description: 'Global id of the experiment.' };

@Resolver(() => Experiment)
export class ExperimentResolver {
  constructor(private readonly services: Services) {}

  @Authorized(READERS)
  @Query(() => Experiment, { description: 'One experiment by id; NOT_FOUND when unknown.' })
  async experiment(@Arg('id', () => ID, idArg) id: string): Promise<Experiment> {
    return toExperiment(await this.services.experiments.get(experimentId(id, 'id')));
  }

  @Authorized(READERS)
  @Query(() => ExperimentConnection, { description: 'Experiments, newest first.' })
  async experiments(@Args() args: ExperimentsArgs): Promise<ExperimentConnection> {
    const { filter, ...page } = args;

    return toConnection(
      ExperimentConnection,
      await this.services.experiments.list(filter ?? {}, page),
      toExperiment,
    );
  }

  @Authorized(WRITERS)
  @Mutation(() => ExperimentPayload, { description: 'Creates a DRAFT experiment.' })
  async createExperiment(
    @Arg('input', { description: 'The experiment.' }) input: CreateExperimentInput,
  ): Promise<ExperimentPayload> {
    const changes = changesOf(input);
    const row = await this.services.experiments.create({
      ...(changes as Required<ExperimentChanges>),
      hypothesis: changes.hypothesis ?? null,
      segmentId: changes.segmentId ?? null,
      kpiId: changes.kpiId ?? null,
      key: input.key,
    });

    return { experiment: toExperiment(row) };
  }

  @Authorized(WRITERS)
  @Mutation(() => ExperimentPayload, {
    description:
      'Changes an experiment at the given version (CONFLICT otherwise). RUNNING: only name, hypothesis, owner, KPI and a larger traffic share; later: only name, hypothesis, owner.',
  })
  async updateExperiment(
    @Arg('id', () => ID, idArg) id: string,
    @Arg('version', () => Int, { description: 'The version read.' }) version: number,
    @Arg('input', { description: 'The changes.' }) input: UpdateExperimentInput,
  ): Promise<ExperimentPayload> {
    const row = await this.services.experiments.update(
      experimentId(id, 'id'),
      version,
      changesOf(input),
    );

    return { experiment: toExperiment(row) };
  }

  @Authorized(WRITERS)
  @Mutation(() => ExperimentPayload, { description: 'DRAFT → RUNNING: assignment starts.' })
  async startExperiment(@Arg('id', () => ID, idArg) id: string): Promise<ExperimentPayload> {
    return this.move(id, 'RUNNING');
  }

  @Authorized(WRITERS)
  @Mutation(() => ExperimentPayload, {
    description: 'RUNNING → STOPPED: assignment ends; outcomes after now do not count.',
  })
  async stopExperiment(@Arg('id', () => ID, idArg) id: string): Promise<ExperimentPayload> {
    return this.move(id, 'STOPPED');
  }

  @Authorized(WRITERS)
  @Mutation(() => ExperimentPayload, { description: 'Any status but ARCHIVED → ARCHIVED.' })
  async archiveExperiment(@Arg('id', () => ID, idArg) id: string): Promise<ExperimentPayload> {
    return this.move(id, 'ARCHIVED');
  }

  @Authorized(WRITERS)
  @Mutation(() => ExperimentPayload, {
    description:
      'STOPPED → CONCLUDED: records the decision, the variant rolled out, notes and the KPI impact estimate.',
  })
  async concludeExperiment(
    @Arg('id', () => ID, idArg) id: string,
    @Arg('input', () => ConcludeExperimentInput, { nullable: true, description: 'The conclusion.' })
    input: ConcludeExperimentInput | null,
    @Ctx() ctx: PulseContext,
  ): Promise<ExperimentPayload> {
    const row = await this.services.experimentConclusions.conclude(
      experimentId(id, 'id'),
      { variantKey: input?.variantKey ?? null, notes: input?.notes ?? null },
      ctx.principal,
    );

    return { experiment: toExperiment(row) };
  }

  @Authorized(WRITERS)
  @Mutation(() => Int, {
    description:
      'Runs the experiment monitor now (it also runs every PULSE_EXPERIMENT_MONITOR_MINUTES): announces first SRMs and new decisions; returns how many.',
  })
  async monitorExperiments(): Promise<number> {
    return this.services.experimentMonitor.run();
  }

  @Authorized(READERS)
  @Subscription(() => ExperimentUpdate, {
    topics: ExperimentTopic.UPDATED,
    filter: ({
      payload,
      args,
    }: {
      payload: ExperimentUpdatedPayload;
      args: ExperimentUpdatedArgs;
    }) =>
      !args.experimentIds?.length ||
      args.experimentIds.some((id) => {
        try {
          return experimentId(id, 'experimentIds') === payload.experimentId;
        } catch {
          return false;
        }
      }),
    description: 'Status changes, the first sample ratio mismatch, and each new decision.',
  })
  async experimentUpdated(
    @Root() payload: ExperimentUpdatedPayload,
    @Args() _args: ExperimentUpdatedArgs,
  ): Promise<ExperimentUpdate> {
    // A subscription keeps one context (and loader cache) for all its events: read afresh.
    const row = await this.services.experiments.get(payload.experimentId, 'experimentIds');

    return toExperimentUpdate(payload, toExperiment(row));
  }

  @FieldResolver(() => Segment, { nullable: true, description: 'Targeting; null = all customers.' })
  async segment(@Root() experiment: Experiment, @Ctx() ctx: PulseContext): Promise<Segment | null> {
    const row =
      experiment.segmentId === null
        ? null
        : await ctx.loaders.segmentById.load(experiment.segmentId);

    return row && toSegment(row);
  }

  @FieldResolver(() => Kpi, { nullable: true, description: 'The KPI it aims to move.' })
  async kpi(@Root() experiment: Experiment, @Ctx() ctx: PulseContext): Promise<Kpi | null> {
    const row =
      experiment.kpiDbId === null ? null : await ctx.loaders.kpiById.load(experiment.kpiDbId);

    return row && toKpi(row);
  }

  @FieldResolver(() => [ExperimentVariant], { description: 'Variants, in order.' })
  async variants(
    @Root() experiment: Experiment,
    @Ctx() ctx: PulseContext,
  ): Promise<ExperimentVariant[]> {
    return (await ctx.loaders.variantsByExperimentId.load(experiment.dbId)).map(
      toExperimentVariant,
    );
  }

  @FieldResolver(() => [ExperimentMetric], { description: 'Metrics, in order.' })
  async metrics(
    @Root() experiment: Experiment,
    @Ctx() ctx: PulseContext,
  ): Promise<ExperimentMetric[]> {
    return (await ctx.loaders.metricsByExperimentId.load(experiment.dbId)).map(toExperimentMetric);
  }

  @FieldResolver(() => Int, { description: 'Customers exposed so far.' })
  async exposedCount(@Root() experiment: Experiment, @Ctx() ctx: PulseContext): Promise<number> {
    const counts = await ctx.loaders.exposedCountsByExperimentId.load(experiment.dbId);

    return counts.reduce((sum, count) => sum + count.n, 0);
  }

  @FieldResolver(() => ExperimentResults, {
    description:
      'The analysis now: per metric and variant the SQL sums, comparisons, health checks, campaign return and the decision. Reading it while RUNNING counts a look.',
    complexity: 50,
  })
  async results(
    @Root() experiment: Experiment,
    @Arg('settings', () => AnalysisSettingsInput, {
      nullable: true,
      description: 'Analysis settings; defaults apply to what is omitted.',
    })
    settings: AnalysisSettingsInput | null,
  ): Promise<ExperimentResults> {
    const row = await this.services.experiments.get(experiment.dbId);

    return toExperimentResults(await this.services.experimentResults.results(row, settings ?? {}));
  }

  private async move(
    id: string,
    to: 'RUNNING' | 'STOPPED' | 'ARCHIVED',
  ): Promise<ExperimentPayload> {
    const row = await this.services.experiments.transition(experimentId(id, 'id'), to);

    return { experiment: toExperiment(row) };
  }
}

@Resolver(() => ExperimentVariant)
export class ExperimentVariantResolver {
  @FieldResolver(() => Int, { description: 'Customers exposed to this variant so far.' })
  async exposedCount(
    @Root() variant: ExperimentVariant,
    @Ctx() ctx: PulseContext,
  ): Promise<number> {
    const counts = await ctx.loaders.exposedCountsByExperimentId.load(variant.experimentId);

    return counts.find((count) => count.variantId === variant.variantId)?.n ?? 0;
  }
}

function experimentId(id: string, field: string): number {
  return fromGlobalId(id, 'Experiment', field);
}

function changesOf(input: UpdateExperimentInput): ExperimentChanges {
  return {
    name: input.name,
    hypothesis: input.hypothesis,
    owner: input.owner,
    segmentId:
      input.segmentId === undefined
        ? undefined
        : fromGlobalId(input.segmentId, 'Segment', 'input.segmentId'),
    kpiId: input.kpiId === undefined ? undefined : fromGlobalId(input.kpiId, 'Kpi', 'input.kpiId'),
    trafficShare: input.trafficShare,
    variants: input.variants?.map(toVariantDefinition),
    metrics: input.metrics?.map(toMetricDefinition),
  };
}

function toVariantDefinition(input: ExperimentVariantInput): VariantDefinition {
  return {
    key: input.key,
    name: input.name ?? input.key,
    weight: input.weight,
    isControl: input.isControl,
    costPerCustomer: input.costPerCustomer ?? null,
  };
}

function toMetricDefinition(input: ExperimentMetricInput): MetricDefinition {
  return {
    key: input.key,
    name: input.name ?? input.key,
    role: input.role,
    kind: input.kind,
    numerator: toMeasure(input.numerator),
    denominator: input.denominator ? toMeasure(input.denominator) : null,
    windowDays: input.windowDays,
    inverse: input.inverse,
    cuped: input.cuped,
  };
}

function toMeasure(input: OutcomeMeasureInput): OutcomeMeasure {
  return {
    source: input.source,
    aggregate: input.aggregate,
    ...(input.types ? { types: input.types } : {}),
    ...(input.channel ? { channel: input.channel } : {}),
    ...(input.statuses ? { statuses: input.statuses } : {}),
  };
}
