import { describeEachDialect } from '../support/dialects';
import { createCustomers, unique } from '../support/factories';
import { createSegment } from '../segments/segment-support';

const MEMBERS_WITH_NESTED_DATA = `query Members($id: ID!, $first: Int!) {
  segment(id: $id) {
    members(first: $first) {
      edges {
        node {
          id
          name
          country
          consents { channel status }
          summary { totalSpent orderCount lastInteractionAt }
          interactions(first: 3) { edges { node { id type } } }
          segments { id name }
        }
      }
    }
  }
}`;

describeEachDialect('segment members', (pulse) => {
  let segmentId: string;

  beforeAll(async () => {
    const customers = await createCustomers(pulse(), 100, () => ({ country: 'NZ' }));
    const prefix = unique('seg-n1');
    const interactions = customers.flatMap((customer, c) =>
      Array.from({ length: 4 }, (_, i) => ({
        customerId: customer.id,
        channel: 'WEB',
        type: 'page_view',
        occurredAt: new Date(Date.UTC(2025, 5, 1, 0, c, i)).toISOString(),
        clientEventId: `${prefix}-${c}-${i}`,
      })),
    );
    const ingested = await pulse().query(
      `mutation($input: IngestInteractionsInput!) { ingestInteractions(input: $input) { accepted } }`,
      { input: { interactions } },
    );
    expect(ingested.errors).toBeUndefined();
    ({ id: segmentId } = await createSegment(pulse(), {
      kind: 'STATIC',
      externalIds: customers.map((customer) => customer.externalId),
    }));
  });

  const statementsFor = async (first: number) => {
    const { result, statements } = await pulse().countStatements(() =>
      pulse().query<{ segment: { members: { edges: Array<{ node: any }> } } }>(
        MEMBERS_WITH_NESTED_DATA,
        { id: segmentId, first },
      ),
    );
    expect(result.errors).toBeUndefined();
    const nodes = result.data!.segment.members.edges.map((edge) => edge.node);
    expect(nodes).toHaveLength(first);
    expect(nodes.every((node) => node.interactions.edges.length === 3)).toBe(true);
    expect(nodes.every((node) => node.segments.length === 1)).toBe(true);

    return statements;
  };

  it('serves 100 members with profile, summary, interactions and segments in a fixed number of statements', async () => {
    // The first request of a key looks the key up; the measured ones reuse it.
    await pulse().query('{ segments(first: 1) { edges { cursor } } }');
    // Segment, member page, consents, summary, interactions, segments: one read each, plus the
    // one audit entry an ADMIN read of personal data writes.
    expect(await statementsFor(100)).toBe(6 + 1);
  });

  it('costs the same number of statements for 10 members as for 100', async () => {
    expect(await statementsFor(10)).toBe(await statementsFor(100));
  });
});
