import {
  GraphQLID,
  GraphQLInt,
  GraphQLList,
  GraphQLObjectType,
  GraphQLSchema,
  parse,
  type DocumentNode,
} from 'graphql';
import { OVER_NODE_LIMIT, operationCost } from '../../../src/graphql/query-cost';

const OPTIONS = { defaultListSize: 100, maxQueryNodes: 10_000 };

// A schema whose `counted` field counts how often its cost is computed.
let countings = 0;
const Item = new GraphQLObjectType({ name: 'Item', fields: { id: { type: GraphQLID } } });
const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: {
      counted: {
        type: Item,
        extensions: {
          complexity: ({ childComplexity }: { childComplexity: number }) => {
            countings += 1;

            return 10 + childComplexity;
          },
        },
      },
      item: { type: Item, args: { id: { type: GraphQLID } } },
      items: { type: new GraphQLList(Item), args: { first: { type: GraphQLInt } } },
      weighed: {
        type: new GraphQLList(Item),
        args: { ids: { type: new GraphQLList(GraphQLID) } },
        extensions: {
          complexity: ({ args }: { args: { ids: string[] } }) => args.ids.length,
        },
      },
    },
  }),
});

function costOf(document: DocumentNode, variables?: Record<string, unknown>, name?: string) {
  return operationCost(schema, document, variables, OPTIONS, name);
}

describe('operationCost', () => {
  beforeEach(() => {
    countings = 0;
  });

  it('counts a document once for variables the cost does not read', () => {
    const document = parse('query($id: ID) { counted { id } item(id: $id) { id } }');
    const costs = ['a', 'b', 'c'].map((id) => costOf(document, { id }));

    expect(costs).toEqual([13, 13, 13]);
    expect(countings).toBe(1);
  });

  it('counts again when a page size, a complexity argument or a directive changes', () => {
    const document = parse(
      'query($n: Int = 3, $ids: [ID], $skip: Boolean = false) ' +
        '{ counted { id } items(first: $n) @skip(if: $skip) { id } weighed(ids: $ids) { id } }',
    );
    const base = { n: 2, ids: ['a'] };

    expect(costOf(document, base)).toBe(11 + 4 + 1);
    expect(costOf(document, { ...base, n: 5 })).toBe(11 + 10 + 1);
    expect(costOf(document, { ...base, ids: ['a', 'b', 'c'] })).toBe(11 + 4 + 3);
    expect(costOf(document, { ...base, skip: true })).toBe(11 + 1);
    expect(countings).toBe(4);
    // A variable left out takes its default; an explicit null means no page size at all.
    expect(costOf(document, { ids: ['a'] })).toBe(11 + 6 + 1);
    expect(costOf(document, { ...base, n: null })).toBe(11 + 200 + 1);
    expect(countings).toBe(6);
    expect(costOf(document, { ...base, n: 5 })).toBe(11 + 10 + 1);
    expect(countings).toBe(6);
  });

  it('keeps costs per operation of a document', () => {
    const document = parse('query A { items(first: 1) { id } } query B { items(first: 3) { id } }');

    expect([costOf(document, {}, 'A'), costOf(document, {}, 'B')]).toEqual([2, 6]);
    expect([costOf(document, {}, 'A'), costOf(document, {}, 'B')]).toEqual([2, 6]);
  });

  it('never keeps the 0 of variables that do not fit their types', () => {
    const document = parse(
      'query($id: ID!, $n: Int) { item(id: $id) { id } items(first: $n) { id } }',
    );

    expect(costOf(document, { id: { not: 'an id' }, n: 4 })).toBe(0);
    expect(costOf(document, { id: 'a', n: 4 })).toBe(2 + 8);
  });

  it('says when counting stopped at the node limit', () => {
    const document = parse(`{ ${Array.from({ length: 20 }, (_, i) => `a${i}: item { id }`)} }`);

    expect(operationCost(schema, document, {}, { ...OPTIONS, maxQueryNodes: 10 })).toBe(
      OVER_NODE_LIMIT,
    );
    expect(operationCost(schema, document, {}, OPTIONS)).toBe(40);
  });
});
