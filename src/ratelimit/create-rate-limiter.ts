import type { Config } from '../config';
import type { Log } from '../log';
import { MemoryRateLimiter } from './memory-rate-limiter';
import type { RateLimiter } from './rate-limiter';
import { RedisRateLimiter } from './redis-rate-limiter';

/** Buckets shared through Redis when `REDIS_URL` is set, otherwise in this process. */
export function createRateLimiter(
  config: Pick<Config, 'redisUrl' | 'rateLimits'>,
  log: Log,
): RateLimiter {
  return config.redisUrl
    ? new RedisRateLimiter({ url: config.redisUrl, policies: config.rateLimits, log })
    : new MemoryRateLimiter({ policies: config.rateLimits });
}
