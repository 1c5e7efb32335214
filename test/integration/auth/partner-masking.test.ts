import { Role } from '../../../src/auth/principal';
import { describeEachDialect } from '../support/dialects';
import { expectError } from '../support/expect-error';
import { collect, wsClient } from '../support/ws';
import { wsRequest } from '../support/ws-request';

// Every way a partner can reach a customer or its free text: lists, lookups, node(s), the
// customer nested under interactions and orders, WebSocket queries and the live subscription.
// Each answer is searched for the raw personal values, so a new path that forgets the mask
// fails here.

const PERSON = {
  externalId: 'mask-ext-1',
  name: 'Jane Doe',
  email: 'jane.doe@example.com',
  phone: '+441234567123',
  city: 'Manchester',
  birthDate: '1984-06-02',
  country: 'GB',
  attributes: { note: 'Prefers Tuesday calls', tier: 3 },
};
const SECRETS = [
  'Jane',
  'Doe',
  'jane.doe',
  'example.com',
  '4567',
  'Manchester',
  '06-02',
  'Tuesday',
  'knee',
];
const PROFILE = 'id name email phone city birthDate country attributes';

function leaks(body: unknown): string[] {
  const text = JSON.stringify(body);

  return SECRETS.filter((secret) => text.includes(secret));
}

