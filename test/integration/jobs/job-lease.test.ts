import { setTimeout as sleep } from 'node:timers/promises';
import { JobLease } from '../../../src/jobs/job-lease';
import { ScheduledJob } from '../../../src/jobs/scheduled-job';
import { createLog } from '../../../src/log';
import { describeEachDialect } from '../support/dialects';
import { unique } from '../support/factories';

const T0 = new Date('2026-03-01T10:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

describeEachDialect('job leases', (pulse) => {
  // Two instances of Pulse on one database, each with its own holder name.
  const pair = (durationMs = 1000) => {
    const name = unique('job');
    const db = pulse().app.db;

    return [
      new JobLease(db, name, 'instance-a', durationMs),
      new JobLease(db, name, 'instance-b', durationMs),
    ];
  };

  it('gives a free lease to the first holder and refuses the second until it expires', async () => {
    const [a, b] = pair();
    expect(await a.acquire(T0)).toBe(true);
    expect(await b.acquire(at(500))).toBe(false);
    expect(await b.acquire(at(999))).toBe(false);
    expect(await b.acquire(at(1001))).toBe(true);
    // The first holder lost it: neither taking nor renewing works until the new term ends.
    expect(await a.acquire(at(1500))).toBe(false);
    expect(await a.renew(at(1500))).toBe(false);
  });

  it('lets a holder renew its lease, pushing the expiry past the first term', async () => {
    const [a, b] = pair();
    expect(await a.acquire(T0)).toBe(true);
    expect(await a.renew(at(800))).toBe(true);
    expect(await b.acquire(at(1500))).toBe(false);
    expect(await b.acquire(at(1801))).toBe(true);
  });

  it('lets the other holder take a released lease at once', async () => {
    const [a, b] = pair(60_000);
    expect(await a.acquire(T0)).toBe(true);
    await b.release();
    expect(await b.acquire(at(1))).toBe(false);
    await a.release();
    expect(await b.acquire(at(2))).toBe(true);
  });

  it('keeps the lease while work longer than the lease runs, and lets it go after', async () => {
    const [a, b] = pair(300);
    expect(await a.acquire()).toBe(true);
    const refusals = a.holding(async () => {
      const seen: boolean[] = [];
      for (let i = 0; i < 4; i++) {
        await sleep(250);
        seen.push(await b.acquire());
      }

      return seen;
    });
    expect(await refusals).toEqual([false, false, false, false]);
    await sleep(350);
    expect(await b.acquire()).toBe(true);
  });

  it('never runs a scheduled job on two instances at once when a run outlasts its period', async () => {
    const name = unique('job');
    const db = pulse().app.db;
    let running = 0;
    let mostAtOnce = 0;
    const runs: string[] = [];
    // A period of 300 ms (lease 270 ms) and runs of 800 ms: without renewal the other
    // instance's tick would take the expired lease and start beside the run.
    const job = (holder: string) =>
      new ScheduledJob({
        db,
        log: createLog('error', () => undefined),
        name,
        holder,
        intervalMinutes: 0.005,
        run: async () => {
          runs.push(holder);
          running += 1;
          mostAtOnce = Math.max(mostAtOnce, running);
          await sleep(800);
          running -= 1;
        },
      });
    const jobs = [job('instance-a'), job('instance-b')];
    jobs.forEach((scheduled) => scheduled.start());
    await sleep(2_000);
    await Promise.all(jobs.map((scheduled) => scheduled.stop()));
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(mostAtOnce).toBe(1);
  });

  it('gives a lease to exactly one of several holders asking at the same moment', async () => {
    const name = unique('job');
    const db = pulse().app.db;
    const holders = Array.from(
      { length: 6 },
      (_, i) => new JobLease(db, name, `instance-${i}`, 1000),
    );
    const won = await Promise.all(holders.map((lease) => lease.acquire(T0)));
    expect(won.filter(Boolean)).toHaveLength(1);
    const [{ holder }] = await db.query('SELECT holder FROM job_leases WHERE name = ?', [name]);
    expect(holder).toBe(`instance-${won.indexOf(true)}`);
  });
});
