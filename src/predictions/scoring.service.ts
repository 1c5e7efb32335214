import type { DataSource } from 'typeorm';
import { serialized } from '../db/transaction';
import { JobLease, leaseHolder } from '../jobs/job-lease';
import type { DataChanges } from '../events';
import type { Log } from '../log';
import { BinaryScorer } from './binary-scorer';
import { type BinaryModelState, labelOf, snapshotRequest } from './binary-training.service';
import { type ClvModelState, lifetimeValue, summariesOf } from './clv-training.service';
import { type DriftReference, DriftCounter, type DriftReport } from './drift';
import type { FeatureService } from './feature.service';
import type { ModelRegistryService } from './model-registry.service';
import type { ModelVersionEntity } from './model-version.entity';
import type { RawValue } from './models/encoders';
import type { PurchaseSummary } from './models/purchase-summary';
import type { PredictionKind } from './prediction-kind';
import { PredictionWriter, type ScoredBatch } from './prediction-writer';
import { ScoringRunEntity } from './scoring-run.entity';
import type { TrainingOptions } from './training-options';
import { DAY_MS } from '../time';

const SCORING_LEASE_MS = 30 * 60_000;

/** A customer's CLV, or null where a degenerate fit leaves it undefined (the models throw). */
function valueOrNull(state: ClvModelState, summary: PurchaseSummary): number | null {
  try {
    const value = lifetimeValue(state, summary);

    return Number.isFinite(value) ? value : null;
  } catch (error) {
    if (error instanceof RangeError) {
      return null;
    }
    throw error;
  }
}

/**
 * Scores every customer with the kind's active model, in batches, and replaces the kind's
 * predictions in one transaction (readers see the old set or the new, never half). Each pass
 * records a scoring run with the drift of scores and features against the training baseline.
 */
export class ScoringService {
  constructor(
    private readonly db: DataSource,
    private readonly registry: ModelRegistryService,
    private readonly features: FeatureService,
    private readonly log: Log,
    /** PSI above which a pass counts as drifted. */
    readonly driftThreshold: number,
    /** Told when new scores are stored: predictive segments refresh from it. */
    private readonly changes: DataChanges,
  ) {}

  /** Scores every kind that has an active model (the schedule's work). */
  async scoreAll(now = new Date()): Promise<void> {
    for (const kind of await this.registry.activeKinds()) {
      await this.score(kind, now);
    }
  }

  /** Starts a pass without waiting for it (after a promotion); a failure is logged. */
  scoreInBackground(kind: PredictionKind): void {
    this.score(kind).catch((error) =>
      this.log.error('scoring failed', { kind, error: String(error) }),
    );
  }

  /**
   * One pass for `kind`; null when it has no active model or another pass is running. A
   * promotion while a pass runs cannot start its own pass (the lease is taken), so the pass that
   * holds the lease scores again when the active version is no longer the one it scored.
   */
  async score(kind: PredictionKind, now = new Date()): Promise<ScoringRunEntity | null> {
    // A holder per pass: the lease is re-entrant for its holder, and two passes of a kind on
    // one instance must exclude each other too.
    const lease = new JobLease(
      this.db,
      `predictions.score.${kind}`,
      leaseHolder(),
      SCORING_LEASE_MS,
    );
    if (!(await lease.acquire())) {
      return null;
    }
    let scored: { version: ModelVersionEntity; run: ScoringRunEntity } | null;
    try {
      // Read under the lease: a version read before it may be retired by the time the lease is
      // free, and its scores would replace those of the version promoted meanwhile.
      // Renewed while the pass runs, so a pass longer than the lease keeps others out.
      scored = await lease.holding(async () => {
        const version = await this.registry.active(kind);

        return version && { version, run: await this.pass(kind, version, now) };
      });
    } finally {
      await lease.release();
    }
    if (!scored) {
      return null;
    }
    // Checked after the release: a promotion committed later finds the lease free, or held by a
    // pass that checks again when it ends.
    const active = await this.registry.active(kind);
    if (active && active.id !== scored.version.id) {
      return (await this.score(kind)) ?? scored.run;
    }

    return scored.run;
  }

