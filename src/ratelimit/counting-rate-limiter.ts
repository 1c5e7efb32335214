import type { RateLimiter } from './rate-limiter';

/** The same limiter, calling `onRefused` for each refused request (for /metrics). */
export function countingRefusals(limiter: RateLimiter, onRefused: () => void): RateLimiter {
  return {
    async consume(keyId, role, cost) {
      const decision = await limiter.consume(keyId, role, cost);
      if (!decision.allowed) {
        onRefused();
      }

      return decision;
    },
    close: () => limiter.close(),
  };
}
