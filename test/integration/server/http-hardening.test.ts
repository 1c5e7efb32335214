import { Role } from '../../../src/auth/principal';
import { describeEachDialect } from '../support/dialects';
import { startTestPulse, type TestPulse } from '../support/start-pulse';
import { wsClient } from '../support/ws';
import { wsRequest } from '../support/ws-request';

const APP = 'https://app.example.com';
const COUNT = '{ customers(first: 1) { totalCount } }';
const INTROSPECT = '{ __schema { queryType { name } } }';
const EXPOSED =
  'x-ratelimit-limit, x-ratelimit-remaining, x-ratelimit-reset, retry-after, x-request-id';

function postJson(pulse: TestPulse, headers: Record<string, string> = {}, query = COUNT) {
  return fetch(pulse.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${pulse.keys[Role.ADMIN]}`,
      ...headers,
    },
    body: JSON.stringify({ query }),
  });
}

function preflight(pulse: TestPulse, origin: string) {
  return fetch(pulse.url, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type',
    },
  });
}

/** The CORS-related headers of a response, by name. */
function corsOf(response: Response): Record<string, string> {
  return Object.fromEntries(
    [...response.headers].filter(([name]) => name.startsWith('access-control-') || name === 'vary'),
  );
}

describeEachDialect(
  'HTTP hardening',
  (pulse) => {
    describe('CSRF prevention', () => {
      it('refuses a GET query without a preflight-forcing header with 400', async () => {
        const response = await fetch(`${pulse().url}?query=${encodeURIComponent(COUNT)}`, {
          headers: { authorization: `Bearer ${pulse().keys[Role.ADMIN]}` },
        });
        expect(response.status).toBe(400);
        expect(await response.text()).toMatch(
          /This operation has been blocked as a potential Cross-Site Request Forgery/,
        );
      });

      it('answers a GET query that carries apollo-require-preflight', async () => {
        const response = await fetch(`${pulse().url}?query=${encodeURIComponent(COUNT)}`, {
          headers: {
            authorization: `Bearer ${pulse().keys[Role.ADMIN]}`,
            'apollo-require-preflight': 'true',
          },
        });
        expect(response.status).toBe(200);
        expect(await response.json()).toEqual({ data: { customers: { totalCount: 0 } } });
      });

      it('refuses a text/plain POST with 400', async () => {
        const response = await fetch(pulse().url, {
          method: 'POST',
          headers: {
            'content-type': 'text/plain',
            authorization: `Bearer ${pulse().keys[Role.ADMIN]}`,
          },
          body: JSON.stringify({ query: COUNT }),
        });
        expect(response.status).toBe(400);
        expect(await response.text()).toMatch(/Cross-Site Request Forgery/);
      });

      it('answers a JSON POST', async () => {
        const response = await postJson(pulse());
        expect(response.status).toBe(200);
        expect(await response.json()).toEqual({ data: { customers: { totalCount: 0 } } });
      });
    });

    describe('CORS with one allowed origin', () => {
      it('answers a preflight from the allowed origin with 204 and the allowed methods and headers', async () => {
        const response = await preflight(pulse(), APP);
        expect(response.status).toBe(204);
        expect(corsOf(response)).toEqual({
          'access-control-allow-origin': APP,
          'access-control-allow-methods': 'GET, POST, OPTIONS',
          'access-control-allow-headers':
            'authorization, content-type, apollo-require-preflight, x-request-id',
          'access-control-max-age': '600',
          vary: 'Origin',
        });
      });

      it('answers a preflight from another origin with 204 and no CORS headers', async () => {
        const response = await preflight(pulse(), 'https://evil.example.com');
        expect(response.status).toBe(204);
        expect(corsOf(response)).toEqual({ vary: 'Origin' });
      });

      it('lets the allowed origin read the response and its rate-limit and request-id headers', async () => {
        const response = await postJson(pulse(), { origin: APP });
        expect(response.status).toBe(200);
        expect(corsOf(response)).toEqual({
          'access-control-allow-origin': APP,
          'access-control-expose-headers': EXPOSED,
          vary: 'Origin',
        });
      });

      it('sends no CORS headers to another origin', async () => {
        const response = await postJson(pulse(), { origin: 'https://app.example.com.evil.io' });
        expect(corsOf(response)).toEqual({ vary: 'Origin' });
      });
    });

    describe('introspection switched off', () => {
      it('refuses __schema over HTTP with GRAPHQL_VALIDATION_FAILED', async () => {
        const response = await pulse().query(INTROSPECT);
        expect(response.status).toBe(400);
        expect(response.errors?.[0]?.extensions).toEqual({
          code: 'GRAPHQL_VALIDATION_FAILED',
          validationErrorCode: 'INTROSPECTION_DISABLED',
        });
        expect(response.errors?.[0]?.message).toMatch(/^GraphQL introspection is not allowed/);
      });

      it('refuses __schema over WebSocket with GRAPHQL_VALIDATION_FAILED', async () => {
        const client = wsClient(pulse(), pulse().keys[Role.ADMIN]);
        const response = await wsRequest(client, INTROSPECT);
        await client.dispose();
        expect(response.errors?.[0]?.extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED' });
        expect(response.errors?.[0]?.message).toBe(
          'GraphQL introspection has been disabled, but the requested query contained the field "__schema".',
        );
      });

      it('still answers __typename on both transports', async () => {
        const client = wsClient(pulse(), pulse().keys[Role.ADMIN]);
        const overWs = await wsRequest(client, '{ __typename }');
        await client.dispose();
        expect(overWs).toEqual({ data: { __typename: 'Query' } });
        expect((await pulse().query('{ __typename }')).data).toEqual({ __typename: 'Query' });
      });
    });

    describe('body size', () => {
      it('answers a body over the maximum with 413 and PAYLOAD_TOO_LARGE', async () => {
        const response = await postJson(
          pulse(),
          {},
          `{ customers(first: 1) { totalCount } } # ${'x'.repeat(2048)}`,
        );
        expect(response.status).toBe(413);
        expect(await response.json()).toEqual({
          errors: [
            {
              message: 'Request body exceeds 2048 bytes',
              extensions: { code: 'PAYLOAD_TOO_LARGE' },
            },
          ],
        });
      });
    });
  },
  { corsOrigins: [APP], introspection: false, maxBodyBytes: 2048 },
);

describe('CORS settings', () => {
  let any: TestPulse;
  let none: TestPulse;
  beforeAll(async () => {
    [any, none] = await Promise.all([
      startTestPulse('sqlite', { corsOrigins: ['*'] }),
      startTestPulse('sqlite'),
    ]);
  });
  afterAll(async () => {
    await Promise.all([any?.stop(), none?.stop()]);
  });

  it('allows every origin with * (a bearer key is no browser credential)', async () => {
    const response = await postJson(any, { origin: 'https://anywhere.example.org' });
    expect(corsOf(response)).toEqual({
      'access-control-allow-origin': '*',
      'access-control-expose-headers': EXPOSED,
      vary: 'Origin',
    });
  });

  it('sends no CORS headers at all by default', async () => {
    const [answer, options] = await Promise.all([
      postJson(none, { origin: APP }),
      preflight(none, APP),
    ]);
    expect(corsOf(answer)).toEqual({});
    expect(options.status).toBe(204);
    expect(corsOf(options)).toEqual({});
  });

  it('answers introspection by default', async () => {
    const response = await none.query(INTROSPECT);
    expect(response.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });
});
