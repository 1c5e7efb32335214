import { type ClassType, Field, Int, ObjectType } from 'type-graphql';
import type { Page } from '../db/pagination';

@ObjectType({ description: 'Where a page sits in its list (Relay cursor connections).' })
export class PageInfo {
  @Field({ description: 'Whether items follow the last one of this page.' })
  hasNextPage!: boolean;

  @Field({ description: 'Whether items precede the first one of this page.' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the first item, if any.' })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the last item, if any.' })
  endCursor!: string | null;
}

/** The shape every connection has; concrete classes add their name and description. */
export interface ConnectionShape<TNode> {
  edges: Array<{ cursor: string; node: TNode }>;
  pageInfo: PageInfo;
  countTotal: () => Promise<number>;
}

/**
 * Builds the Edge type and an abstract Connection type for `nodeType`. Subclass the result
 * with `@ObjectType({ description })` to name the connection, e.g. `CustomerConnection`.
 */
export function ConnectionType<TNode extends object>(nodeType: ClassType<TNode>) {
  const name = nodeType.name;

  @ObjectType(`${name}Edge`, { description: `A ${name} with its cursor.` })
  class Edge {
    @Field({ description: 'Pass as `after` (or `before`) to continue from this item.' })
    cursor!: string;

    @Field(() => nodeType, { description: `The ${name}.` })
    node!: TNode;
  }

  @ObjectType(`${name}ConnectionBase`, { description: 'Base of the connection type.' })
  abstract class Connection implements ConnectionShape<TNode> {
    @Field(() => [Edge], { description: 'The items of this page, in order.' })
    edges!: Edge[];

    @Field(() => PageInfo, { description: 'Cursors and whether more pages exist.' })
    pageInfo!: PageInfo;

    countTotal!: () => Promise<number>;

    @Field(() => Int, {
      description: 'How many items the whole list holds with these filters (counted on request).',
    })
    totalCount(): Promise<number> {
      return this.countTotal();
    }
  }

  return Connection;
}

/** Fills a connection object from a service's page, mapping each item to its GraphQL type. */
export function toConnection<TItem, TNode, TConnection extends ConnectionShape<TNode>>(
  connectionClass: new () => TConnection,
  page: Page<TItem>,
  map: (item: TItem) => TNode,
): TConnection {
  const connection = new connectionClass();
  connection.edges = page.items.map((item, index) => new LazyEdge(map(item), page, index));
  connection.pageInfo = new LazyPageInfo(page);
  connection.countTotal = page.totalCount;

  return connection;
}

// Cursors are encoded when a client selects them (Page.cursorAt), through these getters.

class LazyEdge<TNode> {
  constructor(
    readonly node: TNode,
    private readonly page: Page<unknown>,
    private readonly index: number,
  ) {}

  get cursor(): string {
    return this.page.cursorAt(this.index);
  }
}

class LazyPageInfo implements PageInfo {
  readonly hasNextPage: boolean;
  readonly hasPreviousPage: boolean;

  constructor(private readonly page: Page<unknown>) {
    this.hasNextPage = page.hasNextPage;
    this.hasPreviousPage = page.hasPreviousPage;
  }

  get startCursor(): string | null {
    return this.page.items.length > 0 ? this.page.cursorAt(0) : null;
  }

  get endCursor(): string | null {
    return this.page.items.length > 0 ? this.page.cursorAt(this.page.items.length - 1) : null;
  }
}
