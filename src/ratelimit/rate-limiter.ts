import type { Role } from '../auth/principal';

/** What one request's cost did to its key's budget. */
export interface RateDecision {
  /** Whether the request may run (its cost was taken from the bucket). */
  allowed: boolean;
  /** Bucket capacity of the key's role, in cost units. */
  limit: number;
  /** Cost units left after this request (unchanged when refused), rounded down. */
  remaining: number;
  /** Seconds until the bucket is full again. */
  resetSeconds: number;
  /**
   * When refused: seconds until this request's cost will fit; 0 when allowed. A cost above
   * `limit` never fits: its refusal says the full period, the slowest pace the policy asks for.
   */
  retryAfterSeconds: number;
}

/** A per-key token bucket on query cost (in this process, or shared through Redis). */
export interface RateLimiter {
  consume(keyId: number, role: Role, cost: number): Promise<RateDecision>;
  close(): Promise<void>;
}
