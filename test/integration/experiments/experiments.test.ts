import { fromGlobalId } from '../../../src/graphql/global-id';
import { describeEachDialect } from '../support/dialects';
import { expectError } from '../support/expect-error';
import { unique } from '../support/factories';
import { collect, wsClient } from '../support/ws';
import { CREATE_EXPERIMENT, MOVE, purchaseExperiment } from './experiment-fixtures';

const READ = `query Read($id: ID!) {
  experiment(id: $id) {
    id key name hypothesis owner status trafficShare looks version startedAt stoppedAt
    segment { id } kpi { id }
    variants { key name weight isControl costPerCustomer exposedCount }
    metrics { key role kind windowDays inverse cuped numerator { source aggregate types channel statuses } denominator { source aggregate } }
    exposedCount
  }
}`;
const UPDATE = `mutation Update($id: ID!, $version: Int!, $input: UpdateExperimentInput!) {
  updateExperiment(id: $id, version: $version, input: $input) { experiment { id name trafficShare version status } }
}`;
const LIST = `query List($filter: ExperimentFilter, $first: Int, $after: String) {
  experiments(filter: $filter, first: $first, after: $after) {
    totalCount edges { node { key status variants { key exposedCount } metrics { key } exposedCount } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const UPDATED = `subscription Updated($ids: [ID!]) {
  experimentUpdated(experimentIds: $ids) { kind status message experiment { id key } }
}`;

interface Created {
  createExperiment: { experiment: { id: string; key: string; status: string; version: number } };
}

describeEachDialect('experiments: definition and lifecycle', (pulse) => {
  async function create(overrides: Record<string, unknown> = {}) {
    const key = unique('exp').toLowerCase();
    const response = await pulse().query<Created>(CREATE_EXPERIMENT, {
      input: purchaseExperiment(key, overrides),
    });
    if (!response.data) {
      throw new Error(JSON.stringify(response.errors));
    }

    return response.data.createExperiment.experiment;
  }

  it('creates a DRAFT experiment and reads every field back', async () => {
    const created = await create();
    const response = await pulse().query<{ experiment: Record<string, unknown> }>(READ, {
      id: created.id,
    });
    expect(response.data!.experiment).toMatchObject({
      key: created.key,
      status: 'DRAFT',
      hypothesis: 'A discount banner makes more customers buy.',
      owner: 'growth-team',
      trafficShare: 1,
      looks: 0,
      version: 1,
      segment: null,
      kpi: null,
      exposedCount: 0,
      variants: [
        {
          key: 'control',
          name: 'control',
          weight: 1,
          isControl: true,
          costPerCustomer: null,
          exposedCount: 0,
        },
        {
          key: 'banner',
          name: 'banner',
          weight: 1,
          isControl: false,
          costPerCustomer: 0.5,
          exposedCount: 0,
        },
      ],
      metrics: [
        {
          key: 'purchase',
          role: 'GOAL',
          kind: 'PROPORTION',
          windowDays: 14,
          inverse: false,
          cuped: false,
          denominator: null,
        },
        { key: 'revenue', role: 'SECONDARY', kind: 'MEAN', cuped: true },
        {
          key: 'refunds',
          role: 'GUARDRAIL',
          inverse: true,
          numerator: {
            source: 'ORDERS',
            aggregate: 'COUNT',
            statuses: ['REFUNDED'],
            types: null,
            channel: null,
          },
        },
      ],
    });
    const node = await pulse().query<{ node: { key: string } }>(
      'query($id: ID!) { node(id: $id) { ... on Experiment { key } } }',
      { id: created.id },
    );
    expect(node.data!.node.key).toBe(created.key);
  });

  it('moves through DRAFT → RUNNING → STOPPED → ARCHIVED with timestamps and refuses other moves', async () => {
    const created = await create();
    const started = await pulse().query<{
      startExperiment: { experiment: Record<string, unknown> };
    }>(MOVE('startExperiment'), { id: created.id });
    expect(started.data!.startExperiment.experiment).toMatchObject({
      status: 'RUNNING',
      stoppedAt: null,
    });
    expect(started.data!.startExperiment.experiment.startedAt).toEqual(expect.any(String));
    expectError(
      await pulse().query(MOVE('startExperiment'), { id: created.id }),
      'BAD_USER_INPUT',
      'status',
    );
    const stopped = await pulse().query<{
      stopExperiment: { experiment: Record<string, unknown> };
    }>(MOVE('stopExperiment'), { id: created.id });
    expect(stopped.data!.stopExperiment.experiment.status).toBe('STOPPED');
    const archived = await pulse().query<{
      archiveExperiment: { experiment: Record<string, unknown> };
    }>(MOVE('archiveExperiment'), { id: created.id });
    expect(archived.data!.archiveExperiment.experiment).toMatchObject({
      status: 'ARCHIVED',
      version: 4,
    });
    expectError(
      await pulse().query(MOVE('stopExperiment'), { id: created.id }),
      'BAD_USER_INPUT',
      'status',
    );
  });

  it('refuses to change variants or metrics of a RUNNING experiment, or to shrink its traffic', async () => {
    const created = await create({ trafficShare: 0.5 });
    await pulse().query(MOVE('startExperiment'), { id: created.id });
    const variants = [
      { key: 'control', isControl: true, weight: 1 },
      { key: 'banner', weight: 3 },
    ];
    expectError(
      await pulse().query(UPDATE, { id: created.id, version: 2, input: { variants } }),
      'BAD_USER_INPUT',
      'input.variants',
    );
    expectError(
      await pulse().query(UPDATE, { id: created.id, version: 2, input: { trafficShare: 0.4 } }),
      'BAD_USER_INPUT',
      'input.trafficShare',
    );
    const grown = await pulse().query<{
      updateExperiment: { experiment: Record<string, unknown> };
    }>(UPDATE, {
      id: created.id,
      version: 2,
      input: { trafficShare: 0.8, name: 'Renamed' },
    });
    expect(grown.data!.updateExperiment.experiment).toMatchObject({
      trafficShare: 0.8,
      name: 'Renamed',
      version: 3,
    });
    expectError(
      await pulse().query(UPDATE, { id: created.id, version: 2, input: { name: 'Stale' } }),
      'CONFLICT',
      'version',
    );
  });

  it('replaces the variants of a DRAFT experiment', async () => {
    const created = await create();
    const variants = [
      { key: 'a', isControl: true },
      { key: 'b', weight: 2 },
      { key: 'c', weight: 2 },
    ];
    await pulse().query(UPDATE, { id: created.id, version: 1, input: { variants } });
    const response = await pulse().query<{
      experiment: { variants: Array<{ key: string; weight: number }> };
    }>(READ, { id: created.id });
    expect(response.data!.experiment.variants.map((v) => [v.key, v.weight])).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 2],
    ]);
  });

  it.each([
    ['one variant', { variants: [{ key: 'only', isControl: true }] }, 'input.variants'],
    [
      'two controls',
      {
        variants: [
          { key: 'a', isControl: true },
          { key: 'b', isControl: true },
        ],
      },
      'input.variants',
    ],
    [
      'a zero weight',
      {
        variants: [
          { key: 'a', isControl: true },
          { key: 'b', weight: 0 },
        ],
      },
      'input.variants[1].weight',
    ],
    [
      'a duplicate variant key',
      { variants: [{ key: 'a', isControl: true }, { key: 'a' }] },
      'input.variants[1].key',
    ],
    ['a bad key', { key: 'Bad Key' }, 'input.key'],
    ['traffic above 1', { trafficShare: 1.5 }, 'input.trafficShare'],
    [
      'no goal metric',
      {
        metrics: [
          {
            key: 'm',
            role: 'GUARDRAIL',
            kind: 'MEAN',
            numerator: { source: 'ORDERS', aggregate: 'COUNT' },
          },
        ],
      },
      'input.metrics',
    ],
    [
      'a ratio without denominator',
      {
        metrics: [
          {
            key: 'm',
            role: 'GOAL',
            kind: 'RATIO',
            numerator: { source: 'ORDERS', aggregate: 'SUM' },
          },
        ],
      },
      'input.metrics[0].denominator',
    ],
    [
      'CUPED on a ratio',
      {
        metrics: [
          {
            key: 'm',
            role: 'GOAL',
            kind: 'RATIO',
            cuped: true,
            numerator: { source: 'ORDERS', aggregate: 'SUM' },
            denominator: { source: 'ORDERS', aggregate: 'COUNT' },
          },
        ],
      },
      'input.metrics[0].cuped',
    ],
    [
      'a window of 0 days',
      {
        metrics: [
          {
            key: 'm',
            role: 'GOAL',
            kind: 'MEAN',
            windowDays: 0,
            numerator: { source: 'ORDERS', aggregate: 'COUNT' },
          },
        ],
      },
      'input.metrics[0].windowDays',
    ],
    [
      'types on orders',
      {
        metrics: [
          {
            key: 'm',
            role: 'GOAL',
            kind: 'MEAN',
            numerator: { source: 'ORDERS', aggregate: 'COUNT', types: ['x'] },
          },
        ],
      },
      'input.metrics[0].numerator.types',
    ],
  ])(
    'refuses %s with BAD_USER_INPUT naming the field, writing nothing',
    async (_label, overrides: Record<string, unknown>, field) => {
      const key = unique('bad').toLowerCase();
      // The key override (a bad key) wins over the generated one.
      const response = await pulse().query(CREATE_EXPERIMENT, {
        input: purchaseExperiment(key, overrides),
      });
      expectError(response, 'BAD_USER_INPUT', field);
      const [row] = await pulse().app.db.query(
        'SELECT COUNT(*) AS n FROM experiments WHERE name = ?',
        [`Experiment ${key}`],
      );
      expect(Number(row.n)).toBe(0);
    },
  );

  it('refuses a taken key with CONFLICT and an unknown segment with NOT_FOUND', async () => {
    const created = await create();
    expectError(
      await pulse().query(CREATE_EXPERIMENT, { input: purchaseExperiment(created.key) }),
      'CONFLICT',
      'input.key',
    );
    const segmentId = Buffer.from('Segment:999999').toString('base64url');
    expectError(
      await pulse().query(CREATE_EXPERIMENT, {
        input: purchaseExperiment(unique('exp').toLowerCase(), { segmentId }),
      }),
      'NOT_FOUND',
      'input.segmentId',
    );
  });

  it('lists experiments newest first by status, with nested variants in a bounded number of statements', async () => {
    const keys: string[] = [];
    for (let i = 0; i < 4; i++) {
      keys.push((await create()).key);
    }
    const { result, statements } = await pulse().countStatements(() =>
      pulse().query<{
        experiments: {
          edges: Array<{ node: { key: string } }>;
          pageInfo: { hasNextPage: boolean };
        };
      }>(LIST, { filter: { statuses: ['DRAFT'] }, first: 3 }),
    );
    const page = result.data!.experiments;
    expect(page.edges.map((edge) => edge.node.key)).toEqual([keys[3], keys[2], keys[1]]);
    expect(page.pageInfo.hasNextPage).toBe(true);
    // key check, audit, count, page, variants, metrics, exposure counts: one each, not one per row.
    expect(statements).toBeLessThanOrEqual(8);
  });

  it('announces status changes to experimentUpdated subscribers of that experiment only', async () => {
    const watched = await create();
    const other = await create();
    const client = wsClient(pulse(), pulse().keys.ANALYST);
    const { ready, results } = collect<{ data: { experimentUpdated: Record<string, unknown> } }>(
      client,
      UPDATED,
      { ids: [watched.id] },
      2,
    );
    await ready;
    await pulse().query(MOVE('startExperiment'), { id: other.id });
    await pulse().query(MOVE('startExperiment'), { id: watched.id });
    await pulse().query(MOVE('stopExperiment'), { id: watched.id });
    const events = (await results).map((event) => event.data.experimentUpdated);
    await client.dispose();
    expect(events).toEqual([
      expect.objectContaining({
        kind: 'STATUS_CHANGED',
        status: 'RUNNING',
        experiment: { id: watched.id, key: watched.key },
      }),
      expect.objectContaining({ kind: 'STATUS_CHANGED', status: 'STOPPED' }),
    ]);
    expect(fromGlobalId(watched.id, 'Experiment', 'id')).toBeGreaterThan(0);
  });
});
