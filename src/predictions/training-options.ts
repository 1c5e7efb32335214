import { badInput } from '../errors';
import { attributePath } from '../segments/rule-input';
import type { AttributeFeature } from './feature-set';
import { ALGORITHMS_BY_KIND, type ModelAlgorithm, type PredictionKind } from './prediction-kind';
import { DAY_MS } from '../time';

// A training request as given, checked and completed with defaults. The result is stored with
// the model version, so that scoring reads features the same way and a run can be repeated.

/** What a caller may set; every field is optional except kind and algorithm. */
export interface TrainingRequest {
  kind: PredictionKind;
  algorithm: ModelAlgorithm;
  horizonDays?: number | null;
  snapshots?: number | null;
  snapshotStepDays?: number | null;
  activeDays?: number | null;
  labelAttribute?: string | null;
  attributes?: AttributeFeature[] | null;
  interactionTypes?: string[] | null;
  folds?: number | null;
  l2?: number | null;
  trees?: number | null;
  maxDepth?: number | null;
  learningRate?: number | null;
  minLeaf?: number | null;
  seed?: number | null;
}

/** A complete, valid training request. `interactionTypes` null = the most frequent. */
export interface TrainingOptions {
  kind: PredictionKind;
  algorithm: ModelAlgorithm;
  horizonDays: number;
  snapshots: number;
  snapshotStepDays: number;
  activeDays: number;
  labelAttribute: string | null;
  attributes: AttributeFeature[];
  interactionTypes: string[] | null;
  folds: number;
  l2: number;
  trees: number;
  maxDepth: number;
  learningRate: number;
  minLeaf: number;
  seed: number;
}

const DEFAULT_HORIZON: Record<PredictionKind, number> = { CHURN: 90, PROPENSITY: 30, CLV: 90 };
const TYPE = /^[A-Za-z0-9_.:-]{1,64}$/;

function integer(
  value: number | null | undefined,
  fallback: number,
  min: number,
  max: number,
  field: string,
): number {
  if (value === null || value === undefined) {
    return fallback;
  }
  if (!Number.isInteger(value) || value < min || value > max) {
    throw badInput(`must be a whole number from ${min} to ${max}`, field);
  }

  return value;
}

function real(
  value: number | null | undefined,
  fallback: number,
  min: number,
  max: number,
  field: string,
): number {
  if (value === null || value === undefined) {
    return fallback;
  }
  if (!Number.isFinite(value) || value < min || value > max) {
    throw badInput(`must be a number from ${min} to ${max}`, field);
  }

  return value;
}

/** Checks a request and fills in defaults; errors name the field under `input`. */
export function trainingOptions(request: TrainingRequest): TrainingOptions {
  const { kind, algorithm } = request;
  if (!ALGORITHMS_BY_KIND[kind].includes(algorithm)) {
    throw badInput(
      `${kind} models are trained with ${ALGORITHMS_BY_KIND[kind].join(' or ')}`,
      'input.algorithm',
    );
  }
  const horizonDays = integer(
    request.horizonDays,
    DEFAULT_HORIZON[kind],
    7,
    730,
    'input.horizonDays',
  );
  const labelAttribute =
    request.labelAttribute === null || request.labelAttribute === undefined
      ? null
      : attributePath(request.labelAttribute, 'input.labelAttribute');
  if (labelAttribute !== null && kind !== 'CHURN') {
    throw badInput('only CHURN can be labelled by a customer attribute', 'input.labelAttribute');
  }
  const attributes = (request.attributes ?? []).map((attribute, index) => ({
    path: attributePath(attribute.path, `input.attributes[${index}].path`),
    kind: attribute.kind,
  }));
  // The label itself is the most direct leak there is: it would be read as it is today.
  const labelIndex = attributes.findIndex((attribute) => attribute.path === labelAttribute);
  if (labelIndex >= 0) {
    throw badInput(
      'the label attribute cannot also be a feature',
      `input.attributes[${labelIndex}].path`,
    );
  }
  if (new Set(attributes.map((attribute) => attribute.path)).size !== attributes.length) {
    throw badInput('each attribute may be listed once', 'input.attributes');
  }
  const interactionTypes = request.interactionTypes ?? null;
  interactionTypes?.forEach((type, index) => {
    if (!TYPE.test(type)) {
      throw badInput(
        'must be an interaction type of 1 to 64 letters, digits or _.:-',
        `input.interactionTypes[${index}]`,
      );
    }
  });
  if (interactionTypes && interactionTypes.length > 20) {
    throw badInput('at most 20 interaction types', 'input.interactionTypes');
  }

  return {
    kind,
    algorithm,
    horizonDays,
    snapshots: integer(request.snapshots, 3, 1, 12, 'input.snapshots'),
    snapshotStepDays: integer(
      request.snapshotStepDays,
      horizonDays,
      7,
      730,
      'input.snapshotStepDays',
    ),
    activeDays: integer(request.activeDays, 365, 30, 1825, 'input.activeDays'),
    labelAttribute,
    attributes,
    interactionTypes: interactionTypes ? [...new Set(interactionTypes)] : null,
    folds: integer(request.folds, 5, 2, 10, 'input.folds'),
    l2: real(request.l2, 1, 0, 1e6, 'input.l2'),
    trees: integer(request.trees, 300, 1, 2000, 'input.trees'),
    maxDepth: integer(request.maxDepth, 3, 1, 8, 'input.maxDepth'),
    learningRate: real(request.learningRate, 0.1, 0.001, 1, 'input.learningRate'),
    minLeaf: integer(request.minLeaf, 20, 1, 100_000, 'input.minLeaf'),
    seed: integer(request.seed, 1, 0, 2 ** 31 - 1, 'input.seed'),
  };
}

/**
 * The snapshot instants of a behavioural model trained at `now`. The out-of-time snapshot is
 * the latest whose label window has fully passed (UTC midnight, `horizonDays` back). Training
 * snapshots end one horizon before it, so that no training label looks past the out-of-time
 * snapshot, and step back from there; oldest first.
 */
export function snapshotPlan(
  now: Date,
  options: Pick<TrainingOptions, 'horizonDays' | 'snapshots' | 'snapshotStepDays'>,
): { training: Date[]; outOfTime: Date } {
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  const outOfTime = today - options.horizonDays * DAY_MS;
  const latestTraining = outOfTime - options.horizonDays * DAY_MS;
  const training = Array.from(
    { length: options.snapshots },
    (_, index) =>
      new Date(
        latestTraining - (options.snapshots - 1 - index) * options.snapshotStepDays * DAY_MS,
      ),
  );

  return { training, outOfTime: new Date(outOfTime) };
}
