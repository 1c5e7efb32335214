import { createPubSub } from '@graphql-yoga/subscription';
import { getIntrospectionQuery, parse, type GraphQLSchema } from 'graphql';
import { PulseError } from '../../../src/errors';
import { buildPulseSchema } from '../../../src/graphql/build-schema';
import {
  checkBatch,
  checkLimits,
  checkSubscriptions,
  checkTokens,
  type LimitsOptions,
} from '../../../src/graphql/limits';
import type { Services } from '../../../src/services';

const LIMITS: LimitsOptions = {
  maxDepth: 8,
  maxCost: 5000,
  maxAliases: 15,
  maxRootFields: 10,
  maxTokens: 1000,
  maxBatch: 10,
  defaultListSize: 100,
};

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await buildPulseSchema({} as Services, createPubSub());
});

function check(query: string, variables?: Record<string, unknown>, operationName?: string) {
  return checkLimits(schema, parse(query), variables, LIMITS, operationName);
}

/** The PulseError `work` throws, as code, message and details. */
function refusal(work: () => unknown) {
  try {
    work();
  } catch (error) {
    if (error instanceof PulseError) {
      return { code: error.code, message: error.message, details: error.details };
    }
    throw error;
  }
  throw new Error('no PulseError was thrown');
}

describe('checkLimits cost', () => {
  it.each([
    // (1 + edges (1 + node (1 + 2 leaves))) × first
    [
      'a page of 10 customers with two fields',
      '{ customers(first: 10) { edges { node { id name } } } }',
      50,
    ],
    ['a list without first, at the largest page size', '{ customers { totalCount } }', 200],
    // summary declares complexity 10 on top of its one child
    ['a customer with its summary', '{ customer(id: "x") { summary { totalSpent } } }', 12],
    ['nodes by the number of ids', '{ nodes(ids: ["a", "b", "c"]) { id } }', 6],
    [
      'nested pages multiplied by both page sizes',
      '{ customers(first: 10) { edges { node { interactions(first: 5) { edges { node { id type } } } } } } }',
      // interactions (1 + 1 + 3) × 5 = 25; customer node 26; edges 27; (1 + 27) × 10
      280,
    ],
    [
      'a fragment spread like its fields',
      '{ customers(first: 2) { edges { node { ...F } } } } fragment F on Customer { id name }',
      10,
    ],
    ['a page of 0 as a page of 1', '{ customers(first: 0) { totalCount } }', 2],
  ])('costs %s exactly', (_title, query, cost) => {
    expect(check(query)).toBe(cost);
  });

  it('takes page sizes from the variables of each call', () => {
    const query = 'query($n: Int) { customers(first: $n) { edges { node { id } } } }';
    expect(check(query, { n: 10 })).toBe(40);
    expect(check(query, { n: 100 })).toBe(400);
  });

  it('counts only the operation that operationName selects', () => {
    const query =
      'query A { customers(first: 1) { totalCount } } query B { customers(first: 3) { totalCount } }';
    expect(check(query, {}, 'A')).toBe(2);
    expect(check(query, {}, 'B')).toBe(6);
  });

  it('leaves a variable of the wrong type to execution, at cost 0', () => {
    expect(check('query($n: Int) { customers(first: $n) { totalCount } }', { n: 'ten' })).toBe(0);
  });

  it('refuses a cost over the maximum with the cost and the maximum', () => {
    const query =
      '{ customers(first: 100) { edges { node { interactions(first: 100) { edges { node { id } } } } } } }';
    expect(refusal(() => check(query))).toEqual({
      code: 'QUERY_TOO_COMPLEX',
      message: 'The request costs more than allowed (cost): 40300, at most 5000',
      details: { limit: 'cost', cost: 40300, max: 5000 },
    });
  });

  it('refuses a fragment bomb without expanding it in full', () => {
    const fragments = [0, 1, 2, 3, 4, 5].map((level) =>
      level === 0
        ? 'fragment F0 on Customer { id }'
        : `fragment F${level} on Customer { ${Array(10)
            .fill(`...F${level - 1}`)
            .join(' ')} }`,
    );
    const query = `{ customer(id: "x") { ...F5 } } ${fragments.join(' ')}`;
    expect(refusal(() => check(query))).toEqual({
      code: 'QUERY_TOO_COMPLEX',
      message: 'The request costs more than allowed (cost): more than 5000, at most 5000',
      details: { limit: 'cost', cost: null, max: 5000 },
    });
  });
});