describeEachDialect('personal data seen by a PARTNER', (pulse) => {
  let customerId: string;
  let interactionId: string;
  let orderId: string;

  beforeAll(async () => {
    const created = await pulse().query<{ createCustomer: { customer: { id: string } } }>(
      `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }`,
      { input: PERSON },
    );
    customerId = created.data!.createCustomer.customer.id;
    const interactions = await pulse().query(
      `mutation($input: IngestInteractionsInput!) { ingestInteractions(input: $input) { accepted } }`,
      {
        input: {
          interactions: [
            {
              customerId,
              channel: 'SUPPORT',
              type: 'ticket',
              clientEventId: 'mask-evt-1',
              occurredAt: '2026-10-01T10:00:00Z',
              properties: { text: 'My knee hurts after the run', priority: 2 },
            },
          ],
        },
      },
    );
    const orders = await pulse().query(
      `mutation($input: IngestOrdersInput!) { ingestOrders(input: $input) { accepted } }`,
      {
        input: {
          orders: [
            {
              customerId,
              clientOrderId: 'mask-order-1',
              orderedAt: '2026-10-02T10:00:00Z',
              status: 'PAID',
              currency: 'GBP',
              lines: [{ productId: 'p1', productName: 'Shoe', quantity: 1, unitPrice: 80 }],
            },
          ],
        },
      },
    );
    const ids = await pulse().query<{
      customer: {
        interactions: { edges: Array<{ node: { id: string } }> };
        orders: { edges: Array<{ node: { id: string } }> };
      };
    }>(
      `query($id: ID!) { customer(id: $id) {
        interactions(first: 1) { edges { node { id } } }
        orders(first: 1) { edges { node { id } } }
      } }`,
      { id: customerId },
    );
    expect([created.errors, interactions.errors, orders.errors, ids.errors]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    interactionId = ids.data!.customer.interactions.edges[0].node.id;
    orderId = ids.data!.customer.orders.edges[0].node.id;
  });

  const paths: Array<[string, string, () => Record<string, unknown>]> = [
    [
      'the customers connection',
      `{ customers(first: 100) { edges { node { ${PROFILE} } } } }`,
      () => ({}),
    ],
    [
      'customer(id)',
      `query($id: ID!) { customer(id: $id) { ${PROFILE} } }`,
      () => ({ id: customerId }),
    ],
    [
      'customerByExternalId',
      `{ customerByExternalId(externalId: "mask-ext-1") { ${PROFILE} } }`,
      () => ({}),
    ],
    [
      'node(id)',
      `query($id: ID!) { node(id: $id) { ... on Customer { ${PROFILE} } } }`,
      () => ({ id: customerId }),
    ],
    [
      'nodes(ids)',
      `query($ids: [ID!]!) { nodes(ids: $ids) { ... on Customer { ${PROFILE} } } }`,
      () => ({ ids: [customerId] }),
    ],
    [
      'an interaction and its customer through node(id)',
      `query($id: ID!) { node(id: $id) { ... on Interaction { properties customer { ${PROFILE} } } } }`,
      () => ({ id: interactionId }),
    ],
    [
      'an order and its customer through node(id)',
      `query($id: ID!) { node(id: $id) { ... on Order { customer { ${PROFILE} } } } }`,
      () => ({ id: orderId }),
    ],
    [
      'customers nested under their own interactions and orders',
      `query($id: ID!) { customer(id: $id) {
        interactions(first: 5) { edges { node { properties customer { ${PROFILE} } } } }
        orders(first: 5) { edges { node { customer { ${PROFILE} } } } }
      } }`,
      () => ({ id: customerId }),
    ],
  ];

  it.each(paths)('masks %s over HTTP', async (_path, query, variables) => {
    const partner = await pulse().query(query, variables(), { role: Role.PARTNER });
    expect(partner.errors).toBeUndefined();
    expect(leaks(partner.data)).toEqual([]);
    expect(JSON.stringify(partner.data)).toMatch(/j\*\*\*@e\*\*\*\.com|\*\*\*/);

    // The same query as ANALYST shows the values: the test would notice a path returning nothing.
    const analyst = await pulse().query(query, variables(), { role: Role.ANALYST });
    expect(leaks(analyst.data).length).toBeGreaterThan(0);
  });

  it('masks each personal field in the documented shape', async () => {
    const response = await pulse().query<{ customer: Record<string, unknown> }>(
      `query($id: ID!) { customer(id: $id) { ${PROFILE} } }`,
      { id: customerId },
      { role: Role.PARTNER },
    );
    expect(response.data?.customer).toEqual({
      id: customerId,
      name: 'J*** D***',
      email: 'j***@e***.com',
      phone: '+44 *** *** 123',
      city: 'M***',
      birthDate: '1984-**-**',
      country: 'GB',
      attributes: { note: '***', tier: 3 },
    });
  });

  it('masks the same paths over a WebSocket query', async () => {
    const client = wsClient(pulse(), pulse().keys[Role.PARTNER]);
    try {
      for (const [, query, variables] of paths) {
        const result = await wsRequest(client, query, variables());
        expect(result.errors).toBeUndefined();
        expect(leaks(result.data)).toEqual([]);
      }
    } finally {
      await client.dispose();
    }
  });

  it('masks the customer and free text of interactions pushed by interactionRecorded', async () => {
    const client = wsClient(pulse(), pulse().keys[Role.PARTNER]);
    const subscription = collect<{ data: unknown }>(
      client,
      `subscription($ids: [ID!]!) {
        interactionRecorded(customerIds: $ids) { properties customer { ${PROFILE} } }
      }`,
      { ids: [customerId] },
      1,
    );
    await subscription.ready;
    await pulse().query(
      `mutation($input: IngestInteractionsInput!) { ingestInteractions(input: $input) { accepted } }`,
      {
        input: {
          interactions: [
            {
              customerId,
              channel: 'CHAT',
              type: 'message',
              clientEventId: 'mask-evt-live',
              occurredAt: '2026-10-03T10:00:00Z',
              properties: { text: 'Jane says her knee is better' },
            },
          ],
        },
      },
    );
    const [event] = await subscription.results;
    await client.dispose();
    expect(event?.data).toBeDefined();
    expect(leaks(event.data)).toEqual([]);
  });

  it.each([
    ['a text filter', `{ customers(filter: { text: "jane" }) { totalCount } }`, 'filter.text'],
    [
      'a sort by name',
      `{ customers(orderBy: { field: NAME, direction: ASC }) { totalCount } }`,
      'orderBy.field',
    ],
  ])('refuses %s on masked fields with FORBIDDEN', async (_case, query, field) => {
    expectError(await pulse().query(query, {}, { role: Role.PARTNER }), 'FORBIDDEN', field);
  });

  describe('previewSegment', () => {
    const PREVIEW = `query($definition: SegmentRuleInput!) {
      previewSegment(definition: $definition, sampleSize: 5) { size sample { id } }
    }`;
    const city = { profile: { field: 'CITY', operator: 'STARTS_WITH', value: 'manch' } };
    const attribute = (type: string, operator: string, value?: unknown) => ({
      profile: { field: 'ATTRIBUTE', path: 'note', type, operator, value },
    });

    // A count of customers whose masked value matches would reveal what the mask hides, so a
    // partner may not test a masked value in a rule, wherever the condition sits in the tree.
    it.each<[string, Record<string, unknown>, string]>([
      ['a city condition', city, 'definition.profile'],
      [
        'a text attribute inside all / any / not',
        {
          all: [
            { profile: { field: 'COUNTRY', operator: 'EQ', value: 'GB' } },
            { any: [{ not: attribute('STRING', 'CONTAINS', 'tuesday') }] },
          ],
        },
        'definition.all[1].any[0].not.profile',
      ],
      [
        'a city condition asking only whether it is set',
        { any: [{ profile: { field: 'CITY', operator: 'IS_SET' } }] },
        'definition.any[0].profile',
      ],
      ['a date attribute', attribute('DATE', 'GTE', '2000-01-01'), 'definition.profile'],
      [
        'an interaction property compared with text',
        {
          not: {
            behaviour: {
              property: { path: 'text', equals: 'my knee hurts after the run' },
              occurrence: 'COUNT',
              comparison: 'AT_LEAST',
              times: 1,
              window: { lastDays: 3650 },
            },
          },
        },
        'definition.not.behaviour.property',
      ],
    ])('refuses %s to a PARTNER with FORBIDDEN naming it', async (_case, definition, field) => {
      const response = await pulse().query(PREVIEW, { definition }, { role: Role.PARTNER });
      expectError(response, 'FORBIDDEN', field);
      expect(response.data).toBeNull();
    });

    it.each([Role.ADMIN, Role.ANALYST])('lets %s filter by the city', async (role) => {
      const response = await pulse().query<{
        previewSegment: { size: number; sample: Array<{ id: string }> };
      }>(
        PREVIEW,
        { definition: { all: [city, attribute('STRING', 'CONTAINS', 'tuesday')] } },
        {
          role,
        },
      );
      expect(response.errors).toBeUndefined();
      expect(response.data!.previewSegment).toEqual({ size: 1, sample: [{ id: customerId }] });
    });

    it('lets a PARTNER filter by unmasked fields: country, age, number attributes and properties', async () => {
      const response = await pulse().query<{
        previewSegment: { size: number; sample: Array<{ id: string }> };
      }>(
        PREVIEW,
        {
          definition: {
            all: [
              { profile: { field: 'COUNTRY', operator: 'EQ', value: 'GB' } },
              { profile: { field: 'AGE', operator: 'GTE', value: 18 } },
              {
                profile: {
                  field: 'ATTRIBUTE',
                  path: 'tier',
                  type: 'NUMBER',
                  operator: 'EQ',
                  value: 3,
                },
              },
              {
                not: {
                  profile: {
                    field: 'ATTRIBUTE',
                    path: 'vip',
                    type: 'BOOLEAN',
                    operator: 'EQ',
                    value: true,
                  },
                },
              },
              {
                behaviour: {
                  property: { path: 'priority', equals: 2 },
                  occurrence: 'COUNT',
                  comparison: 'AT_LEAST',
                  times: 1,
                  window: { lastDays: 3650 },
                },
              },
            ],
          },
        },
        { role: Role.PARTNER },
      );
      expect(response.errors).toBeUndefined();
      expect(response.data!.previewSegment).toEqual({ size: 1, sample: [{ id: customerId }] });
    });
  });
});
