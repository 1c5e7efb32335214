import { fromGlobalId } from '../../../src/graphql/global-id';
import { describeEachDialect } from '../support/dialects';
import { expectError } from '../support/expect-error';
import { unique } from '../support/factories';
import type { TestPulse } from '../support/start-pulse';

const CUSTOMER = `id externalId name email phone country city birthDate gender signedUpAt attributes
  createdAt updatedAt version consents { channel status changedAt source }`;
const CREATE = `mutation Create($input: CreateCustomerInput!) {
  createCustomer(input: $input) { customer { ${CUSTOMER} } }
}`;
const UPDATE = `mutation Update($input: UpdateCustomerInput!) {
  updateCustomer(input: $input) { customer { ${CUSTOMER} } }
}`;
const DELETE = `mutation Delete($input: DeleteCustomerInput!) {
  deleteCustomer(input: $input) { deletedId }
}`;
const UPSERT = `mutation Upsert($input: UpsertCustomersInput!) {
  upsertCustomers(input: $input) { created updated unchanged customers { ${CUSTOMER} } }
}`;
const GET = `query Get($id: ID!) { customer(id: $id) { ${CUSTOMER} } }`;
const BY_EXTERNAL_ID = `query ByExternalId($externalId: String!) {
  customerByExternalId(externalId: $externalId) { ${CUSTOMER} }
}`;
const NODE = `query Node($id: ID!) { node(id: $id) { id ... on Customer { externalId name } } }`;
const NODES = `query Nodes($ids: [ID!]!) { nodes(ids: $ids) { id ... on Customer { externalId } } }`;
const LIST = `query List($filter: CustomerFilter, $orderBy: CustomerOrderBy, $first: Int, $after: String,
                   $last: Int, $before: String) {
  customers(filter: $filter, orderBy: $orderBy, first: $first, after: $after, last: $last,
            before: $before) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id externalId name email createdAt signedUpAt } }
  }
}`;
const INGEST = `mutation Ingest($interactions: IngestInteractionsInput!, $orders: IngestOrdersInput!) {
  ingestInteractions(input: $interactions) { accepted }
  ingestOrders(input: $orders) { accepted }
}`;

interface CustomerView {
  id: string;
  externalId: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  country: string | null;
  city: string | null;
  birthDate: string | null;
  gender: string | null;
  signedUpAt: string;
  attributes: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
  version: number;
  consents: Array<{ channel: string; status: string; changedAt: string; source: string | null }>;
}

interface ListView {
  totalCount: number;
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
  edges: Array<{ cursor: string; node: Pick<CustomerView, 'id' | 'externalId' | 'name'> }>;
}

type Filter = Record<string, unknown>;

async function create(pulse: TestPulse, input: Record<string, unknown>): Promise<CustomerView> {
  const response = await pulse.query<{ createCustomer: { customer: CustomerView } }>(CREATE, {
    input,
  });
  expect(response.errors).toBeUndefined();

  return response.data!.createCustomer.customer;
}

async function list(
  pulse: TestPulse,
  variables: Record<string, unknown>,
): Promise<ListView & { names: Array<string | null>; externalIds: string[] }> {
  const response = await pulse.query<{ customers: ListView }>(LIST, variables);
  expect(response.errors).toBeUndefined();
  const page = response.data!.customers;

  return {
    ...page,
    names: page.edges.map((edge) => edge.node.name),
    externalIds: page.edges.map((edge) => edge.node.externalId),
  };
}

/** Walks a list forwards `size` items at a time and returns every page. */
async function walkForward(
  pulse: TestPulse,
  variables: Record<string, unknown>,
  size: number,
): Promise<ListView[]> {
  const pages: ListView[] = [];
  let after: string | null = null;
  do {
    const page: ListView = await list(pulse, { ...variables, first: size, after });
    pages.push(page);
    after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  } while (after && pages.length < 50);

  return pages;
}

/** Walks a list backwards from its end `size` items at a time and returns every page. */
async function walkBackward(
  pulse: TestPulse,
  variables: Record<string, unknown>,
  size: number,
): Promise<ListView[]> {
  const pages: ListView[] = [];
  let before: string | null = null;
  do {
    const page: ListView = await list(pulse, { ...variables, last: size, before });
    pages.push(page);
    before = page.pageInfo.hasPreviousPage ? page.pageInfo.startCursor : null;
  } while (before && pages.length < 50);

  return pages;
}

