import type { DataSource } from 'typeorm';
import { PulseError } from '../errors';
import { JobLease, leaseHolder } from '../jobs/job-lease';
import type { Log } from '../log';
import type { BinaryTrainingService } from './binary-training.service';
import type { ClvTrainingService } from './clv-training.service';
import type { ModelRegistryService } from './model-registry.service';
import type { ModelVersionEntity } from './model-version.entity';
import type { ScoringService } from './scoring.service';
import { type TrainingOptions, type TrainingRequest, trainingOptions } from './training-options';

/** How long a training lease lasts between progress reports. */
const LEASE_MS = 10 * 60_000;
/** Progress is written at most this often, so that tree-by-tree reports cost no SQL each. */
const REPORT_EVERY_MS = 500;

/** A started training run: its version now, and the run itself to await (CLI, tests). */
export interface StartedTraining {
  version: ModelVersionEntity;
  done: Promise<void>;
}

/**
 * Runs training as a background job: one run per kind at a time across every instance (a
 * lease named after the kind, renewed with each progress report), progress written to the
 * version for the API, and the first model of a kind promoted and scored on success.
 */
export class TrainingService {
  constructor(
    private readonly db: DataSource,
    private readonly registry: ModelRegistryService,
    private readonly binary: BinaryTrainingService,
    private readonly clv: ClvTrainingService,
    private readonly scoring: ScoringService,
    private readonly log: Log,
  ) {}

  /**
   * Checks the request, takes the kind's lease (CONFLICT while another run holds it), creates
   * the TRAINING version and starts the run without waiting for it.
   */
  async start(
    request: TrainingRequest,
    createdBy: string | null,
    onProgress: (share: number, stage: string) => void = () => undefined,
  ): Promise<StartedTraining> {
    const options = trainingOptions(request);
    // A holder per run: a lease is re-entrant for its holder, so an instance-wide one would let
    // a second run of the kind on this instance take it while the first still runs.
    const lease = new JobLease(
      this.db,
      `predictions.train.${options.kind}`,
      leaseHolder(),
      LEASE_MS,
    );
    if (!(await lease.acquire())) {
      throw new PulseError('CONFLICT', `a ${options.kind} model is already training`, 'input.kind');
    }
    // Holding the lease, any version still TRAINING was left by a run that died.
    await this.registry.failInterrupted(options.kind);
    const version = await this.registry.create(options, createdBy);
    // Nobody awaits `done` for an API request: a release failing (the database closed by a
    // shutdown mid-run) must be logged, not crash the process as an unhandled rejection.
    const done = this.run(version.id, options, lease, onProgress).finally(() =>
      lease.release().catch((error) =>
        this.log.warn('training lease release failed', {
          kind: options.kind,
          error: String(error),
        }),
      ),
    );

    return { version, done };
  }

  private async run(
    id: number,
    options: TrainingOptions,
    lease: JobLease,
    onProgress: (share: number, stage: string) => void,
  ): Promise<void> {
    const started = Date.now();
    let reported = 0;
    const report = async (share: number, stage: string): Promise<void> => {
      // SQLite queries complete without waiting for I/O, so without this yield a run would hold
      // the event loop (and the request that started it) until it ends.
      await new Promise<void>((resolve) => setImmediate(resolve));
      onProgress(share, stage);
      if (Date.now() - reported < REPORT_EVERY_MS) {
        return;
      }
      reported = Date.now();
      await lease.renew();
      await this.registry.reportProgress(id, share, stage);
    };
    try {
      const trainer = options.kind === 'CLV' ? this.clv : this.binary;
      await this.registry.finish(id, await trainer.train(options, new Date(), report));
      onProgress(1, 'done');
      this.log.info('model trained', {
        modelVersionId: id,
        kind: options.kind,
        durationMs: Date.now() - started,
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.log.error('model training failed', { modelVersionId: id, error: message });
      onProgress(1, `failed: ${message}`);
      await this.registry.fail(id, message);

      return;
    }
    // Scoring trouble must not mark a trained model FAILED: it is logged and the schedule
    // tries again.
    try {
      // A candidate waits for promoteModel; only a first model goes straight to scoring.
      if (!(await this.registry.active(options.kind))) {
        await this.registry.promote(id, { force: false, reason: null, by: 'pulse' });
        await this.scoring.score(options.kind);
      }
    } catch (error) {
      this.log.error('scoring after training failed', { modelVersionId: id, error: String(error) });
    }
  }
}
