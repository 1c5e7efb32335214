import type { Principal } from '../auth/principal';
import { PulseError } from '../errors';
import type { RateDecision, RateLimiter } from '../ratelimit/rate-limiter';

/**
 * Takes an operation's cost from its key's budget, after the limits passed. Anonymous requests
 * are not charged: they fail authorization before any resolver runs. Returns the decision, or
 * null when no limiter ran.
 */
export async function chargeCost(
  rateLimiter: RateLimiter | undefined,
  principal: Principal | null,
  cost: number,
): Promise<RateDecision | null> {
  return rateLimiter && principal
    ? rateLimiter.consume(principal.keyId, principal.role, cost)
    : null;
}

/** The RATE_LIMITED error of a refused decision; null when the operation may run. */
export function rateLimitError(decision: RateDecision | null, cost: number): PulseError | null {
  if (!decision || decision.allowed) {
    return null;
  }

  const message =
    cost > decision.limit
      ? `Rate limit exceeded: this operation costs ${cost}, more than the whole budget of ${decision.limit} this key's role has; ask for a smaller page`
      : `Rate limit exceeded: this operation costs ${cost} of a budget of ${decision.limit}; retry in ${decision.retryAfterSeconds} s`;

  return new PulseError('RATE_LIMITED', message, undefined, {
    retryAfterSeconds: decision.retryAfterSeconds,
    cost,
    limit: decision.limit,
  });
}

/** The X-RateLimit-* response headers of a decision (reset in seconds). */
export function rateLimitHeaders(decision: RateDecision): Array<[string, string]> {
  return [
    ['x-ratelimit-limit', String(decision.limit)],
    ['x-ratelimit-remaining', String(decision.remaining)],
    ['x-ratelimit-reset', String(decision.resetSeconds)],
  ];
}
