import { buildSchema, graphql, type GraphQLResolveInfo } from 'graphql';
import { selectsSubfield } from '../../../src/graphql/selection';

const schema = buildSchema(`
  type Leaf { wanted: Int, other: Int, child: Leaf }
  type Query { item: Leaf }
`);

/** What selectsSubfield says of `wanted` while `item` of this query resolves. */
async function selectsWanted(query: string): Promise<boolean> {
  let answer: boolean | undefined;
  const result = await graphql({
    schema,
    source: query,
    rootValue: {
      item: (_args: unknown, _context: unknown, info: GraphQLResolveInfo) => {
        answer = selectsSubfield(info, 'wanted');

        return {};
      },
    },
  });
  expect(result.errors).toBeUndefined();

  return answer as boolean;
}

describe('selectsSubfield', () => {
  it('finds a subfield selected directly, in an inline fragment or in a named one', async () => {
    expect(await selectsWanted('{ item { other wanted } }')).toBe(true);
    expect(await selectsWanted('{ item { other ... on Leaf { wanted } } }')).toBe(true);
    expect(
      await selectsWanted(
        '{ item { ...F } } fragment F on Leaf { other ...G } fragment G on Leaf { wanted }',
      ),
    ).toBe(true);
  });

  it('counts a subfield under @skip as selected, erring towards reading more', async () => {
    expect(await selectsWanted('{ item { other wanted @skip(if: true) } }')).toBe(true);
  });

  it('does not find it when only deeper levels or other fields select it', async () => {
    expect(await selectsWanted('{ item { other child { wanted } } }')).toBe(false);
    expect(await selectsWanted('{ item { ...F } } fragment F on Leaf { other }')).toBe(false);
  });

  it('looks at every node of a field asked for twice', async () => {
    expect(await selectsWanted('{ item { other } item { wanted } }')).toBe(true);
  });
});
