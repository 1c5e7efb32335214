import { toGlobalId } from '../src/graphql/global-id';

/** One benchmarked operation: a name and the request body for a given customer row id. */
export interface Scenario {
  name: string;
  request: (customerId: number) => { query: string; variables: Record<string, unknown> };
}

const CUSTOMER_360 = `query Customer360($id: ID!) {
  customer(id: $id) {
    id externalId name email country signedUpAt
    consents { channel status }
    summary { totalSpent orderCount averageOrderValue lastInteractionAt
              interactionsByChannel { channel count } topCategories { category spent } }
    interactions(first: 10) { edges { node { id channel type occurredAt value } } }
    orders(first: 5) { edges { node { id orderedAt amount status lines { productName quantity unitPrice } } } }
  }
}`;

const PAGE_OF_50 = `query CustomersPage($after: String) {
  customers(first: 50, after: $after) {
    edges { node { id name email
      interactions(first: 5) { edges { node { id type occurredAt } } }
      orders(first: 3) { edges { node { id amount status } } } } }
    pageInfo { endCursor hasNextPage }
  }
}`;

const SEARCH = `query Search($text: String!) {
  customers(first: 20, filter: { text: $text, countries: ["GB", "DE", "FR"], hasOrdered: true },
            orderBy: { field: NAME, direction: ASC }) {
    edges { node { id name email country } }
  }
}`;

const NAMES = ['anna', 'ben', 'clara', 'david', 'emma', 'felix', 'grace', 'hugo'];

export const SCENARIOS: Scenario[] = [
  {
    name: 'customer 360',
    request: (id) => ({ query: CUSTOMER_360, variables: { id: toGlobalId('Customer', id) } }),
  },
  { name: 'page of 50 with nested', request: () => ({ query: PAGE_OF_50, variables: {} }) },
  {
    name: 'filtered search',
    request: (id) => ({ query: SEARCH, variables: { text: NAMES[id % NAMES.length] } }),
  },
];
