import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { DataSource } from 'typeorm';
import { insertSkippingDuplicates, runStatement, sqlInstant } from '../db/dialect';
import { serialized } from '../db/transaction';

/** A holder name unique among instances and runs: host, process id and a random suffix. */
export function leaseHolder(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/**
 * A named lease in `job_leases`, so that of several Pulse instances on one database only one
 * runs a job at a time. Taking it is two conditional statements, portable to both dialects:
 * insert the row if no instance ever held it, else take it over only if this holder already has
 * it or it has expired. The affected-row count says who won; no transaction or lock is needed.
 * Instances compare their own clocks with `expires_at`, so their skew must stay well below the
 * lease's duration.
 */
export class JobLease {
  constructor(
    private readonly db: DataSource,
    /** The job's name, the row's key. */
    readonly name: string,
    /** This instance's name, unique among instances. */
    readonly holder: string,
    /** How long a take or renewal lasts, in milliseconds. */
    readonly durationMs: number,
  ) {}

  /** Takes (or renews) the lease until `now + durationMs`; false when another holder has it. */
  acquire(now = new Date()): Promise<boolean> {
    return serialized(this.db, async () => {
      const expiresAt = sqlInstant(this.db, new Date(now.getTime() + this.durationMs));
      const inserted = await insertSkippingDuplicates(
        this.db.manager,
        'job_leases',
        ['name', 'holder', 'expires_at'],
        [[this.name, this.holder, expiresAt]],
      );
      if (inserted === 1) {
        return true;
      }
      const taken = await runStatement(
        this.db.manager,
        'UPDATE job_leases SET holder = ?, expires_at = ? WHERE name = ? AND (holder = ? OR expires_at < ?)',
        [this.holder, expiresAt, this.name, this.holder, sqlInstant(this.db, now)],
      );

      return taken === 1;
    });
  }

  /** Extends a lease this holder has; false when it was lost (expired and taken over). */
  renew(now = new Date()): Promise<boolean> {
    return serialized(this.db, async () => {
      const renewed = await runStatement(
        this.db.manager,
        'UPDATE job_leases SET expires_at = ? WHERE name = ? AND holder = ?',
        [sqlInstant(this.db, new Date(now.getTime() + this.durationMs)), this.name, this.holder],
      );

      return renewed === 1;
    });
  }

  /**
   * Runs `work` while renewing the lease every third of its duration, so that work longer than
   * the lease does not let another instance start the same job beside it. A failed renewal is
   * left to the next one: the lease is only lost if it expires in between.
   */
  async holding<T>(work: () => Promise<T>): Promise<T> {
    const renewal = setInterval(
      () => void this.renew().catch(() => undefined),
      this.durationMs / 3,
    );
    renewal.unref();
    try {
      return await work();
    } finally {
      clearInterval(renewal);
    }
  }

  /** Gives the lease up at once, if this holder has it. */
  async release(): Promise<void> {
    await serialized(this.db, () =>
      runStatement(this.db.manager, 'DELETE FROM job_leases WHERE name = ? AND holder = ?', [
        this.name,
        this.holder,
      ]),
    );
  }
}
