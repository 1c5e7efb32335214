import type { DataSource } from 'typeorm';
import type { Log } from '../log';
import type { JobObserver } from '../observability/metrics';
import { JobLease, leaseHolder } from './job-lease';

/** Why a background refresh runs (the values SegmentService.refreshAll records). */
export type BackgroundTrigger = 'SCHEDULE' | 'INGESTION';

export interface SegmentRefreshJobOptions {
  db: DataSource;
  log: Log;
  /** Minutes between scheduled refreshes; 0 = no schedule. */
  intervalMinutes: number;
  /** Seconds from an ingestion to the refresh it triggers; 0 = ingestion triggers none. */
  ingestionDebounceSeconds: number;
  /** The refresh itself: RFM, lifecycle, then every segment (SegmentService.refreshAll). */
  refresh: (trigger: BackgroundTrigger) => Promise<unknown>;
  /** This instance's lease holder name. Defaults to host, process id and a random suffix. */
  holder?: string;
  /** How long a refresh holds the lease before renewing it. Defaults to 5 minutes. */
  leaseMs?: number;
  /** Told how each refresh attempt ended (for /metrics). */
  observe?: JobObserver;
}

/** Held while any instance refreshes: one refresh at a time over the database. */
export const REFRESH_LEASE = 'segments.refresh';
/** Held for a schedule period by the instance that runs that period's refresh. */
export const SCHEDULE_LEASE = 'segments.schedule';

/**
 * Refreshes segments in the background: every `intervalMinutes`, and `ingestionDebounceSeconds`
 * after ingestion stored rows. With several instances on one database, each runs the same
 * timers; two leases keep the work single: the schedule lease lets one instance claim each
 * period's refresh, the refresh lease lets one refresh run at a time, whatever triggered it.
 * Timers are unref'd, so they never keep a process (or a test run) alive.
 */
export class SegmentRefreshJob {
  private readonly refreshLease: JobLease;
  private readonly scheduleLease: JobLease | null;
  private scheduleTimer: NodeJS.Timeout | null = null;
  private ingestionTimer: NodeJS.Timeout | null = null;
  // Refreshes of this instance run one after another: the lease cannot tell them apart.
  private queue: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(private readonly options: SegmentRefreshJobOptions) {
    const holder = options.holder ?? leaseHolder();
    const { db, intervalMinutes } = options;
    this.refreshLease = new JobLease(db, REFRESH_LEASE, holder, options.leaseMs ?? 5 * 60_000);
    // Claimed for slightly less than a period, so the claimer's next tick finds it expired even
    // when timers drift; other instances' ticks within the period find it taken.
    this.scheduleLease =
      intervalMinutes > 0
        ? new JobLease(db, SCHEDULE_LEASE, holder, intervalMinutes * 60_000 * 0.9)
        : null;
  }

  start(): void {
    if (!this.scheduleLease) {
      return;
    }
    const lease = this.scheduleLease;
    this.scheduleTimer = setInterval(() => {
      void this.enqueue(async () => {
        if (await lease.acquire()) {
          await this.runExclusive('SCHEDULE');
        }
      });
    }, this.options.intervalMinutes * 60_000).unref();
  }

  /**
   * Asks for a refresh after ingestion. The first request starts the debounce timer and later
   * ones join it, so a burst of ingestion costs one refresh; returns at once.
   */
  requestAfterIngestion(): void {
    const delayMs = this.options.ingestionDebounceSeconds * 1000;
    if (delayMs === 0 || this.ingestionTimer || this.stopped) {
      return;
    }
    this.ingestionTimer = setTimeout(() => {
      void this.enqueue(async () => {
        // Requests from here on need a refresh that starts after their rows were stored.
        this.ingestionTimer = null;
        if (!(await this.runExclusive('INGESTION'))) {
          // Another instance is refreshing, possibly from before these rows: try again later.
          this.requestAfterIngestion();
        }
      });
    }, delayMs).unref();
  }

  /** Runs one refresh now under the refresh lease; false when another instance holds it. */
  runNow(trigger: BackgroundTrigger): Promise<boolean> {
    return this.enqueue(() => this.runExclusive(trigger));
  }

  /** Clears the timers and waits for a refresh in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of [this.scheduleTimer, this.ingestionTimer]) {
      if (timer) {
        clearTimeout(timer);
      }
    }
    await this.queue;
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(() => (this.stopped ? (false as T) : work()));
    this.queue = run.catch(() => undefined);

    return run;
  }

  private async runExclusive(trigger: BackgroundTrigger): Promise<boolean> {
    const { log, refresh } = this.options;
    const observe = this.options.observe ?? (() => undefined);
    const lease = this.refreshLease;
    if (!(await lease.acquire())) {
      log.debug('segment refresh skipped: another instance holds the lease', { trigger });
      observe(REFRESH_LEASE, 'skipped', 0);

      return false;
    }
    const started = Date.now();
    try {
      await lease.holding(() => refresh(trigger));
      log.info('segments refreshed', { trigger, durationMs: Date.now() - started });
      observe(REFRESH_LEASE, 'success', (Date.now() - started) / 1000);
    } catch (error) {
      log.error('segment refresh failed', { trigger, error: String(error) });
      observe(REFRESH_LEASE, 'failure', (Date.now() - started) / 1000);
    } finally {
      await lease.release();
    }

    return true;
  }
}
