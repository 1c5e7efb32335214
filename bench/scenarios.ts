import { toGlobalId } from '../src/graphql/global-id';
import type { LoadFixtures } from './load-fixtures';

/** One benchmarked operation. */
export interface Scenario {
  name: string;
  /** URL-safe name: the plain endpoint serves the scenario's statements at /<slug>. */
  slug: string;
  /** Lists with nested relations, where DataLoader batching is what keeps the SQL constant. */
  nested: boolean;
  /** The GraphQL request for one customer of the fixture's sample. */
  request: (customerId: number) => { query: string; variables: Record<string, unknown> };
  /** Whether `data` holds what was asked for: an empty or partial answer is not throughput. */
  isComplete: (data: unknown) => boolean;
}

/** What one load run sends: every request picks a scenario (one, or one of a weighted mix). */
export interface Workload {
  name: string;
  /** The scenario's slug, or "mixed". */
  slug: string;
  /** A nested scenario alone: the one kind of load where batching is the point. */
  nested: boolean;
  /** The scenario of the n-th request. */
  pick: (n: number) => Scenario;
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

const KPI_BOARD = `query KpiBoard {
  kpiBoard(sparklineSize: 12) {
    kpi { id key name } current { periodStart value status } previous { value }
    absoluteChange relativeChange status sparkline
  }
}`;

// As test/integration/performance/segment-members.test.ts, with a page of 50.
const SEGMENT_MEMBERS = `query SegmentMembers($id: ID!) {
  segment(id: $id) {
    id name size
    members(first: 50) { edges { node { id name country
      consents { channel status }
      summary { totalSpent orderCount lastInteractionAt }
      interactions(first: 3) { edges { node { id type } } }
      segments { id name } } } }
  }
}`;

// As the ExperimentResults example of schema/examples.graphql.
const EXPERIMENT_RESULT = `query ExperimentResult($id: ID!) {
  experiment(id: $id) {
    key status exposedCount
    results {
      looks
      decision { decision variantKey reasons }
      health { sampleRatio { observed expected pValue flagged } warnings }
      metrics { metricKey role
        variants { variantKey n mean }
        comparisons { variantKey verdict relativeLift { estimate interval { lower upper } }
                      frequentist { pValue } sequential { pValue } bayesian { chanceToBeBetter } } }
      campaignReturns { variantKey incrementalRevenue returnOnInvestment }
    }
  }
}`;

const SEARCH = `query Search($text: String!) {
  customers(first: 20, filter: { text: $text, countries: ["GB", "DE", "FR"], hasOrdered: true },
            orderBy: { field: NAME, direction: ASC }) {
    edges { node { id name email country } }
  }
}`;

// First names of the demo data: every search finds customers, so each one also writes the audit
// entry of a personal data read, and the statements captured for the plain endpoint do too.
const NAMES = ['anna', 'ben', 'clara', 'daniel', 'emma', 'finn', 'grace', 'hugo'];

/** The value at `path` in a response's data; undefined where the path breaks off. */
function at(data: unknown, ...path: string[]): unknown {
  return path.reduce<unknown>(
    (value, key) => (value as Record<string, unknown> | null | undefined)?.[key],
    data,
  );
}

function lengthAt(data: unknown, ...path: string[]): number {
  const list = at(data, ...path);

  return Array.isArray(list) ? list.length : 0;
}

/** The scenarios of the load table; the segment and experiment come from the fixtures. */
export function loadScenarios(fixtures: Pick<LoadFixtures, 'segmentId' | 'experimentId'>) {
  const customer360: Scenario = {
    name: 'customer 360',
    slug: 'customer-360',
    nested: false,
    request: (id) => ({ query: CUSTOMER_360, variables: { id: toGlobalId('Customer', id) } }),
    isComplete: (data) => Boolean(at(data, 'customer', 'id')),
  };
  const customersPage: Scenario = {
    name: 'customers page of 50 with nested',
    slug: 'customers-page',
    nested: true,
    request: () => ({ query: PAGE_OF_50, variables: {} }),
    isComplete: (data) => lengthAt(data, 'customers', 'edges') === 50,
  };
  const kpiBoard: Scenario = {
    name: 'KPI board',
    slug: 'kpi-board',
    nested: false,
    request: () => ({ query: KPI_BOARD, variables: {} }),
    isComplete: (data) => lengthAt(data, 'kpiBoard') > 0,
  };
  const segmentMembers: Scenario = {
    name: 'segment members, 50 with nested',
    slug: 'segment-members',
    nested: true,
    request: () => ({ query: SEGMENT_MEMBERS, variables: { id: fixtures.segmentId } }),
    isComplete: (data) => lengthAt(data, 'segment', 'members', 'edges') === 50,
  };
  const experimentResult: Scenario = {
    name: 'experiment result',
    slug: 'experiment-result',
    nested: false,
    request: () => ({ query: EXPERIMENT_RESULT, variables: { id: fixtures.experimentId } }),
    isComplete: (data) => lengthAt(data, 'experiment', 'results', 'metrics') === 3,
  };
  // Not in the mix: a free-text scan of the customers table (README, Benchmarks).
  const filteredSearch: Scenario = {
    name: 'filtered search',
    slug: 'filtered-search',
    nested: false,
    request: (id) => ({ query: SEARCH, variables: { text: NAMES[id % NAMES.length] } }),
    // Any number of matches is an answer; a failed search has errors and no list.
    isComplete: (data) => Array.isArray(at(data, 'customers', 'edges')),
  };

  return {
    customer360,
    customersPage,
    kpiBoard,
    segmentMembers,
    experimentResult,
    filteredSearch,
  };
}

/**
 * Each scenario alone, then a mix in the proportions of a CRM front end: mostly single customer
 * views, some lists, the dashboard now and then, and an occasional experiment read.
 */
export function loadWorkloads(scenarios: ReturnType<typeof loadScenarios>): Workload[] {
  const alone = Object.values(scenarios).map((scenario) => ({
    name: scenario.name,
    slug: scenario.slug,
    nested: scenario.nested,
    pick: () => scenario,
  }));
  const mix: Array<[Scenario, number]> = [
    [scenarios.customer360, 10],
    [scenarios.customersPage, 4],
    [scenarios.segmentMembers, 3],
    [scenarios.kpiBoard, 2],
    [scenarios.experimentResult, 1],
  ];
  const wheel = mix.flatMap(([scenario, weight]) => Array<Scenario>(weight).fill(scenario));

  return [
    ...alone,
    {
      name: `mixed (${mix.map(([scenario, weight]) => `${weight} ${scenario.slug}`).join(', ')})`,
      slug: 'mixed',
      nested: false,
      pick: (n) => wheel[n % wheel.length],
    },
  ];
}
