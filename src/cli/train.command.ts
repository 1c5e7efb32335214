import { type Command, InvalidArgumentError, Option } from 'commander';
import { Presets, SingleBar } from 'cli-progress';
import { PulseError } from '../errors';
import {
  ALGORITHMS_BY_KIND,
  PREDICTION_KINDS,
  type ModelAlgorithm,
  type PredictionKind,
} from '../predictions/prediction-kind';
import { createServices } from '../services';
import { withDatabase } from './bootstrap';

interface TrainCommandOptions {
  kind: PredictionKind;
  algorithm?: ModelAlgorithm;
  horizonDays?: number;
  snapshots?: number;
  labelAttribute?: string;
  seed?: number;
}

const positive = (value: string): number => {
  const number = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!(number > 0)) {
    throw new InvalidArgumentError(`expected a positive whole number, got "${value}"`);
  }

  return number;
};

const percent = (value: unknown) => (typeof value === 'number' ? value.toFixed(3) : '—');

export function registerTrainCommand(program: Command): void {
  program
    .command('train')
    .description(
      'Train a model version in this process with a progress bar, then print its evaluation. The first model of a kind becomes ACTIVE and scores every customer; later ones stay CANDIDATE until promoted.',
    )
    .addOption(
      new Option('--kind <kind>', 'what to predict')
        .choices([...PREDICTION_KINDS])
        .makeOptionMandatory(),
    )
    .addOption(
      new Option(
        '--algorithm <algorithm>',
        'how to fit it (default: logistic regression; CLV: BG/NBD)',
      ).choices([...new Set(Object.values(ALGORITHMS_BY_KIND).flat())]),
    )
    .option('--horizon-days <days>', 'days ahead the label looks', positive)
    .option('--snapshots <n>', 'past snapshots to train on', positive)
    .option('--label-attribute <path>', 'CHURN: a boolean customer attribute that records churn')
    .option('--seed <s>', 'seed of splits and folds', positive)
    .action(async (options: TrainCommandOptions) => {
      await withDatabase(async (db, config) => {
        const bar = new SingleBar(
          {
            stream: process.stderr,
            format: 'training [{bar}] {percentage}% | {stage}',
            hideCursor: true,
          },
          Presets.shades_classic,
        );
        bar.start(100, 0, { stage: 'starting' });
        const services = createServices(db, config);
        try {
          const started = await services.training.start(
            {
              kind: options.kind,
              algorithm: options.algorithm ?? ALGORITHMS_BY_KIND[options.kind][0],
              horizonDays: options.horizonDays,
              snapshots: options.snapshots,
              labelAttribute: options.labelAttribute,
              seed: options.seed,
            },
            'cli',
            (share, stage) => bar.update(Math.round(share * 100), { stage }),
          );
          await started.done;
          bar.stop();
          const version = await services.modelRegistry.byId(started.version.id);
          if (!version || version.status === 'FAILED') {
            console.error(`Training failed: ${version?.error ?? 'unknown error'}`);
            process.exitCode = 1;

            return;
          }
          const metrics = (version.metrics ?? {}) as Record<string, Record<string, unknown> | null>;
          console.log(
            `${version.kind} v${version.number} (${version.algorithm}) is ${version.status}: ${version.sampleSize} training rows, positive rate ${percent(version.positiveRate)}.`,
          );
          if (version.kind === 'CLV') {
            const outOfTime = metrics.outOfTime ?? {};
            console.log(
              `Held-out purchases: expected ${percent(outOfTime.expectedPurchases)}, actual ${percent(outOfTime.actualPurchases)}, MAE per customer ${percent(outOfTime.meanAbsoluteError)}.`,
            );
          } else {
            console.table(
              (['inTime', 'outOfTime'] as const).map((set) => ({
                set: set === 'inTime' ? 'cross-validated' : 'out of time',
                AUC: percent(metrics[set]?.auc),
                'PR AUC': percent(metrics[set]?.averagePrecision),
                'log loss': percent(metrics[set]?.logLoss),
                Brier: percent(metrics[set]?.brier),
                ECE: percent(metrics[set]?.ece),
                'top-decile lift': percent(metrics[set]?.topDecileLift),
              })),
            );
          }
        } catch (error) {
          bar.stop();
          if (error instanceof PulseError) {
            console.error(
              `${error.code}${error.field ? ` (${error.field})` : ''}: ${error.message}`,
            );
            process.exitCode = 1;

            return;
          }
          throw error;
        }
      });
    });
}
