import { fromGlobalId } from '../../../src/graphql/global-id';
import { describeEachDialect } from '../support/dialects';
import { createCustomers } from '../support/factories';
import { createSegment } from './segment-support';

const MEMBERS = `query Members($id: ID!, $orderBy: SegmentMemberOrderBy, $first: Int, $after: String,
                               $last: Int, $before: String) {
  segment(id: $id) {
    members(orderBy: $orderBy, first: $first, after: $after, last: $last, before: $before) {
      totalCount
      edges { node { externalId } }
      pageInfo { startCursor endCursor hasNextPage hasPreviousPage }
    }
  }
}`;

interface MembersPage {
  totalCount: number;
  edges: Array<{ node: { externalId: string } }>;
  pageInfo: {
    startCursor: string | null;
    endCursor: string | null;
    hasNextPage: boolean;
    hasPreviousPage: boolean;
  };
}

const FIELDS = ['ENTERED_AT', 'SIGNED_UP_AT', 'EXTERNAL_ID'] as const;
const DIRECTIONS = ['ASC', 'DESC'] as const;

// Members page by keyset on the sort key and then the customer id; customers added together
// share their entry instant, so the id alone orders them there.
describeEachDialect('segment members, page by page', (pulse) => {
  let segmentId: string;
  // Sign-up order is not external-id order, and not entry order either.
  const signUpMinutes = [30, 10, 50, 20, 40];
  let customers: Array<{ externalId: string; dbId: number; signUp: number }>;

  beforeAll(async () => {
    const created = await createCustomers(pulse(), 5, (i) => ({
      signedUpAt: new Date(Date.UTC(2025, 0, 1) + signUpMinutes[i] * 60_000).toISOString(),
    }));
    customers = created.map((customer, i) => ({
      externalId: customer.externalId,
      dbId: fromGlobalId(customer.id, 'Customer', 'id'),
      signUp: signUpMinutes[i],
    }));
    // Two entries: the last three customers enter later than the first two.
    const segment = await createSegment(pulse(), {
      kind: 'STATIC',
      externalIds: customers.slice(0, 2).map((c) => c.externalId),
    });
    segmentId = segment.id;
    await new Promise((resolve) => setTimeout(resolve, 20));
    const added = await pulse().query(
      `mutation($input: SegmentMembersInput!) { addSegmentMembers(input: $input) { changed } }`,
      { input: { id: segmentId, externalIds: customers.slice(2).map((c) => c.externalId) } },
    );
    expect(added.errors).toBeUndefined();
  });

  async function page(variables: Record<string, unknown>): Promise<MembersPage> {
    const response = await pulse().query<{ segment: { members: MembersPage } }>(MEMBERS, {
      id: segmentId,
      ...variables,
    });
    expect(response.errors).toBeUndefined();

    return response.data!.segment.members;
  }

  function expectedOrder(field: (typeof FIELDS)[number], direction: 'ASC' | 'DESC'): string[] {
    const key = (c: (typeof customers)[number], i: number): [number | string, number] =>
      field === 'ENTERED_AT'
        ? [i < 2 ? 0 : 1, c.dbId]
        : field === 'SIGNED_UP_AT'
          ? [c.signUp, c.dbId]
          : [c.externalId, c.dbId];
    const sorted = customers
      .map((c, i) => ({ c, key: key(c, i) }))
      .sort((a, b) => (a.key[0] === b.key[0] ? a.key[1] - b.key[1] : a.key[0] < b.key[0] ? -1 : 1))
      .map(({ c }) => c.externalId);

    return direction === 'ASC' ? sorted : sorted.reverse();
  }

  const orders = FIELDS.flatMap((field) =>
    DIRECTIONS.map((direction) => [field, direction] as const),
  );

  it.each(orders)('pages forwards by %s %s, two at a time', async (field, direction) => {
    const orderBy = { field, direction };
    const seen: string[] = [];
    let after: string | null = null;
    for (let hasNext = true; hasNext;) {
      const members: MembersPage = await page({ orderBy, first: 2, after });
      expect(members.totalCount).toBe(5);
      seen.push(...members.edges.map((edge) => edge.node.externalId));
      ({ endCursor: after, hasNextPage: hasNext } = members.pageInfo);
    }

    expect(seen).toEqual(expectedOrder(field, direction));
  });

  it.each(orders)('pages backwards by %s %s, two at a time', async (field, direction) => {
    const orderBy = { field, direction };
    const seen: string[] = [];
    let before: string | null = null;
    for (let hasPrevious = true; hasPrevious;) {
      const members: MembersPage = await page({ orderBy, last: 2, before });
      seen.unshift(...members.edges.map((edge) => edge.node.externalId));
      ({ startCursor: before, hasPreviousPage: hasPrevious } = members.pageInfo);
    }

    expect(seen).toEqual(expectedOrder(field, direction));
  });
});
