import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Role } from '../../../src/auth/principal';
import { loadConfig } from '../../../src/config';
import { toGlobalId } from '../../../src/graphql/global-id';
import type { BucketPolicy } from '../../../src/ratelimit/token-bucket';
import { redisAvailable, startLocalRedis, type LocalRedis } from '../../support/redis-server';
import { expectError } from '../support/expect-error';
import { startTestPulse, type GraphqlResponse, type TestPulse } from '../support/start-pulse';
import { collect, wsClient } from '../support/ws';
import { wsRequest } from '../support/ws-request';

// Two root-level fields in a page of two: (1 + edges 1 + node 1 + id 1) × 2 = 8 cost units.
const FEW = `query Few { customers(first: 2) { edges { node { id } } } }`;
const COST = 8;
const RECORDED = `subscription Live($ids: [ID!]!) { interactionRecorded(customerIds: $ids) { id } }`;
const CUSTOMER_ID = toGlobalId('Customer', 1);
const DAY = 86_400;

// PARTNER: two and a half operations a day, so no unit comes back while a test runs and every
// header is exact. ANALYST: one operation every two seconds, to watch a refill.
const RATE_LIMITS: Record<Role, BucketPolicy> = {
  ...loadConfig({}).rateLimits,
  [Role.PARTNER]: { capacity: 2.5 * COST, periodSeconds: DAY },
  [Role.ANALYST]: { capacity: COST, periodSeconds: 2 },
};

function rateHeaders(response: GraphqlResponse) {
  return {
    limit: response.headers?.get('x-ratelimit-limit'),
    remaining: response.headers?.get('x-ratelimit-remaining'),
    reset: response.headers?.get('x-ratelimit-reset'),
  };
}

async function newKey(pulse: TestPulse, role: Role): Promise<string> {
  return (await pulse.app.services.apiKeys.create(role, `rate ${role}`)).key;
}

