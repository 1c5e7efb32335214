// Experiment definitions shared by the experiment integration tests.

export const CREATE_EXPERIMENT = `mutation Create($input: CreateExperimentInput!) {
  createExperiment(input: $input) { experiment { id key status version trafficShare } }
}`;

export const MOVE = (mutation: 'startExperiment' | 'stopExperiment' | 'archiveExperiment') =>
  `mutation Move($id: ID!) { ${mutation}(id: $id) { experiment { id status startedAt stoppedAt concludedAt archivedAt version } } }`;

/** A two-variant experiment on purchases (goal) and refunds (inverse guardrail). */
export function purchaseExperiment(key: string, overrides: Record<string, unknown> = {}) {
  return {
    key,
    name: `Experiment ${key}`,
    hypothesis: 'A discount banner makes more customers buy.',
    owner: 'growth-team',
    trafficShare: 1,
    variants: [
      { key: 'control', isControl: true, weight: 1 },
      { key: 'banner', weight: 1, costPerCustomer: 0.5 },
    ],
    metrics: [
      {
        key: 'purchase',
        role: 'GOAL',
        kind: 'PROPORTION',
        numerator: { source: 'ORDERS', aggregate: 'COUNT' },
        windowDays: 14,
      },
      {
        key: 'revenue',
        role: 'SECONDARY',
        kind: 'MEAN',
        numerator: { source: 'ORDERS', aggregate: 'SUM' },
        windowDays: 14,
        cuped: true,
      },
      {
        key: 'refunds',
        role: 'GUARDRAIL',
        kind: 'PROPORTION',
        numerator: { source: 'ORDERS', aggregate: 'COUNT', statuses: ['REFUNDED'] },
        windowDays: 14,
        inverse: true,
      },
    ],
    ...overrides,
  };
}
