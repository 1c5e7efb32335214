import type { RateDecision } from './rate-limiter';

/** A role's budget: a bucket of `capacity` cost units that refills evenly over `periodSeconds`. */
export interface BucketPolicy {
  /** Largest burst, in query-cost units; also the largest cost one request can ever have. */
  capacity: number;
  /** Seconds an empty bucket takes to fill up again (refill rate = capacity / periodSeconds). */
  periodSeconds: number;
}

/** One key's bucket: the units it held at `updatedAtMs`. A key without a state has a full one. */
export interface BucketState {
  tokens: number;
  updatedAtMs: number;
}

/**
 * Refills `state` up to `nowMs`, then takes `cost` from it when it fits. A refused request takes
 * nothing, so retrying early never pushes the wait further out. A clock that went backwards
 * refills nothing rather than draining the bucket.
 */
export function take(
  state: BucketState | undefined,
  cost: number,
  nowMs: number,
  policy: BucketPolicy,
): { state: BucketState; decision: RateDecision } {
  if (!Number.isFinite(cost) || cost < 0) {
    throw new TypeError(`cost must be a finite number of at least 0, got ${cost}`);
  }
  const elapsedMs = state ? Math.max(0, nowMs - state.updatedAtMs) : 0;
  const refilled = state
    ? Math.min(policy.capacity, state.tokens + refillFor(elapsedMs, policy))
    : policy.capacity;
  const allowed = cost <= refilled;
  const tokens = allowed ? refilled - cost : refilled;

  return { state: { tokens, updatedAtMs: nowMs }, decision: decide(tokens, cost, allowed, policy) };
}

/**
 * The decision for a bucket that holds `tokens` after the request (whoever did the arithmetic:
 * this module, or the Redis script, which mirrors `take`).
 *
 * A cost above the capacity never fits, however long the client waits. Such a refusal gets the
 * full period as retry-after: the slowest pace the policy ever asks for, so a client that retries
 * blindly does little harm, while the error's cost and limit (cost > limit) say why it failed.
 */
export function decide(
  tokens: number,
  cost: number,
  allowed: boolean,
  policy: BucketPolicy,
): RateDecision {
  const missing = cost > policy.capacity ? null : cost - tokens;

  return {
    allowed,
    limit: policy.capacity,
    remaining: Math.max(0, Math.floor(tokens + EPSILON)),
    resetSeconds: secondsToRefill(policy.capacity - tokens, policy),
    retryAfterSeconds: allowed
      ? 0
      : missing === null
        ? policy.periodSeconds
        : Math.max(1, secondsToRefill(missing, policy)),
  };
}

// Refill arithmetic in floating point leaves crumbs such as 39.99999999999999; whole seconds and
// whole units must not be pushed one step off by them.
const EPSILON = 1e-9;

function secondsToRefill(units: number, policy: BucketPolicy): number {
  return Math.max(0, Math.ceil((units * policy.periodSeconds) / policy.capacity - EPSILON));
}

function refillFor(elapsedMs: number, policy: BucketPolicy): number {
  return (elapsedMs * policy.capacity) / (policy.periodSeconds * 1000);
}
