import { Redis } from 'ioredis';
import type { Role } from '../auth/principal';
import type { Log } from '../log';
import { MemoryRateLimiter, type RatePolicies } from './memory-rate-limiter';
import type { RateDecision, RateLimiter } from './rate-limiter';
import { decide } from './token-bucket';

export interface RedisRateLimiterOptions {
  /** `redis://` or `rediss://` URL, as validated by `loadConfig`. */
  url: string;
  policies: RatePolicies;
  log: Log;
  /** Longest a request waits for Redis before its instance decides alone. Defaults to 500 ms. */
  commandTimeoutMs?: number;
}

/**
 * `take` from token-bucket.ts as one atomic script, so that concurrent requests on several
 * instances cannot both spend the same units. It reads Redis' clock (TIME) rather than taking
 * the caller's, so instances with skewed clocks refill one bucket at one rate. The key expires
 * when the bucket would be full again, which is the same as having no key.
 * KEYS[1] = bucket; ARGV = capacity, period in ms, cost. Returns { 1 | 0, tokens left }; the
 * tokens go back as a string because Redis truncates Lua numbers to integers.
 */
const TAKE_SCRIPT = `
local capacity = tonumber(ARGV[1])
local periodMs = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local saved = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = capacity
if saved[1] then
  local elapsed = math.max(0, now - tonumber(saved[2]))
  tokens = math.min(capacity, tonumber(saved[1]) + elapsed * capacity / periodMs)
end
local allowed = 0
if cost <= tokens then
  tokens = tokens - cost
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.max(1, math.ceil((capacity - tokens) * periodMs / capacity)))
return { allowed, tostring(tokens) }
`;

type ScriptedRedis = Redis & {
  pulseTakeTokens(
    key: string,
    capacity: number,
    periodMs: number,
    cost: number,
  ): Promise<[number, string]>;
};

// After a failed call, requests skip Redis for this long (unless it reconnects sooner), so a
// dead or hung Redis costs one timeout per interval, not one per request.
const RETRY_AFTER_FAILURE_MS = 2_000;
// One warning per minute says the budgets are per instance, without flooding the log.
const WARN_INTERVAL_MS = 60_000;

/**
 * Token buckets in Redis under `pulse:ratelimit:<keyId>`, shared by every instance that uses the
 * same Redis, so that N instances enforce one budget rather than N.
 *
 * When Redis cannot be reached, each instance falls back to its own in-process buckets (and logs
 * a warning once a minute) instead of refusing requests: rate limiting protects the service, so
 * an outage of its helper must not become an outage of the API. Falling back rather than letting
 * everything through keeps a bound during the outage: at most one budget per instance.
 */
export class RedisRateLimiter implements RateLimiter {
  private readonly redis: ScriptedRedis;
  private readonly fallback: MemoryRateLimiter;
  private skipRedisUntilMs = 0;
  private lastWarningMs = -Infinity;

  constructor(private readonly options: RedisRateLimiterOptions) {
    this.redis = new Redis(options.url, {
      // Start-up does not wait for Redis; the first request connects.
      lazyConnect: true,
      connectTimeout: 1_000,
      // The queue only holds commands while a connection is being made, and the timeout bounds
      // how long any request waits there: a dead Redis must never hang a request.
      commandTimeout: options.commandTimeoutMs ?? 500,
      maxRetriesPerRequest: 1,
      // Reconnect for ever, at most every 2 s, so the shared budget comes back with Redis.
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
      // ioredis waits this long for a socket that already failed to report "close" (which it
      // never does), holding a stopping process open; 2 s by default.
      disconnectTimeout: 100,
    }) as ScriptedRedis;
    this.redis.defineCommand('pulseTakeTokens', { numberOfKeys: 1, lua: TAKE_SCRIPT });
    // Without a listener ioredis prints every connection error to the console.
    this.redis.on('error', (error: Error) => this.warn(error));
    this.redis.on('ready', () => {
      if (this.lastWarningMs > -Infinity) {
        options.log.info('Redis is back: rate limits are shared again');
      }
      // A later outage is news again, however soon it comes.
      this.lastWarningMs = -Infinity;
      this.skipRedisUntilMs = 0;
    });
    this.fallback = new MemoryRateLimiter({ policies: options.policies });
  }

  async consume(keyId: number, role: Role, cost: number): Promise<RateDecision> {
    const policy = this.options.policies[role];
    if (Date.now() >= this.skipRedisUntilMs) {
      try {
        const [allowed, tokens] = await this.redis.pulseTakeTokens(
          `pulse:ratelimit:${keyId}`,
          policy.capacity,
          policy.periodSeconds * 1000,
          cost,
        );

        return decide(Number(tokens), cost, allowed === 1, policy);
      } catch (error) {
        this.skipRedisUntilMs = Date.now() + RETRY_AFTER_FAILURE_MS;
        this.warn(error as Error);
      }
    }

    return this.fallback.consume(keyId, role, cost);
  }

  async close(): Promise<void> {
    await this.fallback.close();
    if (this.redis.status === 'ready') {
      await this.redis.quit().catch(() => this.redis.disconnect());
    } else {
      this.redis.disconnect();
    }
  }

  private warn(error: Error): void {
    const now = Date.now();
    if (now - this.lastWarningMs >= WARN_INTERVAL_MS) {
      this.lastWarningMs = now;
      this.options.log.warn('Redis is unreachable: rate limits are enforced per instance', {
        error: error.message,
      });
    }
  }
}
