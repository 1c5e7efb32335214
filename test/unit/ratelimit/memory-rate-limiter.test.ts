import { Role } from '../../../src/auth/principal';
import { MemoryRateLimiter } from '../../../src/ratelimit/memory-rate-limiter';

const POLICIES = {
  [Role.ADMIN]: { capacity: 1000, periodSeconds: 10 },
  [Role.ANALYST]: { capacity: 1000, periodSeconds: 10 },
  [Role.PARTNER]: { capacity: 100, periodSeconds: 60 },
  [Role.ALERTS]: { capacity: 10, periodSeconds: 60 },
};

function limiterWithClock() {
  const clock = { ms: 0 };
  const limiter = new MemoryRateLimiter({ policies: POLICIES, now: () => clock.ms });

  return { clock, limiter };
}

describe('MemoryRateLimiter', () => {
  it('keeps one bucket per key, sized by the role of the key', async () => {
    const { limiter } = limiterWithClock();
    expect(await limiter.consume(1, Role.PARTNER, 80)).toEqual({
      allowed: true,
      limit: 100,
      remaining: 20,
      resetSeconds: 48,
      retryAfterSeconds: 0,
    });
    expect(await limiter.consume(1, Role.PARTNER, 30)).toEqual({
      allowed: false,
      limit: 100,
      remaining: 20,
      resetSeconds: 48,
      retryAfterSeconds: 6,
    });
    expect(await limiter.consume(2, Role.PARTNER, 30)).toMatchObject({
      allowed: true,
      remaining: 70,
    });
    expect(await limiter.consume(3, Role.ADMIN, 30)).toMatchObject({
      allowed: true,
      limit: 1000,
      remaining: 970,
    });
  });

  it('refills a key over time so that a refused cost passes after its retry-after', async () => {
    const { clock, limiter } = limiterWithClock();
    await limiter.consume(1, Role.PARTNER, 100);
    const refused = await limiter.consume(1, Role.PARTNER, 50);
    expect(refused).toMatchObject({ allowed: false, retryAfterSeconds: 30 });
    clock.ms = refused.retryAfterSeconds * 1000;
    expect(await limiter.consume(1, Role.PARTNER, 50)).toMatchObject({
      allowed: true,
      remaining: 0,
    });
  });

  it('holds no bucket for a key whose bucket is full again', async () => {
    const { clock, limiter } = limiterWithClock();
    await limiter.consume(1, Role.PARTNER, 0);
    expect(limiter.size).toBe(0);
    await limiter.consume(1, Role.PARTNER, 10);
    expect(limiter.size).toBe(1);
    clock.ms = 6_000;
    await limiter.consume(1, Role.PARTNER, 0);
    expect(limiter.size).toBe(0);
  });

  it('drops the buckets of idle keys once they have refilled, at the next sweep', async () => {
    const { clock, limiter } = limiterWithClock();
    for (let keyId = 1; keyId <= 50; keyId += 1) {
      await limiter.consume(keyId, Role.ALERTS, 5);
    }
    expect(limiter.size).toBe(50);
    // 30 s later every bucket is full, but sweeps run once a minute.
    clock.ms = 30_000;
    await limiter.consume(100, Role.ALERTS, 5);
    expect(limiter.size).toBe(51);
    clock.ms = 60_000;
    await limiter.consume(101, Role.ALERTS, 5);
    expect(limiter.size).toBe(1);
  });

  it('forgets every bucket on close', async () => {
    const { limiter } = limiterWithClock();
    await limiter.consume(1, Role.ALERTS, 10);
    await limiter.close();
    expect(limiter.size).toBe(0);
    expect(await limiter.consume(1, Role.ALERTS, 10)).toMatchObject({ allowed: true });
  });
});
