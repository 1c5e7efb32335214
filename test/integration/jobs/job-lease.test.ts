import { JobLease } from '../../../src/jobs/job-lease';
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
