import type { DataSource } from 'typeorm';
import type { Log } from '../log';
import type { JobObserver } from '../observability/metrics';
import { JobLease, leaseHolder } from './job-lease';

export interface ScheduledJobOptions {
  db: DataSource;
  log: Log;
  /** The lease's name, e.g. `kpis.schedule`; also names the job in logs. */
  name: string;
  /** Minutes between runs; 0 = no schedule. */
  intervalMinutes: number;
  /** The work of one period (e.g. KpiEvaluationService.evaluate); may take longer than one. */
  run: (now: Date) => Promise<unknown>;
  /** This instance's lease holder name. Defaults to host, process id and a random suffix. */
  holder?: string;
  /** Told how each tick ended (for /metrics). */
  observe?: JobObserver;
}

/** Lease of the periodic KPI evaluation (and, through its listeners, alert rules). */
export const KPI_SCHEDULE_LEASE = 'kpis.schedule';

/** Lease of the periodic experiment monitor (SRM and decision announcements). */
export const EXPERIMENT_MONITOR_LEASE = 'experiments.monitor';

/** Lease of the periodic scoring of every kind with an active model. */
export const SCORING_LEASE = 'predictions.schedule';

/**
 * Runs `run` every `intervalMinutes`. With several instances on one database each ticks, and
 * the lease lets one of them run per period. The timer is unref'd, so it never keeps a process
 * (or a test run) alive.
 */
export class ScheduledJob {
  private readonly lease: JobLease | null;
  private timer: NodeJS.Timeout | null = null;
  /** The tick in progress, if any. */
  private running: Promise<void> | null = null;

  constructor(private readonly options: ScheduledJobOptions) {
    const holder = options.holder ?? leaseHolder();
    // Claimed for slightly less than a period, so the claimer's next tick finds it expired even
    // when timers drift; other instances' ticks within the period find it taken.
    this.lease =
      options.intervalMinutes > 0
        ? new JobLease(options.db, options.name, holder, options.intervalMinutes * 54_000)
        : null;
  }

  start(): void {
    const lease = this.lease;
    if (!lease) {
      return;
    }
    this.timer = setInterval(() => {
      // A run longer than the period makes the ticks that fall during it skip, instead of
      // queueing behind it and then running back to back without end.
      if (!this.running) {
        this.running = this.tick(lease).finally(() => {
          this.running = null;
        });
      }
    }, this.options.intervalMinutes * 60_000).unref();
  }

  /** Clears the timer and waits for a run in progress. */
  async stop(): Promise<void> {
    if (this.timer) {
      clearInterval(this.timer);
    }
    await this.running;
  }

  private async tick(lease: JobLease): Promise<void> {
    const { log, name, run } = this.options;
    const observe = this.options.observe ?? (() => undefined);
    const started = Date.now();
    try {
      if (!(await lease.acquire())) {
        log.debug('scheduled job skipped: another instance holds the lease', { job: name });
        observe(name, 'skipped', 0);

        return;
      }
      await lease.holding(() => run(new Date()));
      log.info('scheduled job done', { job: name, durationMs: Date.now() - started });
      observe(name, 'success', (Date.now() - started) / 1000);
    } catch (error) {
      log.error('scheduled job failed', { job: name, error: String(error) });
      observe(name, 'failure', (Date.now() - started) / 1000);
    }
  }
}
