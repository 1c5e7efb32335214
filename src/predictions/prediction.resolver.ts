import { Max, Min } from 'class-validator';
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
} from 'type-graphql';
import { masksPersonalData } from '../auth/masking';
import { READERS, WRITERS } from '../auth/principal';
import { Customer } from '../customers/customer.types';
import { notFound } from '../errors';
import type { PulseContext } from '../graphql/context';
import { toConnection } from '../graphql/connection';
import { fromGlobalId } from '../graphql/global-id';
import { ForwardPageArgs } from '../graphql/page-args';
import type { Services } from '../services';
import type { PredictionKind } from './prediction-kind';
import { toModelVersion, toPrediction, toScoringRun } from './prediction.mapper';
import {
  ModelVersion,
  ModelVersionConnection,
  PromoteModelPayload,
  ScoringRun,
  TrainModelInput,
  TrainModelPayload,
} from './model-version.types';
import {
  ModelStatusValue,
  Prediction,
  PredictionDistribution,
  PredictionKindValue,
} from './prediction.types';
import type { TrainingRequest } from './training-options';

@ArgsType()
class ModelVersionsArgs extends ForwardPageArgs {
  @Field(() => PredictionKindValue, { nullable: true, description: 'Only this kind.' })
  kind?: PredictionKindValue;

  @Field(() => [ModelStatusValue], { nullable: true, description: 'Only these statuses.' })
  statuses?: ModelStatusValue[];
}

@ArgsType()
class DistributionArgs {
  @Field(() => PredictionKindValue, { description: 'Which predictions.' })
  kind!: PredictionKindValue;

  @Field(() => Int, { defaultValue: 10, description: 'Histogram bins, 2 to 50.' })
  @Min(2)
  @Max(50)
  bins!: number;
}

const versionArg = { description: 'Global id of the model version.' };
const versionId = (id: string, field: string) => fromGlobalId(id, 'ModelVersion', field);
const principalName = (ctx: PulseContext) => (ctx.principal ? `key:${ctx.principal.keyId}` : null);

@Resolver(() => ModelVersion)
export class ModelVersionResolver {
  constructor(private readonly services: Services) {}

  @Authorized(READERS)
  @Query(() => ModelVersion, { description: 'One model version by id; NOT_FOUND when unknown.' })
  async modelVersion(@Arg('id', () => ID, versionArg) id: string): Promise<ModelVersion> {
    const row = await this.services.modelRegistry.byId(versionId(id, 'id'));
    if (!row) {
      throw notFound('Model version', 'id');
    }

    return toModelVersion(row);
  }

  @Authorized(READERS)
  @Query(() => ModelVersionConnection, { description: 'Model versions, newest first.' })
  async modelVersions(@Args() args: ModelVersionsArgs): Promise<ModelVersionConnection> {
    const { kind, statuses, ...page } = args;

    return toConnection(
      ModelVersionConnection,
      await this.services.modelRegistry.page({ kind, statuses }, page),
      toModelVersion,
    );
  }

  @Authorized(READERS)
  @Query(() => ModelVersion, { nullable: true, description: 'The ACTIVE model of a kind, if any.' })
  async activeModel(
    @Arg('kind', () => PredictionKindValue, { description: 'The kind.' }) kind: PredictionKindValue,
  ): Promise<ModelVersion | null> {
    const row = await this.services.modelRegistry.active(kind as PredictionKind);

    return row && toModelVersion(row);
  }

  @Authorized(READERS)
  @Query(() => PredictionDistribution, {
    description: "How one kind's current predictions are spread: deciles and a histogram.",
  })
  predictionDistribution(@Args() args: DistributionArgs): Promise<PredictionDistribution> {
    return this.services.predictions.distribution(
      args.kind as PredictionKind,
      args.bins,
    ) as Promise<PredictionDistribution>;
  }

  @Authorized(WRITERS)
  @Mutation(() => TrainModelPayload, {
    description:
      'Starts training in the background (CONFLICT while the kind is training) and returns the TRAINING version; poll its progress. The first model of a kind is promoted and scored when done.',
  })
  async trainModel(
    @Arg('input', { description: 'What to train.' }) input: TrainModelInput,
    @Ctx() ctx: PulseContext,
  ): Promise<TrainModelPayload> {
    const started = await this.services.training.start(
      input as unknown as TrainingRequest,
      principalName(ctx),
    );

    return { modelVersion: toModelVersion(started.version) };
  }

  @Authorized(WRITERS)
  @Mutation(() => PromoteModelPayload, {
    description:
      "Makes a CANDIDATE (or RETIRED) version ACTIVE and retires the current one, when its out-of-time AUC is not worse than the active model's by more than 0.005 (CLV: purchase error not 2 % worse), or with force and a reason. Scoring follows in the background.",
  })
  async promoteModel(
    @Arg('id', () => ID, versionArg) id: string,
    @Arg('force', { defaultValue: false, description: 'Promote even if the rule refuses.' })
    force: boolean,
    @Arg('reason', () => String, { nullable: true, description: 'Why; required with force.' })
    reason: string | null,
    @Ctx() ctx: PulseContext,
  ): Promise<PromoteModelPayload> {
    const row = await this.services.modelRegistry.promote(versionId(id, 'id'), {
      force,
      reason,
      by: principalName(ctx),
    });
    // Scoring takes seconds to minutes; the new scores replace the old ones when it ends.
    this.services.scoring.scoreInBackground(row.kind);

    return { modelVersion: toModelVersion(row) };
  }

  @Authorized(WRITERS)
  @Mutation(() => ScoringRun, {
    nullable: true,
    description:
      'Scores every customer with the active model of a kind now and returns the run with its drift; null without an active model or while another pass runs.',
  })
  async scoreCustomers(
    @Arg('kind', () => PredictionKindValue, { description: 'The kind.' }) kind: PredictionKindValue,
  ): Promise<ScoringRun | null> {
    const run = await this.services.scoring.score(kind as PredictionKind);

    return run && toScoringRun(run, this.services.scoring.driftThreshold);
  }

  @FieldResolver(() => ScoringRun, {
    nullable: true,
    description: 'The latest scoring pass of this version, with drift.',
  })
  async latestScoringRun(
    @Root() version: ModelVersion,
    @Ctx() ctx: PulseContext,
  ): Promise<ScoringRun | null> {
    const run = await ctx.loaders.latestScoringRunByModelVersionId.load(version.dbId);

    return run && toScoringRun(run, this.services.scoring.driftThreshold);
  }
}

@Resolver(() => Prediction)
export class PredictionResolver {
  @FieldResolver(() => ModelVersion, { description: 'The model version that scored it.' })
  async modelVersion(
    @Root() prediction: Prediction,
    @Ctx() ctx: PulseContext,
  ): Promise<ModelVersion> {
    return toModelVersion(
      (await ctx.loaders.modelVersionById.load(prediction.modelVersionId)) as NonNullable<
        Awaited<ReturnType<PulseContext['loaders']['modelVersionById']['load']>>
      >,
    );
  }
}

@Resolver(() => Customer)
export class CustomerPredictionResolver {
  @FieldResolver(() => [Prediction], {
    description:
      "The customer's latest predictions, one per kind scored (none before a model is active).",
  })
  async predictions(@Root() customer: Customer, @Ctx() ctx: PulseContext): Promise<Prediction[]> {
    const masked = masksPersonalData(ctx.principal?.role);

    return (await ctx.loaders.predictionsByCustomerId.load(customer.dbId)).map((row) =>
      toPrediction(row, masked),
    );
  }
}
