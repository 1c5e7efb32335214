import { Role } from '../../../src/auth/principal';
import { describeEachDialect } from '../support/dialects';
import { expectError } from '../support/expect-error';
import { createCustomers, unique } from '../support/factories';
import type { GraphqlResponse, TestPulse } from '../support/start-pulse';

const CREATE = `mutation Create($input: CreateCustomerInput!) {
  createCustomer(input: $input) { customer { id } }
}`;
const UPDATE = `mutation Update($input: UpdateCustomerInput!) {
  updateCustomer(input: $input) { customer { id version } }
}`;
const DELETE = `mutation Delete($input: DeleteCustomerInput!) { deleteCustomer(input: $input) { deletedId } }`;
const UPSERT = `mutation Upsert($input: UpsertCustomersInput!) {
  upsertCustomers(input: $input) { created updated unchanged }
}`;
const GET = `query Get($id: ID!) { customer(id: $id) { id name version } }`;
const BY_EXTERNAL_ID = `query ByExternalId($externalId: String!) {
  customerByExternalId(externalId: $externalId) { id }
}`;
const LIST = `query List($filter: CustomerFilter, $orderBy: CustomerOrderBy, $first: Int, $after: String,
                   $last: Int, $before: String) {
  customers(filter: $filter, orderBy: $orderBy, first: $first, after: $after, last: $last,
            before: $before) { totalCount edges { node { id } } }
}`;

const globalId = (type: string, dbId: number) =>
  Buffer.from(`${type}:${dbId}`, 'utf8').toString('base64url');
// A cursor built by hand: Pulse's encoding (base64url of a JSON array) around other values.
const cursorOf = (values: unknown[]) =>
  Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
const AN_INSTANT = '2026-01-01T00:00:00.000Z';

