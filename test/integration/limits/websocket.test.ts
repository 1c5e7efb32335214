import type { Client } from 'graphql-ws';
import WebSocket from 'ws';
import { Role } from '../../../src/auth/principal';
import { describeEachDialect } from '../support/dialects';
import { createCustomers, unique } from '../support/factories';
import type { TestPulse } from '../support/start-pulse';
import { collect, wsClient } from '../support/ws';
import { wsRequest } from '../support/ws-request';

const LIMITS = { maxCost: 400, maxTokens: 200, wsMaxSubscriptions: 2, wsMaxMessageBytes: 4096 };

const RECORDED = `subscription Live($ids: [ID!]!) { interactionRecorded(customerIds: $ids) { clientEventId } }`;
const COUNT = '{ customers(first: 1) { totalCount } }';
const INGEST = `mutation($input: IngestInteractionsInput!) { ingestInteractions(input: $input) { accepted } }`;

/** What the client saw first: a result, an error, or the socket closing (code and reason). */
function firstOutcome(client: Client, query: string, variables: Record<string, unknown> = {}) {
  return new Promise<unknown>((resolve) => {
    client.subscribe(
      { query, variables },
      { next: resolve, error: resolve, complete: () => resolve('complete') },
    );
  });
}

/** Opens a subscription and returns its disposer (ends it from the client side). */
function follow(client: Client, customerId: string): () => void {
  return client.subscribe(
    { query: RECORDED, variables: { ids: [customerId] } },
    { next: () => undefined, error: () => undefined, complete: () => undefined },
  );
}

async function ingestOne(pulse: TestPulse, customerId: string): Promise<string> {
  const clientEventId = unique('ws');
  const response = await pulse.query(INGEST, {
    input: {
      interactions: [
        {
          customerId,
          channel: 'WEB',
          type: 'page_view',
          occurredAt: '2026-01-01T00:00:00Z',
          clientEventId,
        },
      ],
    },
  });
  expect(response.errors).toBeUndefined();

  return clientEventId;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeEachDialect(
  'WebSocket rules',
  (pulse) => {
    let customerId: string;
    beforeAll(async () => {
      [{ id: customerId }] = await createCustomers(pulse(), 1);
    });

    describe('authentication', () => {
      it.each<[string, () => Promise<string | null>]>([
        ['no key', async () => null],
        ['a key that was never issued', async () => 'pulse_never_issued'],
        [
          'a revoked key',
          async () => {
            const { key, record } = await pulse().app.services.apiKeys.create(Role.ANALYST, 'gone');
            await pulse().app.services.apiKeys.revoke(record.id);

            return key;
          },
        ],
      ])('closes the socket with 4401 Unauthorized for %s', async (_title, key) => {
        const client = wsClient(pulse(), await key());
        const outcome = await firstOutcome(client, COUNT);
        await client.dispose();
        expect(outcome).toMatchObject({ code: 4401, reason: 'Unauthorized' });
      });

      it('answers UNAUTHENTICATED on an open socket once its key is revoked', async () => {
        const { key, record } = await pulse().app.services.apiKeys.create(Role.ANALYST, 'revoked');
        const client = wsClient(pulse(), key);
        // An open subscription keeps the lazy client's socket open between requests.
        const stop = follow(client, customerId);
        try {
          expect((await wsRequest(client, COUNT)).errors).toBeUndefined();
          await pulse().app.services.apiKeys.revoke(record.id);
          expect(await wsRequest(client, COUNT)).toEqual({
            errors: [
              {
                message: 'The API key of this connection is no longer valid',
                extensions: { code: 'UNAUTHENTICATED' },
              },
            ],
          });
        } finally {
          stop();
          await client.dispose();
        }
      });

      it('refuses the live timeline to the ALERTS role with FORBIDDEN', async () => {
        const client = wsClient(pulse(), pulse().keys[Role.ALERTS]);
        const response = await wsRequest(client, RECORDED, { ids: [customerId] });
        await client.dispose();
        expect(response.errors?.[0]?.extensions).toEqual({ code: 'FORBIDDEN' });
        expect(response.errors?.[0]?.message).toBe('The ALERTS role may not do this');
      });
    });

    describe('query limits', () => {
      it.each([
        [
          'cost of a subscription',
          `subscription($ids: [ID!]!) { interactionRecorded(customerIds: $ids) {
            customer { interactions(first: 100) { edges { node { id type } } } } } }`,
          // node 3, edges 4, interactions (1 + 4) × 100, customer 501, interactionRecorded 502
          { limit: 'cost', cost: 502, max: 400 },
        ],
        [
          'depth of a query',
          `{ customers(first: 1) { edges { node { interactions(first: 1) { edges { node {
            customer { summary { totalSpent } } } } } } } } }`,
          { limit: 'depth', value: 9, max: 8 },
        ],
        [
          'tokens of a query',
          `{ customers(first: 1) { edges { node { ${Array(200).fill('id').join(' ')} } } } }`,
          { limit: 'tokens', value: null, max: 200 },
        ],
      ])(
        'refuses the %s over its limit with the same error as HTTP',
        async (_title, query, details) => {
          const client = wsClient(pulse(), pulse().keys[Role.ANALYST]);
          const overWs = await wsRequest(client, query, { ids: [customerId] });
          await client.dispose();
          expect(overWs.errors).toHaveLength(1);
          expect(overWs.errors?.[0]?.extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', ...details });
          if (!query.startsWith('subscription')) {
            const overHttp = await pulse().query(query, {}, { role: Role.ANALYST });
            expect(overWs.errors).toEqual(overHttp.errors);
          }
        },
      );
    });

    describe('subscriptions per connection', () => {
      it('refuses a third subscription on one socket and accepts one again after another ends', async () => {
        const client = wsClient(pulse(), pulse().keys[Role.ANALYST]);
        try {
          const stopFirst = follow(client, customerId);
          const stopSecond = follow(client, customerId);
          expect(await wsRequest(client, RECORDED, { ids: [customerId] })).toEqual({
            errors: [
              {
                message:
                  'The request opens more subscriptions on this connection than allowed (subscriptions): 3, at most 2',
                extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'subscriptions', value: 3, max: 2 },
              },
            ],
          });
          stopFirst();
          // The server counts it down when the client's complete message arrives.
          await pause(200);
          const live = collect<{ data: { interactionRecorded: { clientEventId: string } } }>(
            client,
            RECORDED,
            { ids: [customerId] },
            1,
          );
          await live.ready;
          const clientEventId = await ingestOne(pulse(), customerId);
          expect((await live.results).map((r) => r.data.interactionRecorded.clientEventId)).toEqual(
            [clientEventId],
          );
          stopSecond();
        } finally {
          await client.dispose();
        }
      });
    });

    describe('message size', () => {
      it('closes the socket with 1009 on a message over the maximum', async () => {
        const socket = new WebSocket(pulse().url.replace(/^http/, 'ws'), 'graphql-transport-ws');
        await new Promise<void>((resolve, reject) => {
          socket.once('open', () => resolve());
          socket.once('error', reject);
        });
        const closed = new Promise<number>((resolve) =>
          socket.once('close', (code) => resolve(code)),
        );
        socket.send(
          JSON.stringify({
            type: 'connection_init',
            payload: {
              authorization: `Bearer ${pulse().keys[Role.ANALYST]}`,
              pad: 'x'.repeat(4096),
            },
          }),
        );
        expect(await closed).toBe(1009);
      });
    });
  },
  LIMITS,
);
