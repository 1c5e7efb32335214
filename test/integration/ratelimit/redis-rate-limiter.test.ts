import { Redis } from 'ioredis';
import { Role } from '../../../src/auth/principal';
import { createLog } from '../../../src/log';
import type { RatePolicies } from '../../../src/ratelimit/memory-rate-limiter';
import { RedisRateLimiter } from '../../../src/ratelimit/redis-rate-limiter';
import { freePort } from '../../support/mariadb-server';
import { redisAvailable, startLocalRedis, type LocalRedis } from '../../support/redis-server';

const POLICIES: RatePolicies = {
  [Role.ADMIN]: { capacity: 1000, periodSeconds: 60 },
  [Role.ANALYST]: { capacity: 1000, periodSeconds: 60 },
  // 100 units over 60 s: 20 missing units take 12 s.
  [Role.PARTNER]: { capacity: 100, periodSeconds: 60 },
  // Full again one second after it was emptied: short enough to watch a key expire.
  [Role.ALERTS]: { capacity: 10, periodSeconds: 1 },
};

const describeRedis = redisAvailable() ? describe : describe.skip;

describeRedis('RedisRateLimiter', () => {
  let redis: LocalRedis;
  let inspector: Redis;
  const limiters: RedisRateLimiter[] = [];
  let logLines: Array<{ level: string; message: string; error?: string }> = [];

  function limiter(url = redis.url, commandTimeoutMs?: number): RedisRateLimiter {
    const log = createLog('debug', (line) => logLines.push(JSON.parse(line)));
    const created = new RedisRateLimiter({ url, policies: POLICIES, log, commandTimeoutMs });
    limiters.push(created);

    return created;
  }

  async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
    const started = Date.now();
    const result = await work();

    return { result, ms: Date.now() - started };
  }

  beforeAll(async () => {
    redis = await startLocalRedis();
    inspector = inspect(redis);
  });

  beforeEach(async () => {
    logLines = [];
    await inspector.flushall();
  });

  afterEach(async () => {
    await Promise.all(limiters.splice(0).map((each) => each.close()));
  });

  afterAll(async () => {
    inspector.disconnect();
    await redis.stop();
  });

  it('makes two limiters on one Redis spend one budget per key', async () => {
    const [first, second] = [limiter(), limiter()];
    expect(await first.consume(7, Role.PARTNER, 60)).toEqual({
      allowed: true,
      limit: 100,
      remaining: 40,
      resetSeconds: 36,
      retryAfterSeconds: 0,
    });
    expect(await second.consume(7, Role.PARTNER, 60)).toEqual({
      allowed: false,
      limit: 100,
      remaining: 40,
      resetSeconds: 36,
      retryAfterSeconds: 12,
    });
    expect(await second.consume(8, Role.PARTNER, 60)).toMatchObject({
      allowed: true,
      remaining: 40,
    });
  });

  it('refills on the Redis clock, so limiters whose clocks disagree by an hour agree', async () => {
    const [behind, onTime] = [limiter(), limiter()];
    const realNow = Date.now;
    jest.spyOn(Date, 'now').mockImplementation(() => realNow() - 3_600_000);
    try {
      expect(await behind.consume(7, Role.PARTNER, 100)).toMatchObject({ allowed: true });
    } finally {
      jest.restoreAllMocks();
    }
    // With the callers' clocks, an hour would have passed and the bucket would be full.
    expect(await onTime.consume(7, Role.PARTNER, 100)).toMatchObject({
      allowed: false,
      remaining: 0,
    });
  });

  it('stores a bucket under pulse:ratelimit:<keyId> that expires when it would be full again', async () => {
    await limiter().consume(42, Role.ALERTS, 10);
    const ttl = await inspector.pttl('pulse:ratelimit:42');
    expect(ttl).toBeGreaterThan(800);
    expect(ttl).toBeLessThanOrEqual(1000);
    expect(Number(await inspector.hget('pulse:ratelimit:42', 'tokens'))).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await inspector.exists('pulse:ratelimit:42')).toBe(0);
  });

  it('refuses a cost above the capacity without creating a bucket that outlives a millisecond', async () => {
    expect(await limiter().consume(9, Role.PARTNER, 101)).toEqual({
      allowed: false,
      limit: 100,
      remaining: 100,
      resetSeconds: 0,
      retryAfterSeconds: 60,
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await inspector.exists('pulse:ratelimit:9')).toBe(0);
  });

  it('falls back to buckets in this process, without waiting, when Redis cannot be reached', async () => {
    const nobody = limiter(`redis://127.0.0.1:${await freePort()}`);
    const { result, ms } = await timed(() => nobody.consume(7, Role.PARTNER, 60));
    expect(result).toEqual({
      allowed: true,
      limit: 100,
      remaining: 40,
      resetSeconds: 36,
      retryAfterSeconds: 0,
    });
    expect(ms).toBeLessThan(1000);
    // The in-process budget still holds while Redis is away.
    expect(await nobody.consume(7, Role.PARTNER, 60)).toMatchObject({
      allowed: false,
      retryAfterSeconds: 12,
    });
    expect(logLines.filter((line) => line.level === 'warn')).toEqual([
      expect.objectContaining({
        message: 'Redis is unreachable: rate limits are enforced per instance',
        error: expect.stringContaining('ECONNREFUSED'),
      }),
    ]);
  });

  it('goes back to the shared budget after Redis restarts', async () => {
    const shared = limiter();
    expect(await shared.consume(7, Role.PARTNER, 60)).toMatchObject({ remaining: 40 });
    await redis.stop();
    try {
      // In-process buckets start full: the shared spend is not known here.
      expect(await shared.consume(7, Role.PARTNER, 10)).toMatchObject({
        allowed: true,
        remaining: 90,
      });
    } finally {
      redis = await startLocalRedis(redis.port);
      inspector.disconnect();
      inspector = inspect(redis);
    }
    await waitFor(() => logLines.some((line) => line.message.startsWith('Redis is back')));
    expect(await shared.consume(7, Role.PARTNER, 30)).toMatchObject({ remaining: 70 });
    expect(Number(await inspector.hget('pulse:ratelimit:7', 'tokens'))).toBeCloseTo(70, 0);
  });

  it('waits no longer than the command timeout when Redis hangs', async () => {
    const patient = limiter(redis.url, 200);
    await patient.consume(7, Role.PARTNER, 10);
    process.kill(redis.pid, 'SIGSTOP');
    try {
      const { result, ms } = await timed(() => patient.consume(7, Role.PARTNER, 10));
      expect(result).toMatchObject({ allowed: true, remaining: 90 });
      expect(ms).toBeGreaterThanOrEqual(190);
      expect(ms).toBeLessThan(700);
      // Later requests skip the hung Redis instead of paying the timeout again.
      const again = await timed(() => patient.consume(7, Role.PARTNER, 10));
      expect(again.ms).toBeLessThan(50);
      expect(again.result).toMatchObject({ allowed: true, remaining: 80 });
    } finally {
      process.kill(redis.pid, 'SIGCONT');
    }
  });
});

// A client of the test's own, to look at keys. It never waits to close: ioredis' default is to
// wait 2 s for a socket that may already be gone, which keeps jest from exiting.
function inspect(server: LocalRedis): Redis {
  return new Redis(server.url, { disconnectTimeout: 0 });
}

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`condition not met within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