  private async pass(
    kind: PredictionKind,
    version: ModelVersionEntity,
    now: Date,
  ): Promise<ScoringRunEntity> {
    const runs = this.db.getRepository(ScoringRunEntity);
    const run = await serialized(this.db, () =>
      runs.save(runs.create({ kind, modelVersionId: version.id, startedAt: now, scored: 0 })),
    );
    const reference = version.reference as unknown as DriftReference;
    const writer = await PredictionWriter.open(this.db, kind, version.id, now);
    let drift: DriftCounter;
    try {
      drift = await (kind === 'CLV'
        ? this.scoreClv(version, now, reference, writer)
        : this.scoreBinary(version, now, reference, writer));
      await writer.commit();
    } catch (error) {
      await writer.abort();
      throw error;
    }
    this.changes.notify('predictions');
    const report = drift.report();
    await serialized(this.db, () =>
      runs.update(
        { id: run.id },
        {
          finishedAt: new Date(),
          scored: writer.count,
          scorePsi: report.scorePsi,
          maxFeaturePsi: report.maxFeaturePsi,
          featurePsi: report.featurePsi,
        },
      ),
    );
    this.warnOnDrift(version, report);

    return runs.findOneByOrFail({ id: run.id });
  }

  /** Scores and writes every customer; returns the pass's drift counts. */
  private async scoreBinary(
    version: ModelVersionEntity,
    now: Date,
    reference: DriftReference,
    writer: PredictionWriter,
  ): Promise<DriftCounter> {
    const state = version.model as unknown as BinaryModelState;
    const options = version.options as unknown as TrainingOptions;
    const scorer = new BinaryScorer(state);
    const drift = new DriftCounter(reference, scorer.featureNames);
    for await (const batch of this.features.snapshotBatches({
      ...snapshotRequest(options, state.choice, now, false),
      current: true,
    })) {
      const scored: ScoredBatch = { customerIds: [], scores: [], contributions: [] };
      const values: RawValue[][] = [];
      for (const row of batch) {
        // With an attribute label, customers already marked churned have nothing to predict.
        if (options.labelAttribute !== null && labelOf(options, row) === 1) {
          continue;
        }
        const customer = scorer.score(row.aggregates, now);
        scored.customerIds.push(row.aggregates.customerId);
        scored.scores.push(customer.score);
        scored.contributions.push(customer.contributions);
        values.push(customer.values);
      }
      drift.add(scored.scores, values);
      await writer.add(scored);
    }

    return drift;
  }

  private async scoreClv(
    version: ModelVersionEntity,
    now: Date,
    reference: DriftReference,
    writer: PredictionWriter,
  ): Promise<DriftCounter> {
    const state = version.model as unknown as ClvModelState;
    const today = Math.floor(now.getTime() / DAY_MS);
    const drift = new DriftCounter(reference, []);
    for await (const batch of this.features.purchaseDayBatches(now)) {
      const scored: ScoredBatch = { customerIds: [], scores: [], contributions: [] };
      for (const [customer, summary] of summariesOf(batch, today + 1)) {
        const value = valueOrNull(state, summary);
        if (value !== null) {
          scored.customerIds.push(Number(customer));
          scored.scores.push(value);
          scored.contributions.push(null);
        }
      }
      drift.add(scored.scores, []);
      await writer.add(scored);
    }

    return drift;
  }

  private warnOnDrift(version: ModelVersionEntity, report: DriftReport): void {
    const worst = Math.max(report.scorePsi ?? 0, report.maxFeaturePsi ?? 0);
    if (worst > this.driftThreshold) {
      this.log.warn('prediction drift above threshold', {
        kind: version.kind,
        modelVersionId: version.id,
        scorePsi: report.scorePsi,
        maxFeaturePsi: report.maxFeaturePsi,
        threshold: this.driftThreshold,
      });
    }
  }
}
