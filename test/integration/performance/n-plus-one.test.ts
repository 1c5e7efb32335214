import { describeEachDialect } from '../support/dialects';
import { createCustomers, unique } from '../support/factories';

const PAGE_WITH_NESTED_DATA = `query Page($first: Int!, $countries: [String!]) {
  customers(first: $first, filter: { countries: $countries }) {
    edges {
      node {
        id
        name
        summary { totalSpent orderCount averageOrderValue lastInteractionAt firstOrderAt
                  interactionsByChannel { channel count } topCategories { category spent } }
        interactions(first: 5) { edges { node { id type occurredAt } } }
        orders(first: 3) { edges { node { id amount status } } }
      }
    }
  }
}`;

describeEachDialect('nested queries', (pulse) => {
  const country = 'NZ';

  beforeAll(async () => {
    const customers = await createCustomers(pulse(), 100, () => ({ country }));
    const prefix = unique('n1');
    const interactions = customers.flatMap((customer, c) =>
      Array.from({ length: 8 }, (_, i) => ({
        customerId: customer.id,
        channel: i % 2 ? 'EMAIL' : 'WEB',
        type: i % 2 ? 'email_open' : 'page_view',
        occurredAt: new Date(Date.UTC(2025, 5, 1, 0, c, i)).toISOString(),
        clientEventId: `${prefix}-${c}-${i}`,
      })),
    );
    const orders = customers.flatMap((customer, c) =>
      Array.from({ length: 4 }, (_, i) => ({
        customerId: customer.id,
        clientOrderId: `${prefix}-o-${c}-${i}`,
        orderedAt: new Date(Date.UTC(2025, 6, 1, 0, c, i)).toISOString(),
        currency: 'NZD',
        status: 'PAID',
        lines: [
          {
            productId: 'p1',
            productName: 'Kettle',
            category: 'kitchen',
            quantity: 1,
            unitPrice: 10 + i,
          },
        ],
      })),
    );
    const ingested = await pulse().query(
      `mutation($a: IngestInteractionsInput!, $b: IngestOrdersInput!) {
        ingestInteractions(input: $a) { accepted } ingestOrders(input: $b) { accepted } }`,
      { a: { interactions }, b: { orders } },
    );
    expect(ingested.errors).toBeUndefined();
  });

  it('serves 100 customers with last 5 interactions, last 3 orders and summaries in at most 4 reads and one audit write', async () => {
    // The first request of a key looks the key up; the measured one reuses it.
    await pulse().query('{ customers(first: 1) { edges { cursor } } }');
    const { result, statements } = await pulse().countStatements(() =>
      pulse().query<{ customers: { edges: Array<{ node: Record<string, any> }> } }>(
        PAGE_WITH_NESTED_DATA,
        {
          first: 100,
          countries: [country],
        },
      ),
    );
    expect(result.errors).toBeUndefined();
    const nodes = result.data!.customers.edges.map((edge) => edge.node);
    expect(nodes).toHaveLength(100);
    expect(nodes.every((node) => node.interactions.edges.length === 5)).toBe(true);
    expect(nodes.every((node) => node.orders.edges.length === 3)).toBe(true);
    expect(nodes[0].summary.orderCount).toBe(4);
    expect(nodes[0].summary.totalSpent).toBe(10 + 11 + 12 + 13);
    // An ADMIN read of personal data also writes its one audit entry (src/privacy).
    expect(statements).toBeLessThanOrEqual(4 + 1);
  });

  it('joins orders to their lines for the top categories only when a query selects them', async () => {
    const summaries = async (summary: string, fragments = '') => {
      const result = await pulse().query<{
        customers: { edges: Array<{ node: { summary: Record<string, unknown> } }> };
      }>(
        `query($countries: [String!]) { customers(first: 5, filter: { countries: $countries }) {
          edges { node { summary { ${summary} } } } } } ${fragments}`,
        { countries: [country] },
      );
      expect(result.errors).toBeUndefined();

      return result.data!.customers.edges.map((edge) => edge.node.summary);
    };
    const figures =
      'totalSpent orderCount lastInteractionAt interactionsByChannel { channel count }';
    const without = await summaries(figures);
    const direct = await summaries(`${figures} topCategories { category spent }`);
    const inFragment = await summaries(
      `${figures} ...Categories`,
      'fragment Categories on CustomerSummary { topCategories { category spent } }',
    );

    expect(direct[0].topCategories).toEqual([{ category: 'kitchen', spent: 10 + 11 + 12 + 13 }]);
    expect(inFragment).toEqual(direct);
    expect(without).toEqual(direct.map(({ topCategories: _categories, ...rest }) => rest));
    const [customer] = await pulse().app.db.query(
      'SELECT id FROM customers WHERE country = ? ORDER BY id LIMIT 1',
      [country],
    );
    const ids = [Number(customer.id)];
    const service = pulse().app.services.customerSummaries;
    const [withCategories] = await service.summariesOf(ids);
    const [withoutCategories] = await service.summariesOf(ids, false);
    expect(withCategories.topCategories).toHaveLength(1);
    expect(withoutCategories).toEqual({ ...withCategories, topCategories: [] });
  });

  it('costs the same number of statements for 10 customers as for 100', async () => {
    const count = async (first: number) =>
      (
        await pulse().countStatements(() =>
          pulse().query(PAGE_WITH_NESTED_DATA, { first, countries: [country] }),
        )
      ).statements;
    expect(await count(10)).toBe(await count(100));
  });
});