describeEachDialect('customers', (pulse) => {
  describe('create and read', () => {
    it('stores names, emails, phones and countries in their one normal form', async () => {
      const created = await create(pulse(), {
        externalId: unique('messy'),
        name: '  Grace   Brewster  Hopper ',
        email: ' Grace.Hopper@EXAMPLE.org ',
        phone: '07911 123456',
        country: 'united kingdom',
        city: '  New   York ',
      });
      expect(created).toMatchObject({
        name: 'Grace Brewster Hopper',
        email: 'grace.hopper@example.org',
        phone: '+447911123456',
        country: 'GB',
        city: 'New York',
      });
      const [stored] = await pulse().app.db.query(
        'SELECT phone, country FROM customers WHERE id = ?',
        [fromGlobalId(created.id, 'Customer', 'id')],
      );
      expect(stored).toEqual({ phone: '+447911123456', country: 'GB' });
    });

    it('stores every profile field and returns it from customer, customerByExternalId and node', async () => {
      const externalId = unique('crm');
      const input = {
        externalId,
        name: 'Ada Lovelace',
        email: `${externalId}@example.com`,
        phone: '+442079460000',
        country: 'GB',
        city: 'London',
        birthDate: '1915-12-10',
        gender: 'FEMALE',
        signedUpAt: '2024-05-06T07:08:09.123Z',
        attributes: { tier: 'gold', visits: 3, tags: ['a', 'b'] },
      };
      const created = await create(pulse(), input);
      expect(created).toMatchObject({ ...input, version: 1, consents: [] });

      const byId = await pulse().query<{ customer: CustomerView }>(GET, { id: created.id });
      const byExternalId = await pulse().query<{ customerByExternalId: CustomerView }>(
        BY_EXTERNAL_ID,
        { externalId },
      );
      const node = await pulse().query<{ node: { id: string; externalId: string } }>(NODE, {
        id: created.id,
      });
      expect(byId.data!.customer).toEqual(created);
      expect(byExternalId.data!.customerByExternalId).toEqual(created);
      expect(node.data!.node).toEqual({ id: created.id, externalId, name: 'Ada Lovelace' });
    });

    it('generates an external id and a sign-up time when createCustomer omits them', async () => {
      const before = Date.now();
      const created = await create(pulse(), { name: 'No Ids' });
      expect(created.externalId).toMatch(/^pulse-[0-9a-f-]{36}$/);
      expect(new Date(created.signedUpAt).getTime()).toBeGreaterThanOrEqual(before - 1000);
      expect(created.attributes).toEqual({});
    });

    it('returns null from customerByExternalId for an external id nobody has', async () => {
      const response = await pulse().query(BY_EXTERNAL_ID, { externalId: unique('nobody') });
      expect(response.errors).toBeUndefined();
      expect(response.data).toEqual({ customerByExternalId: null });
    });

    it('returns nodes in request order with null for well-formed ids of missing rows', async () => {
      const a = await create(pulse(), { externalId: unique('nodes-a') });
      const b = await create(pulse(), { externalId: unique('nodes-b') });
      const missingCustomer = Buffer.from('Customer:2000000000').toString('base64url');
      const missingOrder = Buffer.from('Order:2000000000').toString('base64url');
      const response = await pulse().query<{ nodes: Array<{ id: string } | null> }>(NODES, {
        ids: [b.id, missingCustomer, a.id, missingOrder],
      });
      expect(response.errors).toBeUndefined();
      expect(response.data!.nodes).toEqual([
        { id: b.id, externalId: b.externalId },
        null,
        { id: a.id, externalId: a.externalId },
        null,
      ]);
    });
  });

  describe('update', () => {
    it('applies the given fields, clears fields sent as null, keeps omitted ones and bumps the version by one', async () => {
      const created = await create(pulse(), {
        externalId: unique('upd'),
        name: 'Before',
        city: 'Paris',
        country: 'FR',
      });
      const response = await pulse().query<{ updateCustomer: { customer: CustomerView } }>(UPDATE, {
        input: { id: created.id, version: 1, name: 'After', city: null },
      });
      expect(response.errors).toBeUndefined();
      const updated = response.data!.updateCustomer.customer;
      expect(updated).toMatchObject({
        name: 'After',
        city: null,
        country: 'FR',
        version: 2,
        createdAt: created.createdAt,
      });
      expect(new Date(updated.updatedAt).getTime()).toBeGreaterThanOrEqual(
        new Date(created.updatedAt).getTime(),
      );
      const again = await pulse().query<{ updateCustomer: { customer: CustomerView } }>(UPDATE, {
        input: { id: created.id, version: 2, country: 'DE' },
      });
      expect(again.data!.updateCustomer.customer).toMatchObject({ country: 'DE', version: 3 });
    });

    it('refuses a stale version with CONFLICT on input.version and changes nothing', async () => {
      const created = await create(pulse(), { externalId: unique('stale'), name: 'Original' });
      await pulse().query(UPDATE, { input: { id: created.id, version: 1, name: 'First writer' } });
      const stale = await pulse().query(UPDATE, {
        input: {
          id: created.id,
          version: 1,
          name: 'Second writer',
          consents: [{ channel: 'SMS', status: 'GRANTED' }],
        },
      });
      expectError(stale, 'CONFLICT', 'input.version');
      expect(stale.errors![0].extensions).toMatchObject({ currentVersion: 2 });
      const stored = await pulse().query<{ customer: CustomerView }>(GET, { id: created.id });
      expect(stored.data!.customer).toMatchObject({
        name: 'First writer',
        version: 2,
        consents: [],
      });
    });
  });

  describe('delete', () => {
    it('soft-deletes a customer: reads answer NOT_FOUND or null and lists leave it out', async () => {
      const country = 'AQ';
      const externalId = unique('del');
      const kept = await create(pulse(), { externalId: `${externalId}-kept`, country });
      const doomed = await create(pulse(), { externalId, country });
      const response = await pulse().query(DELETE, { input: { id: doomed.id, version: 1 } });
      expect(response.errors).toBeUndefined();
      expect(response.data).toEqual({ deleteCustomer: { deletedId: doomed.id } });

      expectError(await pulse().query(GET, { id: doomed.id }), 'NOT_FOUND', 'id');
      expect((await pulse().query(BY_EXTERNAL_ID, { externalId })).data).toEqual({
        customerByExternalId: null,
      });
      expect((await pulse().query(NODE, { id: doomed.id })).data).toEqual({ node: null });
      const page = await list(pulse(), { filter: { countries: [country] } });
      expect(page.externalIds).toEqual([kept.externalId]);
      expect(page.totalCount).toBe(1);
    });

    it('answers null, not an error, for the orders, lines and interactions of a deleted customer through node', async () => {
      const doomed = await create(pulse(), { externalId: unique('del-history') });
      const prefix = unique('del-history');
      const ingested = await pulse().query(INGEST, {
        orders: {
          orders: [
            {
              customerId: doomed.id,
              clientOrderId: `${prefix}-o`,
              orderedAt: '2025-01-05T00:00:00Z',
              currency: 'EUR',
              status: 'PAID',
              lines: [{ productId: 'p', productName: 'P', quantity: 1, unitPrice: 3 }],
            },
          ],
        },
        interactions: {
          interactions: [
            {
              customerId: doomed.id,
              channel: 'WEB',
              type: 'page_view',
              occurredAt: '2025-01-06T00:00:00Z',
              clientEventId: `${prefix}-i`,
            },
          ],
        },
      });
      expect(ingested.errors).toBeUndefined();
      const history = await pulse().query<{
        customer: {
          orders: { edges: Array<{ node: { id: string; lines: Array<{ id: string }> } }> };
          interactions: { edges: Array<{ node: { id: string } }> };
        };
      }>(
        `query($id: ID!) { customer(id: $id) {
          orders { edges { node { id lines { id } } } } interactions { edges { node { id } } } } }`,
        { id: doomed.id },
      );
      const order = history.data!.customer.orders.edges[0].node;
      const ids = [
        order.id,
        order.lines[0].id,
        history.data!.customer.interactions.edges[0].node.id,
      ];
      await pulse().query(DELETE, { input: { id: doomed.id } });

      const response = await pulse().query(
        `query($ids: [ID!]!) { nodes(ids: $ids) {
          id ... on Order { customer { id } } ... on Interaction { customer { id } } } }`,
        { ids },
      );
      expect(response.errors).toBeUndefined();
      expect(response.data).toEqual({ nodes: [null, null, null] });
    });

    it('answers NOT_FOUND when a deleted customer is deleted or updated again', async () => {
      const doomed = await create(pulse(), { externalId: unique('del-twice') });
      await pulse().query(DELETE, { input: { id: doomed.id } });
      expectError(
        await pulse().query(DELETE, { input: { id: doomed.id } }),
        'NOT_FOUND',
        'input.id',
      );
      expectError(
        await pulse().query(UPDATE, { input: { id: doomed.id, version: 2, name: 'Zombie' } }),
        'NOT_FOUND',
        'input.id',
      );
    });

    it('refuses a delete with a stale version with CONFLICT and keeps the customer', async () => {
      const customer = await create(pulse(), { externalId: unique('del-stale') });
      await pulse().query(UPDATE, { input: { id: customer.id, version: 1, name: 'Changed' } });
      expectError(
        await pulse().query(DELETE, { input: { id: customer.id, version: 1 } }),
        'CONFLICT',
        'input.version',
      );
      expect((await pulse().query(GET, { id: customer.id })).errors).toBeUndefined();
    });
  });

  describe('upsertCustomers', () => {
    type UpsertResult = {
      upsertCustomers: {
        created: number;
        updated: number;
        unchanged: number;
        customers: CustomerView[];
      };
    };
    const rowsFor = (prefix: string) =>
      [0, 1, 2].map((i) => ({
        externalId: `${prefix}-${i}`,
        name: `Upsert ${i}`,
        email: `${prefix}-${i}@example.com`,
        country: 'UY',
        birthDate: '1990-01-0' + (i + 1),
        signedUpAt: `2024-01-0${i + 1}T10:00:00.500Z`,
        attributes: { plan: 'basic', seats: i },
        consents: [{ channel: 'EMAIL', status: 'GRANTED', changedAt: '2024-01-01T00:00:00Z' }],
      }));

    it('counts created, updated and unchanged customers and returns them in input order', async () => {
      const prefix = unique('ups');
      const rows = rowsFor(prefix);
      const first = await pulse().query<UpsertResult>(UPSERT, { input: { customers: rows } });
      expect(first.errors).toBeUndefined();
      expect(first.data!.upsertCustomers).toMatchObject({ created: 3, updated: 0, unchanged: 0 });

      const changed = { ...rows[1], name: 'Renamed' };
      const consentOnly = { ...rows[2], consents: [{ channel: 'EMAIL', status: 'DENIED' }] };
      const fresh = { ...rows[0], externalId: `${prefix}-new`, email: `${prefix}-new@example.com` };
      const second = await pulse().query<UpsertResult>(UPSERT, {
        input: { customers: [fresh, rows[0], changed, consentOnly] },
      });
      expect(second.errors).toBeUndefined();
      const result = second.data!.upsertCustomers;
      expect(result).toMatchObject({ created: 1, updated: 2, unchanged: 1 });
      expect(result.customers.map((c) => [c.externalId, c.name, c.version])).toEqual([
        [`${prefix}-new`, 'Upsert 0', 1],
        [`${prefix}-0`, 'Upsert 0', 1],
        [`${prefix}-1`, 'Renamed', 2],
        [`${prefix}-2`, 'Upsert 2', 1],
      ]);
      const consents = await pulse().query<{ customer: CustomerView }>(GET, {
        id: result.customers[3].id,
      });
      expect(consents.data!.customer.consents).toMatchObject([
        { channel: 'EMAIL', status: 'DENIED' },
      ]);
    });

    it('changes nothing when an identical batch is retried', async () => {
      const rows = rowsFor(unique('retry'));
      const first = await pulse().query<UpsertResult>(UPSERT, { input: { customers: rows } });
      const retry = await pulse().query<UpsertResult>(UPSERT, { input: { customers: rows } });
      expect(retry.errors).toBeUndefined();
      expect(retry.data!.upsertCustomers).toMatchObject({ created: 0, updated: 0, unchanged: 3 });
      expect(retry.data!.upsertCustomers.customers).toEqual(first.data!.upsertCustomers.customers);
    });

    it("stores none of a batch when one row takes another customer's email, and names that row", async () => {
      const owner = await create(pulse(), {
        externalId: unique('owner'),
        email: `${unique('taken')}@example.com`,
      });
      const prefix = unique('atomic');
      const response = await pulse().query(UPSERT, {
        input: {
          customers: [
            { externalId: `${prefix}-0`, email: `${prefix}-0@example.com` },
            { externalId: owner.externalId, name: 'Owner renamed' },
            { externalId: `${prefix}-2`, email: owner.email },
          ],
        },
      });
      expectError(response, 'CONFLICT', 'input.customers[2].email');
      expect((await pulse().query(BY_EXTERNAL_ID, { externalId: `${prefix}-0` })).data).toEqual({
        customerByExternalId: null,
      });
      const stored = await pulse().query<{ customer: CustomerView }>(GET, { id: owner.id });
      expect(stored.data!.customer).toMatchObject({ name: null, version: 1 });
    });

    it('brings a deleted customer back when its external id is upserted again', async () => {
      const customer = await create(pulse(), { externalId: unique('revive'), name: 'Gone' });
      await pulse().query(DELETE, { input: { id: customer.id } });
      const response = await pulse().query<UpsertResult>(UPSERT, {
        input: { customers: [{ externalId: customer.externalId, name: 'Back' }] },
      });
      expect(response.data!.upsertCustomers).toMatchObject({ created: 0, updated: 1 });
      expect(
        (await pulse().query<{ customer: CustomerView }>(GET, { id: customer.id })).data,
      ).toMatchObject({ customer: { name: 'Back' } });
    });
  });

  describe('consents', () => {
    it('records consents on create and changes only the channels an update names', async () => {
      const created = await create(pulse(), {
        externalId: unique('consent'),
        consents: [
          {
            channel: 'EMAIL',
            status: 'GRANTED',
            changedAt: '2024-02-01T00:00:00Z',
            source: 'form',
          },
          { channel: 'SMS', status: 'DENIED', changedAt: '2024-02-01T00:00:00Z' },
        ],
      });
      const byChannel = (consents: CustomerView['consents']) =>
        Object.fromEntries(consents.map((c) => [c.channel, c]));
      expect(byChannel(created.consents)).toEqual({
        EMAIL: {
          channel: 'EMAIL',
          status: 'GRANTED',
          changedAt: '2024-02-01T00:00:00.000Z',
          source: 'form',
        },
        SMS: {
          channel: 'SMS',
          status: 'DENIED',
          changedAt: '2024-02-01T00:00:00.000Z',
          source: null,
        },
      });

      const response = await pulse().query<{ updateCustomer: { customer: CustomerView } }>(UPDATE, {
        input: {
          id: created.id,
          version: 1,
          consents: [
            {
              channel: 'SMS',
              status: 'GRANTED',
              changedAt: '2024-03-01T00:00:00Z',
              source: 'agent',
            },
            { channel: 'EMAIL', status: 'GRANTED', changedAt: '2024-03-01T00:00:00Z' },
          ],
        },
      });
      expect(response.errors).toBeUndefined();
      expect(byChannel(response.data!.updateCustomer.customer.consents)).toEqual({
        // Equal to the stored consent: not a change, so its time and source stay.
        EMAIL: {
          channel: 'EMAIL',
          status: 'GRANTED',
          changedAt: '2024-02-01T00:00:00.000Z',
          source: 'form',
        },
        SMS: {
          channel: 'SMS',
          status: 'GRANTED',
          changedAt: '2024-03-01T00:00:00.000Z',
          source: 'agent',
        },
      });
    });
  });

  describe('customers connection', () => {
    // Every fixture lives in its own country, so each list below sees only its own rows.
    const FILTER_COUNTRIES = ['FJ', 'FO'];
    const names: Record<string, string> = {};
    let emailToken = '';

    beforeAll(async () => {
      const prefix = unique('flt');
      emailToken = `tok${Date.now().toString(36)}`;
      const people = [
        {
          key: 'alice',
          name: 'Alice Ashdown',
          country: 'FJ',
          signedUpAt: '2024-01-10T00:00:00Z',
          consents: [['EMAIL', 'GRANTED']],
        },
        {
          key: 'bob',
          name: 'Bob Brown',
          country: 'FJ',
          signedUpAt: '2024-02-10T00:00:00Z',
          consents: [
            ['EMAIL', 'DENIED'],
            ['SMS', 'GRANTED'],
          ],
        },
        {
          key: 'carol',
          name: 'Carol Cole',
          country: 'FJ',
          signedUpAt: '2024-03-10T00:00:00Z',
          consents: [
            ['EMAIL', 'GRANTED'],
            ['SMS', 'GRANTED'],
          ],
        },
        {
          key: 'dave',
          name: 'Dave Dunn',
          country: 'FJ',
          signedUpAt: '2024-04-10T00:00:00Z',
          consents: [],
        },
        {
          key: 'erin',
          name: 'Erin Ebb',
          country: 'FO',
          signedUpAt: '2024-05-10T00:00:00Z',
          consents: [],
        },
      ];
      const customers: Record<string, string> = {};
      for (const person of people) {
        names[person.key] = person.name;
        const created = await create(pulse(), {
          externalId: `${prefix}-${person.key}`,
          name: person.name,
          // Only Dave's email carries the token, so a text match on it is a match on email.
          email: `${person.key === 'dave' ? emailToken : person.key}.${prefix}@example.com`,
          country: person.country,
          signedUpAt: person.signedUpAt,
          consents: person.consents.map(([channel, status]) => ({ channel, status })),
        });
        customers[person.key] = created.id;
      }
      const order = (key: string, n: number, status: string, amount: number) => ({
        customerId: customers[key],
        clientOrderId: `${prefix}-${key}-${n}`,
        orderedAt: '2025-01-05T00:00:00Z',
        currency: 'EUR',
        status,
        amount,
      });
      const interaction = (key: string, occurredAt: string) => ({
        customerId: customers[key],
        channel: 'WEB',
        type: 'page_view',
        occurredAt,
        clientEventId: `${prefix}-${key}-${occurredAt}`,
      });
      const response = await pulse().query(INGEST, {
        orders: {
          orders: [
            order('alice', 1, 'PAID', 100),
            order('alice', 2, 'REFUNDED', 50),
            order('bob', 1, 'PAID', 30),
            order('bob', 2, 'PAID', 20),
            order('carol', 1, 'PLACED', 500),
          ],
        },
        interactions: {
          interactions: [
            interaction('alice', '2025-02-01T00:00:00Z'),
            interaction('alice', '2025-03-01T00:00:00Z'),
            interaction('bob', '2025-01-15T00:00:00Z'),
            interaction('dave', '2024-12-01T00:00:00Z'),
          ],
        },
      });
      expect(response.errors).toBeUndefined();
    });

    it.each<[string, Filter, string[]]>([
      ['text in the name, in any letter case', { text: 'aLiCe' }, ['alice']],
      ['text in the email', { text: 'TOK' }, ['dave']],
      ['countries', { countries: ['FO'] }, ['erin']],
      [
        'signedUp from (inclusive) and to (exclusive)',
        { signedUp: { from: '2024-02-10T00:00:00Z', to: '2024-04-10T00:00:00Z' } },
        ['bob', 'carol'],
      ],
      ['consent granted on one channel', { consentGranted: ['EMAIL'] }, ['alice', 'carol']],
      [
        'consent granted on every one of two channels',
        { consentGranted: ['EMAIL', 'SMS'] },
        ['carol'],
      ],
      ['hasOrdered true (paid orders only)', { hasOrdered: true }, ['alice', 'bob']],
      ['hasOrdered false', { hasOrdered: false }, ['carol', 'dave', 'erin']],
      [
        'spend between min and max, both inclusive',
        { spend: { min: 50, max: 100 } },
        ['alice', 'bob'],
      ],
      ['spend above a minimum', { spend: { min: 60 } }, ['alice']],
      [
        'spend up to a maximum, counting customers without orders as 0',
        { spend: { max: 0 } },
        ['carol', 'dave', 'erin'],
      ],
      ['lastActivity from', { lastActivity: { from: '2025-01-15T00:00:00Z' } }, ['alice', 'bob']],
      ['lastActivity to', { lastActivity: { to: '2025-01-15T00:00:00Z' } }, ['dave']],
      [
        'several filters at once',
        { hasOrdered: true, consentGranted: ['SMS'], spend: { min: 10 } },
        ['bob'],
      ],
    ])('filters on %s', async (_title, filter, expected) => {
      const countries = 'countries' in filter ? filter.countries : FILTER_COUNTRIES;
      const page = await list(pulse(), {
        filter: { ...filter, countries },
        orderBy: { field: 'NAME', direction: 'ASC' },
      });
      expect(page.names).toEqual(expected.map((key) => names[key]));
      expect(page.totalCount).toBe(expected.length);
    });

    describe('order and pages', () => {
      const country = 'SB';
      // Creation order c0…c4; each sort key orders them differently.
      const created: CustomerView[] = [];
      beforeAll(async () => {
        const prefix = unique('sort');
        const fixtures = [
          { externalId: `${prefix}-b`, name: 'Delta', signedUpAt: '2024-04-01T00:00:00Z' },
          { externalId: `${prefix}-d`, name: 'Alpha', signedUpAt: '2024-02-01T00:00:00Z' },
          { externalId: `${prefix}-a`, name: 'Charlie', signedUpAt: '2024-03-01T00:00:00Z' },
          { externalId: `${prefix}-c`, name: 'Bravo', signedUpAt: '2024-01-01T00:00:00Z' },
          { externalId: `${prefix}-e`, signedUpAt: '2024-05-01T00:00:00Z' },
        ];
        for (const fixture of fixtures) {
          created.push(await create(pulse(), { ...fixture, country }));
        }
      });

      it.each<[string, 'ASC' | 'DESC', number[]]>([
        ['NAME', 'ASC', [4, 1, 3, 2, 0]],
        ['NAME', 'DESC', [0, 2, 3, 1, 4]],
        ['EXTERNAL_ID', 'ASC', [2, 0, 3, 1, 4]],
        ['EXTERNAL_ID', 'DESC', [4, 1, 3, 0, 2]],
        ['SIGNED_UP_AT', 'ASC', [3, 1, 2, 0, 4]],
        ['SIGNED_UP_AT', 'DESC', [4, 0, 2, 1, 3]],
        ['CREATED_AT', 'ASC', [0, 1, 2, 3, 4]],
        ['CREATED_AT', 'DESC', [4, 3, 2, 1, 0]],
      ])(
        'sorts by %s %s and keeps that order across pages of two',
        async (field, direction, order) => {
          const pages = await walkForward(
            pulse(),
            { filter: { countries: [country] }, orderBy: { field, direction } },
            2,
          );
          expect(pages.map((page) => page.edges.length)).toEqual([2, 2, 1]);
          expect(pages.flatMap((page) => page.edges.map((edge) => edge.node.id))).toEqual(
            order.map((i) => created[i].id),
          );
        },
      );

      it('sorts by sign-up time, newest first, when no order is given', async () => {
        const page = await list(pulse(), { filter: { countries: [country] } });
        expect(page.edges.map((edge) => edge.node.id)).toEqual(
          [4, 0, 2, 1, 3].map((i) => created[i].id),
        );
      });
    });

    describe('pagination over 25 customers', () => {
      const country = 'PW';
      let all: string[] = [];
      beforeAll(async () => {
        const prefix = unique('page');
        // Two customers share each sign-up instant, so pages must break ties by id.
        const response = await pulse().query<{
          upsertCustomers: { customers: Array<{ id: string }> };
        }>(UPSERT, {
          input: {
            customers: Array.from({ length: 25 }, (_, i) => ({
              externalId: `${prefix}-${i}`,
              country,
              signedUpAt: new Date(Date.UTC(2024, 0, 1 + Math.floor(i / 2))).toISOString(),
            })),
          },
        });
        expect(response.errors).toBeUndefined();
        const whole = await list(pulse(), { filter: { countries: [country] }, first: 100 });
        all = whole.edges.map((edge) => edge.node.id);
        expect(all).toHaveLength(25);
      });

      it('walks every page forwards with first/after without duplicates or gaps', async () => {
        const pages = await walkForward(pulse(), { filter: { countries: [country] } }, 7);
        expect(pages.map((page) => page.edges.length)).toEqual([7, 7, 7, 4]);
        expect(pages.flatMap((page) => page.edges.map((edge) => edge.node.id))).toEqual(all);
        expect(pages.map((page) => page.pageInfo.hasNextPage)).toEqual([true, true, true, false]);
        expect(pages.map((page) => page.pageInfo.hasPreviousPage)).toEqual([
          false,
          true,
          true,
          true,
        ]);
        expect(pages.map((page) => page.totalCount)).toEqual([25, 25, 25, 25]);
        for (const page of pages) {
          expect(page.pageInfo.startCursor).toBe(page.edges[0].cursor);
          expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)!.cursor);
        }
      });

      it('walks every page backwards with last/before without duplicates or gaps', async () => {
        const pages = await walkBackward(pulse(), { filter: { countries: [country] } }, 7);
        expect(pages.map((page) => page.edges.length)).toEqual([7, 7, 7, 4]);
        expect(
          pages
            .slice()
            .reverse()
            .flatMap((page) => page.edges.map((edge) => edge.node.id)),
        ).toEqual(all);
        expect(pages.map((page) => page.pageInfo.hasPreviousPage)).toEqual([
          true,
          true,
          true,
          false,
        ]);
        expect(pages.map((page) => page.pageInfo.hasNextPage)).toEqual([false, true, true, true]);
      });

      it('answers an empty page with totalCount when first is 0', async () => {
        const page = await list(pulse(), { filter: { countries: [country] }, first: 0 });
        expect(page.edges).toEqual([]);
        expect(page.totalCount).toBe(25);
        expect(page.pageInfo.hasNextPage).toBe(true);
      });

      it('refuses a page of more than 100 with BAD_USER_INPUT on first', async () => {
        expectError(await pulse().query(LIST, { first: 101 }), 'BAD_USER_INPUT', 'first');
        expectError(await pulse().query(LIST, { last: 101 }), 'BAD_USER_INPUT', 'last');
      });
    });

    describe('text with quotes, SQL and wildcards', () => {
      const country = 'IO';
      const texts = {
        injection: `O'Brien"; DROP TABLE customers; --`,
        percent: '100% cotton',
        underscore: 'snake_case Person',
        backslash: 'back\\slash Person',
        exclamation: 'Wow! Person',
        plain: 'Plain Person',
      };
      const ids: Record<string, string> = {};
      beforeAll(async () => {
        const prefix = unique('inj');
        for (const [key, name] of Object.entries(texts)) {
          const customer = await create(pulse(), {
            externalId: `${prefix}-${key}-'"; --`,
            name,
            country,
            attributes: { note: name },
          });
          ids[key] = customer.id;
        }
      });

      it('stores quotes and SQL fragments verbatim and returns them unchanged', async () => {
        const response = await pulse().query<{ customer: CustomerView }>(GET, {
          id: ids.injection,
        });
        expect(response.data!.customer.name).toBe(texts.injection);
        expect(response.data!.customer.externalId).toMatch(/-injection-'"; --$/);
        expect(response.data!.customer.attributes).toEqual({ note: texts.injection });
        const all = await list(pulse(), { filter: { countries: [country] } });
        expect(all.totalCount).toBe(Object.keys(texts).length);
      });

      it.each<[string, string, Array<keyof typeof texts>]>([
        ['a quoted SQL fragment', `O'Brien"; DROP TABLE customers; --`, ['injection']],
        ['a single quote', "'", ['injection']],
        ['a percent sign', '%', ['percent']],
        ['an underscore', '_', ['underscore']],
        ['a backslash', '\\', ['backslash']],
        ['the escape character', '!', ['exclamation']],
        ['a percent sign between letters', '0%', ['percent']],
      ])('matches %s literally in the text filter', async (_title, text, expected) => {
        const page = await list(pulse(), {
          filter: { text, countries: [country] },
          orderBy: { field: 'NAME', direction: 'ASC' },
        });
        expect(page.names).toEqual(expected.map((key) => texts[key]));
      });
    });

    describe('text in every script', () => {
      const country = 'TK';
      const people = { muller: 'MÜLLER Hans', rene: 'René Durand', yaroslav: 'Ярослав Ткач' };
      beforeAll(async () => {
        const prefix = unique('script');
        for (const [key, name] of Object.entries(people)) {
          await create(pulse(), { externalId: `${prefix}-${key}`, name, country });
        }
      });

      // Ignoring case and accents as a search box does, in every script and alike on both
      // databases: SQLite's LIKE alone folds A–Z only and keeps accents.
      it.each<[string, string, Array<keyof typeof people>]>([
        ['a lower-cased umlaut', 'müller', ['muller']],
        ['an upper-cased accent', 'RENÉ', ['rene']],
        ['a lower-cased Cyrillic name', 'ярослав', ['yaroslav']],
        ['an upper-cased Cyrillic name', 'ТКАЧ', ['yaroslav']],
        ['a letter without its accent', 'rene', ['rene']],
        ['an umlaut written without its dots', 'MULLER', ['muller']],
        ['a name nobody has', 'renu', []],
      ])('matches %s in the name', async (_title, text, expected) => {
        const page = await list(pulse(), { filter: { text, countries: [country] } });
        expect(page.names).toEqual(expected.map((key) => people[key]));
        expect(page.totalCount).toBe(expected.length);
      });
    });
  });
});
