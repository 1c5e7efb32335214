import { toGlobalId } from '../graphql/global-id';
import type { Channel } from '../interactions/channel';
import type { OutcomeMeasure as StoredMeasure } from './experiment-definition';
import type {
  ExperimentEntity,
  ExperimentMetricEntity,
  ExperimentVariantEntity,
} from './experiment.entity';
import type { ExperimentUpdatedPayload } from './experiment.topics';
import {
  Experiment,
  type ExperimentConclusion,
  type ExperimentMetric,
  type ExperimentStatusValue,
  type ExperimentUpdate,
  type ExperimentUpdateKindValue,
  type ExperimentVariant,
  type MeasureAggregate,
  type MeasureSource,
  type MetricKindValue,
  type MetricRoleValue,
  type OutcomeMeasure,
} from './experiment.types';

/** The GraphQL view of an experiment row. */
export function toExperiment(row: ExperimentEntity): Experiment {
  const conclusion = row.conclusion as
    | (Omit<ExperimentConclusion, 'concludedByKeyId' | 'kpiImpact'> & {
        concludedByKeyId: number | null;
        kpiImpact: ({ kpiId: number } & Record<string, unknown>) | null;
      })
    | null;

  return Object.assign(new Experiment(), {
    id: toGlobalId('Experiment', row.id),
    dbId: row.id,
    segmentId: row.segmentId,
    kpiDbId: row.kpiId,
    key: row.key,
    name: row.name,
    hypothesis: row.hypothesis,
    owner: row.owner,
    status: row.status as ExperimentStatusValue,
    trafficShare: row.trafficShare,
    startedAt: row.startedAt,
    stoppedAt: row.stoppedAt,
    concludedAt: row.concludedAt,
    archivedAt: row.archivedAt,
    looks: row.looks,
    conclusion: conclusion && {
      ...conclusion,
      concludedByKeyId:
        conclusion.concludedByKeyId === null
          ? null
          : toGlobalId('ApiKey', conclusion.concludedByKeyId),
      kpiImpact: conclusion.kpiImpact && {
        ...conclusion.kpiImpact,
        kpiId: toGlobalId('Kpi', conclusion.kpiImpact.kpiId),
      },
    },
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    version: row.version,
  });
}

export function toExperimentVariant(row: ExperimentVariantEntity): ExperimentVariant {
  return {
    experimentId: row.experimentId,
    variantId: row.id,
    key: row.key,
    name: row.name,
    weight: row.weight,
    isControl: row.isControl,
    costPerCustomer: row.costPerCustomer,
  };
}

export function toExperimentMetric(row: ExperimentMetricEntity): ExperimentMetric {
  return {
    key: row.key,
    name: row.name,
    role: row.role as MetricRoleValue,
    kind: row.kind as MetricKindValue,
    numerator: toMeasure(row.numerator),
    denominator: row.denominator && toMeasure(row.denominator),
    windowDays: row.windowDays,
    inverse: row.inverse,
    cuped: row.cuped,
  };
}

function toMeasure(measure: StoredMeasure): OutcomeMeasure {
  return {
    source: measure.source as MeasureSource,
    aggregate: measure.aggregate as MeasureAggregate,
    types: measure.types ?? null,
    channel: (measure.channel as Channel | undefined) ?? null,
    statuses: measure.statuses ?? null,
  };
}

export function toExperimentUpdate(
  payload: ExperimentUpdatedPayload,
  experiment: Experiment,
): ExperimentUpdate {
  return {
    experiment,
    kind: payload.kind as ExperimentUpdateKindValue,
    status: payload.status as ExperimentStatusValue,
    decision: payload.decision,
    message: payload.message,
    occurredAt: new Date(payload.occurredAt),
  };
}
