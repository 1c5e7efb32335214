import { badInput } from '../errors';
import { type FittedBinary, fitBinary, scoreBinary, suspectedLeaks } from './binary-model';
import { type DriftReference, ReferenceCollector } from './drift';
import {
  attributeValue,
  type FeatureChoice,
  featureSpecs,
  modelInputs,
  rawFeatures,
} from './feature-set';
import type { FeatureService, SnapshotRequest, SnapshotRow } from './feature.service';
import { type BinaryMetrics, evaluateBinary } from './metrics';
import {
  encodeRow,
  type FeatureEncoder,
  featureHash,
  fitEncoder,
  type RawValue,
} from './models/encoders';
import { stratifiedFolds } from './models/folds';
import { seededRandom, shuffledIndexes } from './models/random';
import { snapshotPlan, type TrainingOptions } from './training-options';
import type { TrainedModel, TrainingReport } from './trained-model';

// Trains a CHURN or PROPENSITY model: labelled rows from past snapshots, encoders fitted on
// them, in-time cross-validation, a final fit, and an out-of-time evaluation on the latest
// snapshot whose outcome is known (or, for an attribute label, cross-validation alone).

/** What scoring needs to rebuild a binary model's inputs. */
export interface BinaryModelState {
  choice: FeatureChoice;
  encoder: FeatureEncoder;
  fitted: FittedBinary;
}

/** Rows the encoder and the leak check look at: enough for stable means and AUCs. */
const SAMPLE_ROWS = 20_000;
const MIN_PER_CLASS = 10;

interface LabelledRows {
  raws: Array<Record<string, RawValue>>;
  labels: number[];
}

/** The label of a snapshot row: 1, 0, or null when the row has none. */
export function labelOf(options: TrainingOptions, row: SnapshotRow): number | null {
  if (options.labelAttribute !== null) {
    const value = attributeValue(row.aggregates.attributes, options.labelAttribute);
    if (value === true || value === 1 || value === 'true') {
      return 1;
    }

    return value === false || value === 0 || value === 'false' ? 0 : null;
  }
  if (row.labelPurchases === null) {
    return null;
  }
  // CHURN: an active buyer who buys nothing in the horizon; PROPENSITY: one who buys.
  const bought = row.labelPurchases > 0 ? 1 : 0;

  return options.kind === 'CHURN' ? 1 - bought : bought;
}

/** The snapshot request of a behavioural model at `snapshot`; labels only when asked. */
export function snapshotRequest(
  options: TrainingOptions,
  choice: FeatureChoice,
  snapshot: Date,
  withLabels: boolean,
): SnapshotRequest {
  const attributeLabelled = options.labelAttribute !== null;

  return {
    snapshot,
    population: options.kind === 'CHURN' && !attributeLabelled ? 'ACTIVE_BUYERS' : 'ALL',
    labelDays: withLabels && !attributeLabelled ? options.horizonDays : null,
    activeDays: options.activeDays,
    interactionTypes: choice.interactionTypes,
    attributes: choice.attributes.length > 0 || attributeLabelled,
  };
}

export class BinaryTrainingService {
  constructor(private readonly features: FeatureService) {}

