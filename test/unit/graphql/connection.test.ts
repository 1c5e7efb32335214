import 'reflect-metadata';
import { ObjectType } from 'type-graphql';
import { ConnectionType, toConnection } from '../../../src/graphql/connection';
import type { Page } from '../../../src/db/pagination';

@ObjectType({ description: 'An item of the test list.' })
class Item {
  name!: string;
}

@ObjectType({ description: 'A page of test items.' })
class ItemConnection extends ConnectionType(Item) {}

function pageOf(names: string[], cursorAt: (index: number) => string): Page<string> {
  return {
    items: names,
    cursorAt,
    hasNextPage: true,
    hasPreviousPage: false,
    totalCount: async () => names.length,
  };
}

describe('toConnection', () => {
  it('encodes a cursor only when it is read', () => {
    const cursorAt = jest.fn((index: number) => `cursor-${index}`);
    const connection = toConnection(ItemConnection, pageOf(['a', 'b', 'c'], cursorAt), (name) =>
      Object.assign(new Item(), { name }),
    );

    expect(connection.edges.map((edge) => edge.node.name)).toEqual(['a', 'b', 'c']);
    expect(connection.pageInfo.hasNextPage).toBe(true);
    expect(cursorAt).not.toHaveBeenCalled();

    expect(connection.edges[1].cursor).toBe('cursor-1');
    expect(connection.pageInfo.startCursor).toBe('cursor-0');
    expect(connection.pageInfo.endCursor).toBe('cursor-2');
    expect(cursorAt.mock.calls.map(([index]) => index)).toEqual([1, 0, 2]);
  });

  it('has no start or end cursor on an empty page', () => {
    const connection = toConnection(
      ItemConnection,
      pageOf([], () => 'never'),
      () => new Item(),
    );

    expect(connection.edges).toEqual([]);
    expect(connection.pageInfo.startCursor).toBeNull();
    expect(connection.pageInfo.endCursor).toBeNull();
  });
});
