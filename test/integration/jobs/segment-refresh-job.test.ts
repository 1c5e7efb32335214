import { setTimeout as sleep } from 'node:timers/promises';
import { JobLease } from '../../../src/jobs/job-lease';
import {
  type BackgroundTrigger,
  REFRESH_LEASE,
  SegmentRefreshJob,
} from '../../../src/jobs/segment-refresh.job';
import { createLog } from '../../../src/log';
import { describeEachDialect } from '../support/dialects';

describeEachDialect('segment refresh job', (pulse) => {
  const jobs: SegmentRefreshJob[] = [];
  // A job whose "refresh" records its triggers, as SegmentService.refreshAll would run them.
  const job = (options: { intervalMinutes?: number; debounceSeconds?: number; holder: string }) => {
    const calls: BackgroundTrigger[] = [];
    const created = new SegmentRefreshJob({
      db: pulse().app.db,
      log: createLog('silent'),
      intervalMinutes: options.intervalMinutes ?? 0,
      ingestionDebounceSeconds: options.debounceSeconds ?? 0,
      holder: options.holder,
      refresh: async (trigger) => {
        calls.push(trigger);
      },
    });
    jobs.push(created);

    return { job: created, calls };
  };

  afterEach(async () => {
    await Promise.all(jobs.splice(0).map((each) => each.stop()));
    await pulse().app.db.query('DELETE FROM job_leases');
  });

  it('runs one refresh for a burst of ingestion requests, after the debounce', async () => {
    const { job: a, calls } = job({ debounceSeconds: 1, holder: 'a' });
    a.requestAfterIngestion();
    await sleep(300);
    a.requestAfterIngestion();
    a.requestAfterIngestion();
    expect(calls).toEqual([]);
    await sleep(1000);
    expect(calls).toEqual(['INGESTION']);
    await sleep(1200);
    expect(calls).toEqual(['INGESTION']);
  });

  it('runs no ingestion refresh when the debounce is 0', async () => {
    const { job: a, calls } = job({ debounceSeconds: 0, holder: 'a' });
    a.requestAfterIngestion();
    await sleep(200);
    expect(calls).toEqual([]);
  });

  it('skips a refresh while another instance holds the refresh lease, and runs once it is free', async () => {
    const other = new JobLease(pulse().app.db, REFRESH_LEASE, 'other-instance', 60_000);
    expect(await other.acquire()).toBe(true);
    const { job: a, calls } = job({ holder: 'a' });
    expect(await a.runNow('INGESTION')).toBe(false);
    expect(calls).toEqual([]);
    await other.release();
    expect(await a.runNow('INGESTION')).toBe(true);
    expect(calls).toEqual(['INGESTION']);
  });

  it('retries an ingestion refresh that found the lease taken, after another debounce', async () => {
    const other = new JobLease(pulse().app.db, REFRESH_LEASE, 'other-instance', 60_000);
    expect(await other.acquire()).toBe(true);
    const { job: a, calls } = job({ debounceSeconds: 1, holder: 'a' });
    a.requestAfterIngestion();
    await sleep(1300);
    expect(calls).toEqual([]);
    await other.release();
    await sleep(1000);
    expect(calls).toEqual(['INGESTION']);
  });

  it('runs the scheduled refresh on one of two instances per period', async () => {
    // A one-second period, so two periods pass in the test.
    const a = job({ intervalMinutes: 1 / 60, holder: 'a' });
    const b = job({ intervalMinutes: 1 / 60, holder: 'b' });
    a.job.start();
    b.job.start();
    await sleep(2500);
    expect([...a.calls, ...b.calls]).toEqual(['SCHEDULE', 'SCHEDULE']);
  });

  it('releases the refresh lease after each run', async () => {
    const { job: a } = job({ holder: 'a' });
    expect(await a.runNow('SCHEDULE')).toBe(true);
    expect(await pulse().app.db.query('SELECT name FROM job_leases')).toEqual([]);
  });
});
