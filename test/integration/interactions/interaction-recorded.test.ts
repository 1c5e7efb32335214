import { describeEachDialect } from '../support/dialects';
import { createCustomers, unique } from '../support/factories';
import { expectError } from '../support/expect-error';
import { collect, wsClient } from '../support/ws';
import { wsRequest } from '../support/ws-request';
import { Role } from '../../../src/auth/principal';

const RECORDED = `subscription Live($ids: [ID!]!) {
  interactionRecorded(customerIds: $ids) { id type clientEventId properties customer { externalId } }
}`;
const INGEST = `mutation($input: IngestInteractionsInput!) { ingestInteractions(input: $input) { accepted duplicates } }`;

describeEachDialect('interactionRecorded subscription', (pulse) => {
  it('delivers each new interaction of a followed customer once, over WebSocket, and not retried duplicates', async () => {
    const [followed, other] = await createCustomers(pulse(), 2);
    const client = wsClient(pulse(), pulse().keys[Role.ANALYST]);
    const live = collect<{
      data: { interactionRecorded: { clientEventId: string; customer: { externalId: string } } };
    }>(
      client,
      RECORDED,
      { ids: [followed.id] },
      // One more than expected: a fourth event (a duplicate, another customer's) would show.
      4,
      1500,
    );
    await live.ready;
    const prefix = unique('live');
    const batch = ['a', 'b', 'c'].map((suffix) => ({
      customerId: followed.id,
      channel: 'WEB',
      type: 'page_view',
      occurredAt: '2026-01-01T00:00:00Z',
      clientEventId: `${prefix}-${suffix}`,
    }));
    const otherEvent = { ...batch[0], customerId: other.id, clientEventId: `${prefix}-other` };
    expect(
      (await pulse().query(INGEST, { input: { interactions: [...batch, otherEvent] } })).errors,
    ).toBeUndefined();
    // A retry of the same batch stores nothing and must announce nothing.
    await pulse().query(INGEST, { input: { interactions: batch } });
    const results = await live.results;
    await client.dispose();
    expect(results.map((r) => r.data.interactionRecorded.clientEventId).sort()).toEqual(
      batch.map((row) => row.clientEventId).sort(),
    );
    expect(
      results.every((r) => r.data.interactionRecorded.customer.externalId === followed.externalId),
    ).toBe(true);
  });

  it('masks free-text properties for partners on the live timeline too', async () => {
    const [customer] = await createCustomers(pulse(), 1);
    const client = wsClient(pulse(), pulse().keys[Role.PARTNER]);
    const live = collect<{
      data: { interactionRecorded: { properties: Record<string, unknown> } };
    }>(client, RECORDED, { ids: [customer.id] }, 1);
    await live.ready;
    await pulse().query(INGEST, {
      input: {
        interactions: [
          {
            customerId: customer.id,
            channel: 'SUPPORT',
            type: 'support_ticket',
            occurredAt: '2026-01-02T00:00:00Z',
            properties: { note: 'my address is 1 Main St', priority: 2 },
            clientEventId: unique('masked'),
          },
        ],
      },
    });
    const [result] = await live.results;
    await client.dispose();
    expect(result.data.interactionRecorded.properties).toEqual({ note: '***', priority: 2 });
  });

  it.each([
    ['no customer', 0],
    ['101 customers', 101],
  ])('refuses %s with BAD_USER_INPUT on customerIds when subscribing', async (_title, count) => {
    const client = wsClient(pulse(), pulse().keys[Role.ANALYST]);
    const ids = Array.from({ length: count }, (_, i) =>
      Buffer.from(`Customer:${i + 1}`).toString('base64url'),
    );
    // An accepted subscription stays open and never completes: give it a moment, no more.
    const response = await Promise.race([
      wsRequest(client, RECORDED, { ids }),
      new Promise<{ errors: undefined }>((resolve) =>
        setTimeout(() => resolve({ errors: undefined }), 1500),
      ),
    ]);
    await client.dispose();
    expectError(response, 'BAD_USER_INPUT', 'customerIds');
  });

  // A socket without a key closes with 4401 before any subscription (see limits/websocket.test.ts).
  it('closes the socket with 4401 Unauthorized when subscribing without a key', async () => {
    const client = wsClient(pulse(), null);
    const outcome = await new Promise<unknown>((resolve) => {
      client.subscribe(
        { query: RECORDED, variables: { ids: ['x'] } },
        { next: resolve, error: resolve, complete: () => resolve(null) },
      );
    });
    await client.dispose();
    expect(outcome).toMatchObject({ code: 4401, reason: 'Unauthorized' });
  });
});
