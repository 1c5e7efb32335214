import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { DataSource } from 'typeorm';
import type { Log } from '../log';
import { JobLease } from './job-lease';

export interface KpiEvaluationJobOptions {
  db: DataSource;
  log: Log;
  /** Minutes between scheduled evaluations; 0 = no schedule. */
  intervalMinutes: number;
  /** The evaluation itself (KpiEvaluationService.evaluate, incremental). */
  evaluate: (now: Date) => Promise<unknown>;
  /** This instance's lease holder name. Defaults to host, process id and a random suffix. */
  holder?: string;
}

/** Held for a schedule period by the instance that evaluates in that period. */
export const KPI_SCHEDULE_LEASE = 'kpis.schedule';

/**
 * Evaluates KPIs (and, through its listeners, alert rules) every `intervalMinutes`. With several
 * instances on one database each ticks, and the lease lets one of them evaluate per period. The
 * timer is unref'd, so it never keeps a process (or a test run) alive.
 */
export class KpiEvaluationJob {
  private readonly lease: JobLease | null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly options: KpiEvaluationJobOptions) {
    const holder = options.holder ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    // Claimed for slightly less than a period, so the claimer's next tick finds it expired even
    // when timers drift; other instances' ticks within the period find it taken.
    this.lease =
      options.intervalMinutes > 0
        ? new JobLease(options.db, KPI_SCHEDULE_LEASE, holder, options.intervalMinutes * 54_000)
        : null;
  }

  start(): void {
    const lease = this.lease;
    if (!lease) {
      return;
    }
    this.timer = setInterval(() => {
      this.running = this.running.then(() => this.tick(lease));
    }, this.options.intervalMinutes * 60_000).unref();
  }

  /** Clears the timer and waits for an evaluation in progress. */
  async stop(): Promise<void> {
    if (this.timer) {
      clearInterval(this.timer);
    }
    await this.running;
  }

  private async tick(lease: JobLease): Promise<void> {
    const { log, evaluate } = this.options;
    try {
      if (!(await lease.acquire())) {
        log.debug('KPI evaluation skipped: another instance holds the lease');

        return;
      }
      const started = Date.now();
      await evaluate(new Date());
      log.info('KPIs evaluated', { durationMs: Date.now() - started });
    } catch (error) {
      log.error('KPI evaluation failed', { error: String(error) });
    }
  }
}