  async train(options: TrainingOptions, now: Date, report: TrainingReport): Promise<TrainedModel> {
    const attributeLabelled = options.labelAttribute !== null;
    const plan = attributeLabelled ? null : snapshotPlan(now, options);
    const choice: FeatureChoice = {
      interactionTypes:
        options.interactionTypes ??
        (await this.features.frequentInteractionTypes(plan?.outOfTime ?? now, 5)),
      attributes: options.attributes,
    };
    const snapshots = plan?.training ?? [now];
    const training: LabelledRows = { raws: [], labels: [] };
    for (const [index, snapshot] of snapshots.entries()) {
      await report(
        0.3 * (index / snapshots.length),
        `reading snapshot ${snapshot.toISOString().slice(0, 10)}`,
      );
      await this.collect(options, choice, snapshot, training);
    }
    checkClasses(training.labels);

    await report(0.3, 'fitting encoders');
    const random = seededRandom(options.seed);
    const sample = [...shuffledIndexes(training.raws.length, random).slice(0, SAMPLE_ROWS)];
    const specs = featureSpecs(choice);
    const encoder = fitEncoder(
      specs,
      sample.map((index) => modelInputs(training.raws[index])),
    );
    const rows = training.raws.map((raw) => encodeRow(encoder, modelInputs(raw)));
    const data = { rows, labels: training.labels };
    const leaks = suspectedLeaks(encoder.columns, {
      rows: sample.map((index) => rows[index]),
      labels: sample.map((index) => training.labels[index]),
    });
    if (leaks.length > 0) {
      const { column, auc } = leaks[0];
      throw badInput(
        `feature ${column} predicts the label almost perfectly on its own (AUC ${auc.toFixed(3)}): it likely sees the outcome, so it is refused`,
        column.startsWith('attribute_') ? 'input.attributes' : 'input.interactionTypes',
      );
    }

    const width = encoder.columns.length;
    const outOfFold = this.crossValidate(options, data, width, (share) =>
      report(0.35 + 0.35 * share, 'cross-validating'),
    );
    const inTime = evaluateBinary(outOfFold.scores, training.labels);
    await report(0.7, 'fitting the final model');
    const fitted = fitBinary(data, width, options);

    const state: BinaryModelState = { choice, encoder, fitted };
    let outOfTime: BinaryMetrics | null = null;
    let reference: DriftReference;
    if (plan) {
      await report(0.85, 'evaluating out of time');
      const evaluation = await this.evaluate(options, state, plan.outOfTime);
      outOfTime = evaluation.metrics;
      reference = evaluation.reference;
    } else {
      const collector = new ReferenceCollector();
      training.raws.forEach((raw, index) => collector.add(outOfFold.scores[index], raw));
      reference = collector.reference();
    }
    const positives = training.labels.reduce((sum, label) => sum + label, 0);

    return {
      features: encoder.columns,
      featureHash: featureHash(encoder),
      trainingFrom: snapshots[0],
      trainingTo: snapshots[snapshots.length - 1],
      sampleSize: training.labels.length,
      positiveRate: positives / training.labels.length,
      metrics: {
        inTime,
        outOfTime,
        outOfTimeSnapshot: plan?.outOfTime.toISOString() ?? null,
        outOfTimeMissingReason: plan ? null : 'A label attribute has no history to hold out.',
        trainingSnapshots: snapshots.map((snapshot) => snapshot.toISOString()),
        folds: options.folds,
      },
      reference,
      model: state,
    };
  }

  private async collect(
    options: TrainingOptions,
    choice: FeatureChoice,
    snapshot: Date,
    into: LabelledRows,
  ): Promise<void> {
    for await (const batch of this.features.snapshotBatches(
      snapshotRequest(options, choice, snapshot, true),
    )) {
      for (const row of batch) {
        const label = labelOf(options, row);
        if (label !== null) {
          into.raws.push(rawFeatures(row.aggregates, snapshot, choice));
          into.labels.push(label);
        }
      }
    }
  }

  /** Out-of-fold scores from stratified k-fold: each row scored by a model that never saw it. */
  private crossValidate(
    options: TrainingOptions,
    data: { rows: Float64Array[]; labels: number[] },
    width: number,
    progress: (share: number) => void,
  ): { scores: Float64Array } {
    const folds = stratifiedFolds(data.labels, options.folds, options.seed);
    const scores = new Float64Array(data.rows.length);
    for (let fold = 0; fold < options.folds; fold++) {
      const train = { rows: [] as Float64Array[], labels: [] as number[] };
      data.rows.forEach((row, index) => {
        if (folds[index] !== fold) {
          train.rows.push(row);
          train.labels.push(data.labels[index]);
        }
      });
      const model = fitBinary(train, width, options);
      data.rows.forEach((row, index) => {
        if (folds[index] === fold) {
          scores[index] = scoreBinary(model, row);
        }
      });
      progress((fold + 1) / options.folds);
    }

    return { scores };
  }

  /** Metrics of the model on a labelled snapshot it was not trained on, and its baseline. */
  private async evaluate(
    options: TrainingOptions,
    state: BinaryModelState,
    snapshot: Date,
  ): Promise<{ metrics: BinaryMetrics | null; reference: DriftReference }> {
    const scores: number[] = [];
    const labels: number[] = [];
    const collector = new ReferenceCollector();
    for await (const batch of this.features.snapshotBatches(
      snapshotRequest(options, state.choice, snapshot, true),
    )) {
      for (const row of batch) {
        const label = labelOf(options, row);
        const raw = rawFeatures(row.aggregates, snapshot, state.choice);
        const score = scoreBinary(state.fitted, encodeRow(state.encoder, modelInputs(raw)));
        collector.add(score, raw);
        if (label !== null) {
          scores.push(score);
          labels.push(label);
        }
      }
    }
    if (scores.length === 0) {
      throw badInput('no customer is in the out-of-time snapshot', 'input.horizonDays');
    }

    return { metrics: evaluateBinary(scores, labels), reference: collector.reference() };
  }
}

function checkClasses(labels: readonly number[]): void {
  const positives = labels.reduce((sum, label) => sum + label, 0);
  if (positives < MIN_PER_CLASS || labels.length - positives < MIN_PER_CLASS) {
    throw badInput(
      `training needs at least ${MIN_PER_CLASS} customers of each outcome; found ${positives} positive and ${labels.length - positives} negative`,
      'input.kind',
    );
  }
}
