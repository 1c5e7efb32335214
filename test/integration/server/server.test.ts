import WebSocket from 'ws';
import { Role } from '../../../src/auth/principal';
import { describeEachDialect } from '../support/dialects';
import { createCustomers } from '../support/factories';
import { startTestPulse, type TestPulse } from '../support/start-pulse';
import { wsClient as client } from '../support/ws';
import { wsRequest } from '../support/ws-request';

const CUSTOMER_360 = `query Customer360($id: ID!) {
  customer(id: $id) {
    id externalId name email country signedUpAt version
    consents { channel status }
    summary { totalSpent orderCount interactionCount interactionsByChannel { channel count } }
    interactions(first: 5) { totalCount edges { cursor node { id type occurredAt } } }
    orders(first: 5) { totalCount edges { node { id amount status lines { productName } } } }
  }
}`;

const baseUrl = (pulse: TestPulse) => pulse.url.replace(/\/graphql$/, '');

describeEachDialect('server', (pulse) => {
  describe('health', () => {
    it('answers /healthz with 200 while the process is up', async () => {
      const response = await fetch(`${baseUrl(pulse())}/healthz`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok' });
    });

    it('answers /readyz with 200 when the database answers', async () => {
      const response = await fetch(`${baseUrl(pulse())}/readyz`);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(await response.json()).toEqual({ status: 'ready' });
    });

    it('answers other paths with 404', async () => {
      const response = await fetch(`${baseUrl(pulse())}/elsewhere`);
      expect(response.status).toBe(404);
    });

    it('tells caches to keep no GraphQL answer: they carry personal data', async () => {
      const response = await pulse().query('{ customers(first: 1) { totalCount } }');
      expect(response.status).toBe(200);
      expect(response.headers?.get('cache-control')).toBe('no-store');
    });
  });

  describe('request ids', () => {
    it('echoes the x-request-id a client sends, on GraphQL and health responses', async () => {
      const graphql = await fetch(pulse().url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${pulse().keys[Role.ADMIN]}`,
          'x-request-id': 'trace-abc-123',
        },
        body: JSON.stringify({ query: '{ customers(first: 1) { totalCount } }' }),
      });
      const health = await fetch(`${baseUrl(pulse())}/healthz`, {
        headers: { 'x-request-id': 'trace-def-456' },
      });
      expect(graphql.headers.get('x-request-id')).toBe('trace-abc-123');
      expect(health.headers.get('x-request-id')).toBe('trace-def-456');
    });

    it('generates a request id when the client sends none', async () => {
      const response = await fetch(`${baseUrl(pulse())}/healthz`);
      expect(response.headers.get('x-request-id')).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
      );
    });
  });

  describe('GraphQL over WebSocket', () => {
    let customer: { id: string; externalId: string };
    beforeAll(async () => {
      [customer] = await createCustomers(pulse(), 1, () => ({
        consents: [{ channel: 'EMAIL', status: 'GRANTED' }],
      }));
      const ingested = await pulse().query(
        `mutation($a: IngestInteractionsInput!, $b: IngestOrdersInput!) {
          ingestInteractions(input: $a) { accepted } ingestOrders(input: $b) { accepted } }`,
        {
          a: {
            interactions: [
              {
                customerId: customer.id,
                channel: 'WEB',
                type: 'page_view',
                occurredAt: '2025-05-01T00:00:00Z',
                clientEventId: `${customer.externalId}-e`,
              },
            ],
          },
          b: {
            orders: [
              {
                customerId: customer.id,
                clientOrderId: `${customer.externalId}-o`,
                orderedAt: '2025-05-02T00:00:00Z',
                currency: 'EUR',
                status: 'PAID',
                lines: [{ productId: 'p', productName: 'Lamp', quantity: 2, unitPrice: 12.5 }],
              },
            ],
          },
        },
      );
      expect(ingested.errors).toBeUndefined();
    });

    it.each([Role.ADMIN, Role.PARTNER])(
      'answers a nested query with the same data as HTTP for the %s role',
      async (role) => {
        const ws = client(pulse(), pulse().keys[role]);
        try {
          const overWs = await wsRequest(ws, CUSTOMER_360, { id: customer.id });
          const overHttp = await pulse().query(CUSTOMER_360, { id: customer.id }, { role });
          expect(overHttp.errors).toBeUndefined();
          expect(overWs).toEqual({ data: overHttp.data });
          expect(overWs.data).toMatchObject({ customer: { summary: { totalSpent: 25 } } });
        } finally {
          await ws.dispose();
        }
      },
    );

    // A missing or unknown key closes the socket with 4401 instead (limits/websocket.test.ts).
    it.each<[string, Role, () => [string, Record<string, unknown>], string]>([
      [
        'the ALERTS role reading customers',
        Role.ALERTS,
        () => ['{ customers(first: 1) { totalCount } }', {}],
        'FORBIDDEN',
      ],
      [
        'a well-formed id of a missing customer',
        Role.ADMIN,
        () => [CUSTOMER_360, { id: Buffer.from('Customer:2000000000').toString('base64url') }],
        'NOT_FOUND',
      ],
      [
        'a bad email in a mutation',
        Role.ADMIN,
        () => [
          'mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } } }',
          { i: { email: 'nope' } },
        ],
        'BAD_USER_INPUT',
      ],
      [
        'a field that does not exist',
        Role.ADMIN,
        () => ['{ customers { shoeSize } }', {}],
        'GRAPHQL_VALIDATION_FAILED',
      ],
      [
        'a variable of the wrong type',
        Role.ADMIN,
        () => ['query($n: Int) { customers(first: $n) { totalCount } }', { n: 'ten' }],
        'BAD_USER_INPUT',
      ],
    ])(
      'answers %s over WebSocket with the same code as over HTTP',
      async (_title, who, operation, code) => {
        const [query, variables] = operation();
        const key = pulse().keys[who];
        const ws = client(pulse(), key);
        try {
          const overWs = await wsRequest(ws, query, variables);
          const overHttp = await pulse().query(query, variables, { key });
          expect(overHttp.errors?.[0]?.extensions?.code).toBe(code);
          expect(overWs.errors?.[0]?.extensions).toEqual(overHttp.errors?.[0]?.extensions);
          expect(overWs.errors?.[0]?.message).toBe(overHttp.errors?.[0]?.message);
        } finally {
          await ws.dispose();
        }
      },
    );
  });
});

describe('graceful stop', () => {
  it('closes open WebSockets with 1012 and stops serving /readyz', async () => {
    const pulse = await startTestPulse('sqlite');
    const readyz = `${baseUrl(pulse)}/readyz`;
    expect((await fetch(readyz)).status).toBe(200);
    const socket = new WebSocket(pulse.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    await pulse.stop();
    expect(await closed).toEqual({ code: 1012, reason: expect.any(String) });
    const after = await fetch(readyz).then(
      (response) => response.status,
      () => 'refused',
    );
    expect(after).toBe('refused');
  });

  it('lets a second stop() resolve without error', async () => {
    const pulse = await startTestPulse('sqlite');
    await pulse.stop();
    await expect(pulse.stop()).resolves.toBeUndefined();
  });
});
