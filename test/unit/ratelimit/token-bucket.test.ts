import { decide, take, type BucketState } from '../../../src/ratelimit/token-bucket';

// 100 units refilling over 60 s: 5 units every 3 s.
const POLICY = { capacity: 100, periodSeconds: 60 };

describe('take', () => {
  it('starts a key without a bucket full and takes the cost from it', () => {
    expect(take(undefined, 30, 1_000, POLICY)).toEqual({
      state: { tokens: 70, updatedAtMs: 1_000 },
      decision: {
        allowed: true,
        limit: 100,
        remaining: 70,
        resetSeconds: 18,
        retryAfterSeconds: 0,
      },
    });
  });

  it('refills at capacity / period per second, never above the capacity', () => {
    const state: BucketState = { tokens: 10, updatedAtMs: 0 };
    expect(take(state, 0, 3_000, POLICY).state.tokens).toBe(15);
    expect(take(state, 0, 30_000, POLICY).state.tokens).toBe(60);
    expect(take(state, 0, 600_000, POLICY).state.tokens).toBe(100);
  });

  it('refuses a cost above the tokens left, takes nothing and says when the cost fits', () => {
    const state: BucketState = { tokens: 10, updatedAtMs: 0 };
    expect(take(state, 40, 0, POLICY)).toEqual({
      state: { tokens: 10, updatedAtMs: 0 },
      decision: {
        allowed: false,
        limit: 100,
        remaining: 10,
        resetSeconds: 54,
        retryAfterSeconds: 18,
      },
    });
  });

  it('lets the refused request pass once its retry-after has elapsed, and not a second earlier', () => {
    const state: BucketState = { tokens: 10, updatedAtMs: 0 };
    expect(take(state, 40, 17_000, POLICY).decision).toMatchObject({
      allowed: false,
      retryAfterSeconds: 1,
    });
    expect(take(state, 40, 18_000, POLICY).decision).toEqual({
      allowed: true,
      limit: 100,
      remaining: 0,
      resetSeconds: 60,
      retryAfterSeconds: 0,
    });
  });

  it('rounds remaining down and the waits up to whole seconds', () => {
    const state: BucketState = { tokens: 0, updatedAtMs: 0 };
    // 1.5 s refills 2.5 units.
    expect(take(state, 1, 1_500, POLICY).decision).toEqual({
      allowed: true,
      limit: 100,
      remaining: 1,
      resetSeconds: 60,
      retryAfterSeconds: 0,
    });
    expect(take(state, 3, 1_500, POLICY).decision).toMatchObject({
      allowed: false,
      remaining: 2,
      retryAfterSeconds: 1,
    });
  });

  it('refuses a cost above the capacity even from a full bucket, with the full period as retry-after', () => {
    expect(take(undefined, 101, 0, POLICY)).toEqual({
      state: { tokens: 100, updatedAtMs: 0 },
      decision: {
        allowed: false,
        limit: 100,
        remaining: 100,
        resetSeconds: 0,
        retryAfterSeconds: 60,
      },
    });
  });

  it('allows a cost of exactly the capacity from a full bucket', () => {
    expect(take(undefined, 100, 0, POLICY).decision).toMatchObject({ allowed: true, remaining: 0 });
  });

  it('refills nothing when the clock went backwards', () => {
    expect(take({ tokens: 10, updatedAtMs: 5_000 }, 0, 2_000, POLICY).state).toEqual({
      tokens: 10,
      updatedAtMs: 2_000,
    });
  });

  it.each([[-1], [Number.NaN], [Number.POSITIVE_INFINITY]])(
    'throws a TypeError for a cost of %p',
    (cost) => {
      expect(() => take(undefined, cost, 0, POLICY)).toThrow(
        new TypeError(`cost must be a finite number of at least 0, got ${cost}`),
      );
    },
  );
});

describe('decide', () => {
  it('ignores floating-point crumbs when rounding to units and seconds', () => {
    expect(decide(39.99999999999999, 0, true, POLICY)).toEqual({
      allowed: true,
      limit: 100,
      remaining: 40,
      resetSeconds: 36,
      retryAfterSeconds: 0,
    });
  });
});
