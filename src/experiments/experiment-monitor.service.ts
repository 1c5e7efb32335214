import type { DataSource } from 'typeorm';
import { runStatement, sqlInstant } from '../db/dialect';
import { ExperimentEntity } from './experiment.entity';
import type { ExperimentService } from './experiment.service';
import type { ExperimentResultsService } from './results.service';

/**
 * Watches RUNNING experiments (on the `experiments.monitor` schedule, or on demand) and
 * announces on `experimentUpdated` the first sample ratio mismatch and every new decision other
 * than KEEP_RUNNING. Each announcement is claimed with a conditional UPDATE, so with several
 * instances exactly one announces it.
 */
export class ExperimentMonitorService {
  constructor(
    private readonly db: DataSource,
    private readonly experiments: ExperimentService,
    private readonly results: ExperimentResultsService,
  ) {}

  /** Checks every RUNNING experiment once; returns how many announcements were made. */
  async run(now = new Date()): Promise<number> {
    const running = await this.db
      .getRepository(ExperimentEntity)
      .find({ where: { status: 'RUNNING' }, order: { id: 'ASC' } });
    let announced = 0;
    for (const experiment of running) {
      const analysis = await this.results.results(experiment, {}, { countLook: false, now });
      const { decision, reasons } = analysis.decision;
      if (analysis.health.sampleRatio.flagged && (await this.claimSrm(experiment.id, now))) {
        this.experiments.announce({
          experimentId: experiment.id,
          kind: 'SRM_DETECTED',
          status: experiment.status,
          decision,
          message: analysis.health.warnings[0],
          occurredAt: now.toISOString(),
        });
        announced += 1;
      }
      if ((await this.claimDecision(experiment.id, decision)) && decision !== 'KEEP_RUNNING') {
        this.experiments.announce({
          experimentId: experiment.id,
          kind: 'DECISION_AVAILABLE',
          status: experiment.status,
          decision,
          message: `${decision}: ${reasons.join('; ')}`,
          occurredAt: now.toISOString(),
        });
        announced += 1;
      }
    }

    return announced;
  }

  private async claimSrm(id: number, now: Date): Promise<boolean> {
    return (
      (await runStatement(
        this.db.manager,
        'UPDATE experiments SET srm_detected_at = ? WHERE id = ? AND srm_detected_at IS NULL',
        [sqlInstant(this.db, now), id],
      )) === 1
    );
  }

  private async claimDecision(id: number, decision: string): Promise<boolean> {
    return (
      (await runStatement(
        this.db.manager,
        'UPDATE experiments SET last_decision = ? WHERE id = ? AND (last_decision IS NULL OR last_decision <> ?)',
        [decision, id, decision],
      )) === 1
    );
  }
}
