import { Role } from '../../../src/auth/principal';
import { describeEachDialect } from '../support/dialects';
import { createCustomers, unique } from '../support/factories';
import type { TestPulse } from '../support/start-pulse';

// Lowered limits, so that small documents cross them.
const LIMITS = { maxCost: 400, maxAliases: 2, maxRootFields: 3, maxBatch: 3, maxTokens: 200 };

// (1 + edges (1 + node (1 + 2 leaves))) × $first: 50 for 10, 500 for 100.
const PAGE = `query Page($first: Int) { customers(first: $first) { edges { node { id name } } } }`;
const BY_EXTERNAL_ID = `query($externalId: String!) { customerByExternalId(externalId: $externalId) { id } }`;
const CREATE = `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }`;
// createCustomer 1, customer 2, interactions 3, edges 4, node 5, customer 6, name 7, … id 10
const DEEP_CREATE = `mutation($input: CreateCustomerInput!) {
  createCustomer(input: $input) { customer {
    interactions(first: 1) { edges { node { customer {
      interactions(first: 1) { edges { node { id } } } } } } } } } }`;

/** POSTs a raw JSON body (a batch is an array) as ADMIN. */
async function post(pulse: TestPulse, body: unknown) {
  const response = await fetch(pulse.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${pulse.keys[Role.ADMIN]}`,
    },
    body: JSON.stringify(body),
  });

  return { status: response.status, body: (await response.json()) as unknown };
}

async function stored(pulse: TestPulse, externalId: string): Promise<unknown> {
  const response = await pulse.query<{ customerByExternalId: unknown }>(BY_EXTERNAL_ID, {
    externalId,
  });

  return response.data?.customerByExternalId;
}

describeEachDialect(
  'query limits over HTTP',
  (pulse) => {
    beforeAll(async () => {
      await createCustomers(pulse(), 3);
    });

    it('computes the cost from each request’s variables, also after the document was validated once', async () => {
      const outcomes = [];
      for (const first of [10, 100, 10, 100, 100]) {
        const response = await pulse().query(PAGE, { first });
        outcomes.push({ status: response.status, data: response.data, errors: response.errors });
      }
      const refused = {
        status: 400,
        data: undefined,
        errors: [
          {
            message: 'The request costs more than allowed (cost): 500, at most 400',
            extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'cost', cost: 500, max: 400 },
          },
        ],
      };
      const passed = { status: 200, data: expect.any(Object), errors: undefined };
      expect(outcomes).toEqual([passed, refused, passed, refused, refused]);
    });

    it.each([
      [
        'depth',
        `{ customers(first: 1) { edges { node { interactions(first: 1) { edges { node {
          customer { summary { totalSpent } } } } } } } } }`,
        { limit: 'depth', value: 9, max: 8 },
      ],
      [
        'aliases',
        '{ customers(first: 1) { edges { node { a: id b: id c: name } } } }',
        { limit: 'aliases', value: 3, max: 2 },
      ],
      [
        'root fields',
        `{ customers(first: 1) { totalCount } apiKeys(first: 1) { totalCount }
           node(id: "x") { id } nodes(ids: []) { id } }`,
        { limit: 'rootFields', value: 4, max: 3 },
      ],
      [
        'tokens',
        `{ customers(first: 1) { edges { node { ${Array(200).fill('id').join(' ')} } } } }`,
        { limit: 'tokens', value: null, max: 200 },
      ],
    ])(
      'refuses an operation over the %s limit with 400 and QUERY_TOO_COMPLEX',
      async (_limit, query, details) => {
        const response = await pulse().query(query);
        expect(response.status).toBe(400);
        expect(response.data).toBeUndefined();
        expect(response.errors).toHaveLength(1);
        expect(response.errors?.[0]?.extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', ...details });
      },
    );

    it('charges previewSegment’s sample per customer, as a page of that many customers', async () => {
      // Per customer: 1 + interactions (1 + edges (1 + node (1 + id))) × 10 = 41.
      const PREVIEW = `query($size: Int!) {
        previewSegment(definition: { profile: { field: COUNTRY, operator: IS_SET } }, sampleSize: $size) {
          size sample { interactions(first: 10) { edges { node { id } } } } } }`;
      for (const role of [Role.ADMIN, Role.PARTNER]) {
        const small = await pulse().query(PREVIEW, { size: 2 }, { role });
        expect(small.errors).toBeUndefined();
        // 100 customers × 41 = 4,100 over the limit of 400, as customers(first: 100) would be.
        const large = await pulse().query(PREVIEW, { size: 100 }, { role });
        expect(large.status).toBe(400);
        expect(large.errors?.[0]?.extensions).toMatchObject({
          code: 'QUERY_TOO_COMPLEX',
          limit: 'cost',
          max: 400,
        });
      }
    });

    it('does not run a mutation over a limit: nothing is written', async () => {
      const externalId = unique('deep');
      const response = await pulse().query(DEEP_CREATE, { input: { externalId } });
      expect(response.errors?.[0]?.extensions).toEqual({
        code: 'QUERY_TOO_COMPLEX',
        limit: 'depth',
        value: 10,
        max: 8,
      });
      expect(await stored(pulse(), externalId)).toBeNull();
    });

    it('runs a batch up to the maximum, checking each operation like a single one', async () => {
      const externalId = unique('batch');
      const { status, body } = await post(pulse(), [
        { query: PAGE, variables: { first: 1 } },
        { query: CREATE, variables: { input: { externalId } } },
        { query: PAGE, variables: { first: 100 } },
      ]);
      expect(status).toBe(400);
      expect(body).toEqual([
        { data: { customers: { edges: [expect.any(Object)] } } },
        { data: { createCustomer: { customer: { id: expect.any(String) } } } },
        {
          errors: [
            {
              message: 'The request costs more than allowed (cost): 500, at most 400',
              extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'cost', cost: 500, max: 400 },
            },
          ],
        },
      ]);
      expect(await stored(pulse(), externalId)).toEqual({ id: expect.any(String) });
    });

    it('refuses a batch over the maximum before running any of its operations', async () => {
      const externalIds = [1, 2, 3, 4].map(() => unique('batch'));
      const { status, body } = await post(
        pulse(),
        externalIds.map((externalId) => ({ query: CREATE, variables: { input: { externalId } } })),
      );
      expect({ status, body }).toEqual({
        status: 400,
        body: {
          errors: [
            {
              message: 'The request batches more operations than allowed (batch): 4, at most 3',
              extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'batch', value: 4, max: 3 },
            },
          ],
        },
      });
      for (const externalId of externalIds) {
        expect(await stored(pulse(), externalId)).toBeNull();
      }
    });
  },
  LIMITS,
);