describe('checkLimits shape', () => {
  const twoHops = (leaf: string) =>
    `{ customers(first: 1) { edges { node { interactions(first: 1) { edges { node { customer { ${leaf} } } } } } } } }`;

  it('accepts customers → interactions → customer at depth 8', () => {
    expect(() => check(twoHops('name'))).not.toThrow();
  });

  it('refuses one level deeper with the depth found and the maximum', () => {
    expect(refusal(() => check(twoHops('summary { totalSpent }')))).toEqual({
      code: 'QUERY_TOO_COMPLEX',
      message: 'The request is nested deeper than allowed (depth): 9, at most 8',
      details: { limit: 'depth', value: 9, max: 8 },
    });
  });

  it('measures depth through fragments', () => {
    const query = `{ customers(first: 1) { edges { ...E } } }
      fragment E on CustomerEdge { node { interactions(first: 1) { edges { node { customer { summary { totalSpent } } } } } } }`;
    expect(refusal(() => check(query)).details).toEqual({ limit: 'depth', value: 9, max: 8 });
  });

  it('accepts the full introspection query: ofType levels do not count as depth', () => {
    expect(() =>
      check(
        getIntrospectionQuery({
          descriptions: true,
          specifiedByUrl: true,
          directiveIsRepeatable: true,
          schemaDescription: true,
          inputValueDeprecation: true,
        }),
      ),
    ).not.toThrow();
  });

  it('refuses 16 aliases, counting each use of a fragment', () => {
    const query = `{ customer(id: "x") { ...A ...A } } fragment A on Customer { ${Array.from(
      { length: 8 },
      (_v, i) => `a${i}: id`,
    ).join(' ')} }`;
    expect(refusal(() => check(query))).toEqual({
      code: 'QUERY_TOO_COMPLEX',
      message: 'The request uses more aliases than allowed (aliases): 16, at most 15',
      details: { limit: 'aliases', value: 16, max: 15 },
    });
  });

  it('accepts 15 aliases', () => {
    const fields = Array.from({ length: 15 }, (_v, i) => `a${i}: id`).join(' ');
    expect(check(`{ customer(id: "x") { ${fields} } }`)).toBe(16);
  });

  it('refuses 11 root fields, counting those inside fragments', () => {
    const roots = (n: number) =>
      Array.from({ length: n }, (_v, i) => `c${i}: customers(first: 1) { totalCount }`).join(' ');
    const query = `{ ${roots(6)} ...R } fragment R on Query { __typename ${roots(4)} }`;
    expect(refusal(() => check(query))).toEqual({
      code: 'QUERY_TOO_COMPLEX',
      message: 'The request selects more root fields than allowed (rootFields): 11, at most 10',
      details: { limit: 'rootFields', value: 11, max: 10 },
    });
  });
});

describe('checkTokens, checkBatch, checkSubscriptions', () => {
  // `{` and `}` are 2 tokens; each `a` adds 1.
  const ofTokens = (n: number) =>
    `{ ${Array(n - 2)
      .fill('a')
      .join(' ')} }`;

  it('accepts exactly the maximum number of tokens, comments not counted', () => {
    expect(() => checkTokens(`# comment\n${ofTokens(1000)}`, 1000)).not.toThrow();
  });

  it('refuses one token more without counting the rest', () => {
    expect(refusal(() => checkTokens(ofTokens(1001), 1000))).toEqual({
      code: 'QUERY_TOO_COMPLEX',
      message: 'The request has more tokens than allowed (tokens): more than 1000, at most 1000',
      details: { limit: 'tokens', value: null, max: 1000 },
    });
  });

  it('leaves a lexical error within the limit to the parser', () => {
    expect(() => checkTokens('{ "unterminated }', 1000)).not.toThrow();
  });

  it('refuses a batch over the maximum and accepts one at it', () => {
    expect(() => checkBatch(10, 10)).not.toThrow();
    expect(refusal(() => checkBatch(11, 10)).details).toEqual({
      limit: 'batch',
      value: 11,
      max: 10,
    });
  });

  it('refuses a subscription over the maximum per connection', () => {
    expect(() => checkSubscriptions(2, 2)).not.toThrow();
    expect(refusal(() => checkSubscriptions(3, 2))).toEqual({
      code: 'QUERY_TOO_COMPLEX',
      message:
        'The request opens more subscriptions on this connection than allowed (subscriptions): 3, at most 2',
      details: { limit: 'subscriptions', value: 3, max: 2 },
    });
  });
});
