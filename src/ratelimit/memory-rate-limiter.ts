import type { Role } from '../auth/principal';
import type { RateDecision, RateLimiter } from './rate-limiter';
import { type BucketPolicy, type BucketState, take } from './token-bucket';

/** The budget of each role's keys. */
export type RatePolicies = Record<Role, BucketPolicy>;

export interface MemoryRateLimiterOptions {
  policies: RatePolicies;
  /** Milliseconds since the epoch. Defaults to `Date.now`; tests pass a clock they move. */
  now?: () => number;
}

// How often buckets that have filled up again are dropped. Between sweeps memory holds at most
// the keys active during the last period plus one interval.
const SWEEP_INTERVAL_MS = 60_000;

/** Token buckets in this process: each instance enforces the whole budget on its own. */
export class MemoryRateLimiter implements RateLimiter {
  private readonly buckets = new Map<number, { state: BucketState; fullAtMs: number }>();
  private readonly policies: RatePolicies;
  private readonly now: () => number;
  private nextSweepMs: number;

  constructor(options: MemoryRateLimiterOptions) {
    this.policies = options.policies;
    this.now = options.now ?? Date.now;
    this.nextSweepMs = this.now() + SWEEP_INTERVAL_MS;
  }

  /** Keys whose bucket is not full (a full bucket is the same as none, so it is not kept). */
  get size(): number {
    return this.buckets.size;
  }

  async consume(keyId: number, role: Role, cost: number): Promise<RateDecision> {
    const nowMs = this.now();
    this.sweep(nowMs);
    const { state, decision } = take(
      this.buckets.get(keyId)?.state,
      cost,
      nowMs,
      this.policies[role],
    );
    if (decision.resetSeconds === 0) {
      this.buckets.delete(keyId);
    } else {
      this.buckets.set(keyId, { state, fullAtMs: nowMs + decision.resetSeconds * 1000 });
    }

    return decision;
  }

  async close(): Promise<void> {
    this.buckets.clear();
  }

  // Sweeping on use rather than on a timer leaves no handle to clear and keeps tests' clocks in
  // charge; an idle process holds only what it held when it went idle.
  private sweep(nowMs: number): void {
    if (nowMs < this.nextSweepMs) {
      return;
    }
    this.nextSweepMs = nowMs + SWEEP_INTERVAL_MS;
    for (const [keyId, bucket] of this.buckets) {
      if (bucket.fullAtMs <= nowMs) {
        this.buckets.delete(keyId);
      }
    }
  }
}
