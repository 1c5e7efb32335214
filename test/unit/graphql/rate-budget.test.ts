import { rateLimitError, rateLimitHeaders } from '../../../src/graphql/rate-budget';
import type { RateDecision } from '../../../src/ratelimit/rate-limiter';

const refused: RateDecision = {
  allowed: false,
  limit: 600,
  remaining: 20,
  resetSeconds: 58,
  retryAfterSeconds: 4,
};

describe('rate budget errors and headers', () => {
  it('gives no error when the decision allows the operation or no limiter ran', () => {
    expect(rateLimitError({ ...refused, allowed: true, retryAfterSeconds: 0 }, 30)).toBeNull();
    expect(rateLimitError(null, 30)).toBeNull();
  });

  it('says when to retry an operation that fits the budget later', () => {
    const error = rateLimitError(refused, 60);
    expect(error?.code).toBe('RATE_LIMITED');
    expect(error?.message).toBe(
      'Rate limit exceeded: this operation costs 60 of a budget of 600; retry in 4 s',
    );
    expect(error?.details).toEqual({ retryAfterSeconds: 4, cost: 60, limit: 600 });
  });

  it('says that an operation costing more than the whole budget can never run', () => {
    expect(rateLimitError({ ...refused, retryAfterSeconds: 60 }, 700)?.message).toBe(
      "Rate limit exceeded: this operation costs 700, more than the whole budget of 600 this key's role has; ask for a smaller page",
    );
  });

  it('names the three X-RateLimit headers with the decision in whole numbers', () => {
    expect(rateLimitHeaders(refused)).toEqual([
      ['x-ratelimit-limit', '600'],
      ['x-ratelimit-remaining', '20'],
      ['x-ratelimit-reset', '58'],
    ]);
  });
});