describe('per-key rate limit over HTTP and WebSocket (in process)', () => {
  let pulse: TestPulse;

  beforeAll(async () => {
    pulse = await startTestPulse('sqlite', { rateLimits: RATE_LIMITS });
  });

  afterAll(async () => {
    await pulse.stop();
  });

  it('takes the cost from the key budget and reports it in X-RateLimit-* headers', async () => {
    const key = await newKey(pulse, Role.PARTNER);
    const first = await pulse.query(FEW, {}, { key });
    expect(first.status).toBe(200);
    expect(first.errors).toBeUndefined();
    expect(rateHeaders(first)).toEqual({ limit: '20', remaining: '12', reset: '34560' });
    const second = await pulse.query(FEW, {}, { key });
    expect(rateHeaders(second)).toEqual({ limit: '20', remaining: '4', reset: '69120' });
  });

  it('refuses a PARTNER key over its budget with RATE_LIMITED, 429 and Retry-After', async () => {
    const key = await newKey(pulse, Role.PARTNER);
    await pulse.query(FEW, {}, { key });
    await pulse.query(FEW, {}, { key });
    const refused = await pulse.query(FEW, {}, { key });
    expect(refused.status).toBe(429);
    expect(refused.data?.customers).toBeUndefined();
    expectError(refused, 'RATE_LIMITED');
    // 4 units missing at 20 units a day: 4 / 20 × 86,400 s.
    expect(refused.errors?.[0]?.extensions).toMatchObject({
      retryAfterSeconds: 17_280,
      cost: COST,
      limit: 20,
    });
    expect(refused.headers?.get('retry-after')).toBe('17280');
    expect(rateHeaders(refused)).toEqual({ limit: '20', remaining: '4', reset: '69120' });
  });

  it('keeps budgets per key and per role: another PARTNER key and an ADMIN key still pass', async () => {
    const spent = await newKey(pulse, Role.PARTNER);
    for (let i = 0; i < 3; i += 1) {
      await pulse.query(FEW, {}, { key: spent });
    }
    const otherPartner = await pulse.query(FEW, {}, { key: await newKey(pulse, Role.PARTNER) });
    expect(otherPartner.status).toBe(200);
    expect(rateHeaders(otherPartner)).toEqual({ limit: '20', remaining: '12', reset: '34560' });
    const admin = await pulse.query(FEW, {}, { key: await newKey(pulse, Role.ADMIN) });
    expect(admin.status).toBe(200);
    expect(rateHeaders(admin)).toMatchObject({ limit: '600000', remaining: '599992' });
  });

  it('lets a refused request pass once its retry-after has elapsed', async () => {
    const key = await newKey(pulse, Role.ANALYST);
    expect((await pulse.query(FEW, {}, { key })).status).toBe(200);
    const refused = await pulse.query(FEW, {}, { key });
    expect(refused.status).toBe(429);
    expect(refused.headers?.get('retry-after')).toBe('2');
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const again = await pulse.query(FEW, {}, { key });
    expect(again.status).toBe(200);
    expect(again.errors).toBeUndefined();
  });

  // Six customers a page: 4 × 6 = 24 units, more than a PARTNER bucket (20) ever holds.
  const HUGE = `query Huge { customers(first: 6) { edges { node { id } } } }`;

  async function batch(key: string, queries: string[]) {
    const response = await fetch(pulse.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify(queries.map((query) => ({ query }))),
    });
    const results = (await response.json()) as Array<{
      data?: unknown;
      errors?: Array<{ extensions?: { code?: string } }>;
    }>;

    return { response, results };
  }

  it('answers a batch in which some operations ran with 200, not 429, and the refusals in their results', async () => {
    const key = await newKey(pulse, Role.PARTNER);
    const { response, results } = await batch(key, [FEW, HUGE]);

    // A 429 would tell the client that nothing ran, and a resent batch would run FEW twice.
    expect(response.status).toBe(200);
    expect(results[0].errors).toBeUndefined();
    expect(results[0].data).toEqual({ customers: expect.anything() });
    expect(results[1].errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(response.headers.get('retry-after')).toBe(String(DAY));
  });

  it('answers a batch whose operations were all refused with 429 and the longest Retry-After', async () => {
    const key = await newKey(pulse, Role.PARTNER);
    await pulse.query(FEW, {}, { key });
    await pulse.query(FEW, {}, { key });
    // 4 units left: FEW waits 17,280 s for the 4 it lacks, HUGE the full day, whichever of the
    // two is refused last.
    for (const queries of [
      [FEW, HUGE],
      [HUGE, FEW],
    ]) {
      const { response, results } = await batch(key, queries);
      expect(response.status).toBe(429);
      expect(results.map((result) => result.errors?.[0]?.extensions?.code)).toEqual([
        'RATE_LIMITED',
        'RATE_LIMITED',
      ]);
      expect(response.headers.get('retry-after')).toBe(String(DAY));
    }
  });

  it('sends no rate-limit headers to a request without a key', async () => {
    const anonymous = await pulse.query(FEW, {}, { key: null });
    expectError(anonymous, 'UNAUTHENTICATED');
    expect(rateHeaders(anonymous)).toEqual({ limit: null, remaining: null, reset: null });
  });

  it('charges subscriptions and queries over WebSocket to the same budget, and refuses both when it is spent', async () => {
    const key = await newKey(pulse, Role.PARTNER);
    const client = wsClient(pulse, key);
    try {
      // A subscription costs its fields once (interactionRecorded + id = 2), when it starts.
      const live = collect(client, RECORDED, { ids: [CUSTOMER_ID] }, 1, 500);
      await live.ready;
      expect(rateHeaders(await pulse.query(FEW, {}, { key }))).toMatchObject({ remaining: '10' });
      expect((await wsRequest(client, FEW)).errors).toBeUndefined();
      const lastUnits = collect(client, RECORDED, { ids: [CUSTOMER_ID] }, 1, 500);
      await lastUnits.ready;
      const refusedSubscription = await wsRequest(client, RECORDED, { ids: [CUSTOMER_ID] });
      expectError(refusedSubscription, 'RATE_LIMITED');
      expect(refusedSubscription.errors?.[0]?.extensions).toMatchObject({
        retryAfterSeconds: 8_640,
        cost: 2,
        limit: 20,
      });
      const refusedQuery = await wsRequest(client, FEW);
      expectError(refusedQuery, 'RATE_LIMITED');
      expect(refusedQuery.errors?.[0]?.extensions).toMatchObject({
        retryAfterSeconds: 34_560,
        cost: COST,
        limit: 20,
      });
      await Promise.all([live.results, lastUnits.results]);
    } finally {
      await client.dispose();
    }
  });
});

const describeRedis = redisAvailable() ? describe : describe.skip;

describeRedis('per-key rate limit shared through REDIS_URL by two instances', () => {
  let redis: LocalRedis;
  let dir: string;
  let first: TestPulse;
  let second: TestPulse;

  beforeAll(async () => {
    redis = await startLocalRedis();
    // Two instances behind one load balancer share the database (so the keys) and the Redis.
    dir = mkdtempSync(path.join(os.tmpdir(), 'pulse-ratelimit-'));
    const shared = {
      database: { type: 'sqlite' as const, path: path.join(dir, 'pulse.sqlite') },
      redisUrl: redis.url,
      rateLimits: RATE_LIMITS,
    };
    first = await startTestPulse('sqlite', shared);
    second = await startTestPulse('sqlite', shared);
  });

  afterAll(async () => {
    await first?.stop();
    await second?.stop();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses on one instance a key that spent its budget on the other', async () => {
    const key = await newKey(first, Role.PARTNER);
    expect(rateHeaders(await first.query(FEW, {}, { key }))).toMatchObject({ remaining: '12' });
    expect(rateHeaders(await second.query(FEW, {}, { key }))).toMatchObject({ remaining: '4' });
    const refused = await first.query(FEW, {}, { key });
    expect(refused.status).toBe(429);
    expectError(refused, 'RATE_LIMITED');
    const refusedElsewhere = await second.query(FEW, {}, { key });
    expect(refusedElsewhere.status).toBe(429);
    expect(refusedElsewhere.headers?.get('retry-after')).toBe('17280');
  });
});