/** POSTs a raw body to /graphql and returns the status and parsed JSON. */
async function post(
  pulse: TestPulse,
  body: string | ReadableStream<Uint8Array>,
  headers: Record<string, string> = {},
  init: RequestInit & { duplex?: 'half' } = {},
): Promise<GraphqlResponse> {
  const response = await fetch(pulse.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${pulse.keys[Role.ADMIN]}`,
      ...headers,
    },
    body,
    ...init,
  });

  return { status: response.status, ...((await response.json()) as object) };
}

describeEachDialect('customers: failing inputs', (pulse) => {
  // Every response these specs get, so the last spec can check none of them leaks a stack.
  const responses: GraphqlResponse[] = [];
  const call = async (
    query: string,
    variables: Record<string, unknown>,
    as?: { role?: Role; key?: string | null },
  ) => {
    const response = await pulse().query(query, variables, as);
    responses.push(response);

    return response;
  };

  let existing: { id: string; externalId: string; email: string };
  beforeAll(async () => {
    const [customer] = await createCustomers(pulse(), 1);
    existing = { ...customer, email: `${customer.externalId}@example.com`.toLowerCase() };
  });

  describe('createCustomer', () => {
    it.each<[string, () => Record<string, unknown>, string, string?]>([
      ['an email without an @', () => ({ email: 'not-an-email' }), 'input.email'],
      [
        'an email over 254 characters',
        () => ({ email: `${'a'.repeat(250)}@example.com` }),
        'input.email',
      ],
      ['an unknown country name', () => ({ country: 'Atlantis' }), 'input.country'],
      ['an unknown three-letter country code', () => ({ country: 'ZZZ' }), 'input.country'],
      ['a phone number no region has', () => ({ phone: '+44 12' }), 'input.phone'],
      ['a birth date in another format', () => ({ birthDate: '10/12/1990' }), 'input.birthDate'],
      ['a birth date before 1900', () => ({ birthDate: '1899-12-31' }), 'input.birthDate'],
      ['a birth date with month 13', () => ({ birthDate: '1990-13-01' }), 'input.birthDate'],
      ['a birth date in the future', () => ({ birthDate: '2099-01-01' }), 'input.birthDate'],
      [
        'a birth date that does not exist (30 February)',
        () => ({ birthDate: '1990-02-30' }),
        'input.birthDate',
      ],
      ['an empty name', () => ({ name: '' }), 'input.name'],
      ['a name over 200 characters', () => ({ name: 'n'.repeat(201) }), 'input.name'],
      ['a phone with letters', () => ({ phone: 'call me maybe' }), 'input.phone'],
      ['a city over 100 characters', () => ({ city: 'c'.repeat(101) }), 'input.city'],
      ['an empty external id', () => ({ externalId: '' }), 'input.externalId'],
      [
        'an external id over 128 characters',
        () => ({ externalId: 'x'.repeat(129) }),
        'input.externalId',
      ],
      [
        'an empty consent source',
        () => ({ consents: [{ channel: 'EMAIL', status: 'GRANTED', source: '' }] }),
        'input.consents[0].source',
      ],
      [
        'a second consent with a source over 100 characters',
        () => ({
          consents: [
            { channel: 'EMAIL', status: 'GRANTED' },
            { channel: 'SMS', status: 'DENIED', source: 's'.repeat(101) },
          ],
        }),
        'input.consents[1].source',
      ],
      [
        'more than 20 consents',
        () => ({
          consents: Array.from({ length: 21 }, () => ({ channel: 'EMAIL', status: 'GRANTED' })),
        }),
        'input.consents',
      ],
      // CONFLICT, not bad input: a create retried after its answer was lost meets it too.
      ["another customer's email", () => ({ email: existing.email }), 'input.email', 'CONFLICT'],
      // MariaDB's unique index ignores letter case; both dialects must agree on what "taken" is.
      [
        "another customer's email in upper case",
        () => ({ email: existing.email.toUpperCase() }),
        'input.email',
        'CONFLICT',
      ],
      [
        "another customer's external id",
        () => ({ externalId: existing.externalId }),
        'input.externalId',
        'CONFLICT',
      ],
    ])(
      'rejects %s with BAD_USER_INPUT (CONFLICT if taken) naming the field',
      async (_title, input, field, code = 'BAD_USER_INPUT') => {
        const externalId = unique('bad-create');
        const response = await call(CREATE, { input: { externalId, ...input() } });
        expectError(response, code, field);
        expect(response.data).toBeNull();
        const stored = await call(BY_EXTERNAL_ID, { externalId });
        expect(stored.data).toEqual({ customerByExternalId: null });
      },
    );
  });

  describe('updateCustomer', () => {
    it.each<[string, string, string, () => Record<string, unknown>]>([
      ['version 0', 'BAD_USER_INPUT', 'input.version', () => ({ id: existing.id, version: 0 })],
      [
        'a bad email',
        'BAD_USER_INPUT',
        'input.email',
        () => ({ id: existing.id, version: 1, email: 'x@' }),
      ],
      [
        'a bad country',
        'BAD_USER_INPUT',
        'input.country',
        () => ({ id: existing.id, version: 1, country: 'Britain' }),
      ],
      ['a malformed id', 'BAD_USER_INPUT', 'input.id', () => ({ id: 'garbage', version: 1 })],
      [
        "an Order's id",
        'BAD_USER_INPUT',
        'input.id',
        () => ({ id: globalId('Order', 1), version: 1 }),
      ],
      [
        'the id of a customer that does not exist',
        'NOT_FOUND',
        'input.id',
        () => ({ id: globalId('Customer', 2_000_000_000), version: 1 }),
      ],
    ])('rejects %s with %s on %s', async (_title, code, field, input) => {
      expectError(await call(UPDATE, { input: input() }), code, field);
    });

    it("rejects another customer's email with CONFLICT on input.email and keeps the version", async () => {
      const [customer] = await createCustomers(pulse(), 1);
      const response = await call(UPDATE, {
        input: { id: customer.id, version: 1, email: existing.email, name: 'Should not stick' },
      });
      expectError(response, 'CONFLICT', 'input.email');
      const stored = await call(GET, { id: customer.id });
      expect(stored.data).toMatchObject({ customer: { name: 'Customer 0', version: 1 } });
    });

    it('rejects a delete with a malformed id with BAD_USER_INPUT on input.id', async () => {
      expectError(await call(DELETE, { input: { id: 'nope' } }), 'BAD_USER_INPUT', 'input.id');
    });
  });

  describe('upsertCustomers', () => {
    const row = (i: number, extra: Record<string, unknown> = {}) => ({
      externalId: unique(`bad-upsert-${i}`),
      name: `Row ${i}`,
      ...extra,
    });

    it.each<[string, () => Array<Record<string, unknown>>, string, string?]>([
      ['an empty list', () => [], 'input.customers'],
      [
        '1,001 customers',
        () => Array.from({ length: 1001 }, (_, i) => ({ externalId: `over-${i}` })),
        'input.customers',
      ],
      [
        'a bad email in the second row',
        () => [row(0), row(1, { email: 'nope' })],
        'input.customers[1].email',
      ],
      [
        'a bad country in the third row',
        () => [row(0), row(1), row(2, { country: 'Narnia' })],
        'input.customers[2].country',
      ],
      ['an empty external id', () => [row(0, { externalId: '' })], 'input.customers[0].externalId'],
      [
        'a bad birth date in the second row',
        () => [row(0), row(1, { birthDate: '1990-1-1' })],
        'input.customers[1].birthDate',
      ],
      [
        'an empty consent source in the second row',
        () => [row(0), row(1, { consents: [{ channel: 'SMS', status: 'GRANTED', source: '' }] })],
        'input.customers[1].consents[0].source',
      ],
      [
        'an external id repeated in the batch',
        () => {
          const r = row(0);

          return [r, row(1), { ...r }];
        },
        'input.customers[2].externalId',
      ],
      [
        'one email used by two new rows, in different case',
        () => {
          const email = `${unique('twice')}@example.com`;

          return [row(0, { email }), row(1, { email: email.toUpperCase() })];
        },
        'input.customers[1].email',
      ],
      [
        "another customer's email in the second row",
        () => [row(0), row(1, { email: existing.email })],
        'input.customers[1].email',
        'CONFLICT',
      ],
    ])(
      'rejects %s with BAD_USER_INPUT (CONFLICT if taken) naming the row and stores none of the batch',
      async (_title, rows, field, code = 'BAD_USER_INPUT') => {
        const customers = rows();
        const response = await call(UPSERT, { input: { customers } });
        expectError(response, code, field);
        for (const customer of customers.slice(0, 3)) {
          const stored = await call(BY_EXTERNAL_ID, { externalId: customer.externalId });
          expect(stored.data).toEqual({ customerByExternalId: null });
        }
      },
    );
  });

  describe('customers arguments', () => {
    it.each<[string, string, Record<string, unknown>]>([
      ['a page over 100', 'first', { first: 101 }],
      ['a negative first', 'first', { first: -1 }],
      ['a negative last', 'last', { last: -1 }],
      ['first and last together', 'first', { first: 5, last: 5 }],
      ['an after cursor that is not a cursor', 'after', { after: 'not-a-cursor' }],
      ['a before cursor that is not a cursor', 'before', { before: 'bm9wZQ' }],
      ['a cursor holding an object', 'after', { after: cursorOf([{ a: 1 }, 1]) }],
      ['a cursor holding an array', 'before', { before: cursorOf([AN_INSTANT, [1, 2]]) }],
      ['a cursor holding null', 'after', { after: cursorOf([AN_INSTANT, null]) }],
      [
        'a cursor holding an object, sorted by sign-up',
        'after',
        {
          after: cursorOf([AN_INSTANT, { x: 1 }]),
          orderBy: { field: 'SIGNED_UP_AT', direction: 'ASC' },
        },
      ],
      ['a cursor holding a number beyond 2^53', 'after', { after: cursorOf([AN_INSTANT, 1e300]) }],
      // A name where the sort wants an instant: a cursor of the list sorted by NAME, kept when
      // the client switched to the default order (SQLite gave the first page, MySQL none).
      [
        'a cursor holding a name where a sign-up time goes',
        'after',
        { after: cursorOf(['Ada', 1]) },
      ],
      [
        'a cursor holding a name where a creation time goes',
        'before',
        { before: cursorOf(['Ada', 1]), orderBy: { field: 'CREATED_AT', direction: 'ASC' } },
      ],
      ['an empty text filter', 'filter.text', { filter: { text: '' } }],
      ['a text filter over 100 characters', 'filter.text', { filter: { text: 't'.repeat(101) } }],
      ['a lower-case country filter', 'filter.countries', { filter: { countries: ['gb'] } }],
      ['a negative minimum spend', 'filter.spend.min', { filter: { spend: { min: -1 } } }],
    ])('rejects %s with BAD_USER_INPUT on %s', async (_title, field, variables) => {
      expectError(await call(LIST, variables), 'BAD_USER_INPUT', field);
    });
  });

  it.each<[string, unknown[]]>([
    ['an id that is not a number', [AN_INSTANT, 'x']],
    ['an object', [AN_INSTANT, { a: 1 }]],
    ['a text that is no instant', ['yesterday', 1]],
  ])(
    "rejects a customer's interactions or orders after a cursor holding %s with BAD_USER_INPUT on after",
    async (_title, values) => {
      for (const list of ['interactions', 'orders']) {
        const response = await call(
          `query($id: ID!, $after: String) {
             customer(id: $id) { ${list}(first: 2, after: $after) { edges { node { id } } } } }`,
          { id: existing.id, after: cursorOf(values) },
        );
        expectError(response, 'BAD_USER_INPUT', 'after');
      }
    },
  );

  describe('ids', () => {
    it.each<[string, string, string, () => string]>([
      [
        'a well-formed id of a missing customer',
        'NOT_FOUND',
        'id',
        () => globalId('Customer', 2_000_000_000),
      ],
      ['garbage', 'BAD_USER_INPUT', 'id', () => '%%%not-an-id'],
      [
        'an id decoding to a non-number',
        'BAD_USER_INPUT',
        'id',
        () => Buffer.from('Customer:abc').toString('base64url'),
      ],
      ['an id over the integer range', 'BAD_USER_INPUT', 'id', () => globalId('Customer', 2 ** 31)],
      ["an Order's id", 'BAD_USER_INPUT', 'id', () => globalId('Order', 1)],
    ])('answers customer(id:) with %s with %s on %s', async (_title, code, field, id) => {
      expectError(await call(GET, { id: id() }), code, field);
    });

    it('answers nodes(ids:) with a garbage id at index 1 with BAD_USER_INPUT on ids[1]', async () => {
      const response = await call(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, {
        ids: [existing.id, 'garbage'],
      });
      expectError(response, 'BAD_USER_INPUT', 'ids[1]');
    });
  });

  describe('GraphQL-level errors', () => {
    // Apollo Server 5 answers variable coercion errors with 400 and BAD_USER_INPUT, without a
    // field: graphql-js reports them before any resolver (or Pulse's validation) runs.
    it.each<[string, string, Record<string, unknown>]>([
      ['a string where an Int is expected', LIST, { first: 'ten' }],
      ['an unknown enum value', CREATE, { input: { gender: 'ROBOT' } }],
      [
        'an unknown consent channel',
        CREATE,
        { input: { consents: [{ channel: 'PIGEON', status: 'GRANTED' }] } },
      ],
      ['a missing required input field', UPDATE, { input: { id: 'x' } }],
      ['an input field that does not exist', CREATE, { input: { shoeSize: 44 } }],
      ['a missing required variable', CREATE, {}],
      ['a date that is not a date', CREATE, { input: { signedUpAt: 'yesterday' } }],
    ])('answers %s with status 400 and BAD_USER_INPUT', async (_title, query, variables) => {
      const response = await call(query, variables);
      expect(response.status).toBe(400);
      expectError(response, 'BAD_USER_INPUT');
      expect(response.data).toBeUndefined();
    });

    it('answers a query for a field that does not exist with 400 and GRAPHQL_VALIDATION_FAILED', async () => {
      const response = await call('{ customers { shoeSize } }', {});
      expect(response.status).toBe(400);
      expectError(response, 'GRAPHQL_VALIDATION_FAILED');
    });

    it('answers a query with a syntax error with 400 and GRAPHQL_PARSE_FAILED', async () => {
      const response = await call('{ customers { ', {});
      expect(response.status).toBe(400);
      expectError(response, 'GRAPHQL_PARSE_FAILED');
    });
  });

  describe('HTTP-level errors', () => {
    it('answers a malformed JSON body with 400 and BAD_REQUEST', async () => {
      const response = await post(pulse(), '{"query": "{ customers { totalCount } }"');
      responses.push(response);
      expect(response.status).toBe(400);
      expectError(response, 'BAD_REQUEST');
    });

    it('answers a 10 MB body with 413 before reading it', async () => {
      const query = `mutation { upsertCustomers(input: { customers: [] }) { created } }`;
      const body = JSON.stringify({ query, variables: { pad: 'x'.repeat(10 * 1024 * 1024) } });
      const response = await post(pulse(), body);
      responses.push(response);
      expect(response.status).toBe(413);
      expectError(response, 'PAYLOAD_TOO_LARGE');
    });

    it('answers a 10 MB body sent in chunks without a length with 413', async () => {
      const chunk = new TextEncoder().encode('x'.repeat(1024 * 1024));
      let sent = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent === 10) {
            controller.close();
          } else {
            sent += 1;
            controller.enqueue(chunk);
          }
        },
      });
      const response = await post(pulse(), stream, {}, { duplex: 'half' });
      responses.push(response);
      expect(response.status).toBe(413);
      expectError(response, 'PAYLOAD_TOO_LARGE');
    });
  });

  describe('authentication and roles', () => {
    it.each<[string, { key?: string | null; role?: Role }]>([
      ['no key', { key: null }],
      ['a key that was never issued', { key: 'pulse_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }],
    ])('answers a read with %s with UNAUTHENTICATED', async (_title, as) => {
      const response = await call(LIST, {}, as);
      expectError(response, 'UNAUTHENTICATED');
      expect(response.data).toBeNull();
    });

    it('answers a request with a Basic Authorization header with UNAUTHENTICATED', async () => {
      const response = await post(
        pulse(),
        JSON.stringify({ query: '{ customers { totalCount } }' }),
        { authorization: 'Basic dXNlcjpwYXNz' },
      );
      responses.push(response);
      expectError(response, 'UNAUTHENTICATED');
    });

    it.each<[string, string, () => Record<string, unknown>]>([
      ['createCustomer', CREATE, () => ({ input: { externalId: unique('partner'), name: 'P' } })],
      [
        'updateCustomer',
        UPDATE,
        () => ({ input: { id: existing.id, version: 1, name: 'Partner was here' } }),
      ],
      ['deleteCustomer', DELETE, () => ({ input: { id: existing.id } })],
      [
        'upsertCustomers',
        UPSERT,
        () => ({ input: { customers: [{ externalId: unique('partner') }] } }),
      ],
    ])(
      'refuses %s to a PARTNER with FORBIDDEN and changes nothing',
      async (_name, mutation, variables) => {
        const input = variables();
        expectError(await call(mutation, input, { role: Role.PARTNER }), 'FORBIDDEN');
        const stored = await call(GET, { id: existing.id });
        expect(stored.data).toMatchObject({ customer: { name: 'Customer 0', version: 1 } });
      },
    );

    it.each<[string, string, () => Record<string, unknown>]>([
      ['customers', LIST, () => ({})],
      ['customer', GET, () => ({ id: existing.id })],
      ['customerByExternalId', BY_EXTERNAL_ID, () => ({ externalId: existing.externalId })],
      ['node', `query($id: ID!) { node(id: $id) { id } }`, () => ({ id: existing.id })],
    ])('refuses %s to the ALERTS role with FORBIDDEN', async (_name, query, variables) => {
      const response = await call(query, variables(), { role: Role.ALERTS });
      expectError(response, 'FORBIDDEN');
      expect(JSON.stringify(response.data ?? null)).not.toContain(existing.externalId);
    });

    it('refuses a PARTNER a text filter on masked personal fields with FORBIDDEN on filter.text', async () => {
      expectError(
        await call(LIST, { filter: { text: 'ann' } }, { role: Role.PARTNER }),
        'FORBIDDEN',
        'filter.text',
      );
    });
  });

  it('never includes a stack trace in any of the error responses above', () => {
    const errors = responses.flatMap((response) => response.errors ?? []);
    expect(errors.length).toBeGreaterThan(50);
    expect(errors.filter((error) => error.extensions?.stacktrace !== undefined)).toEqual([]);
    expect(errors.filter((error) => /\n\s+at /.test(error.message))).toEqual([]);
  });
});
