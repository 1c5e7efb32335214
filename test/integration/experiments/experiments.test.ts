import { quoteIdentifier, sqlInstant } from '../../../src/db/dialect';
import { fromGlobalId } from '../../../src/graphql/global-id';
import { describeEachDialect } from '../support/dialects';
import { expectError } from '../support/expect-error';
import { createCustomers, unique } from '../support/factories';
import { countryIs, createSegment } from '../segments/segment-support';
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

const CONCLUDE = `mutation Conclude($id: ID!, $input: ConcludeExperimentInput) {
  concludeExperiment(id: $id, input: $input) {
    experiment {
      status startedAt stoppedAt concludedAt archivedAt version
      conclusion { decision variantKey notes concludedByKeyId }
    }
  }
}`;

interface Stamps {
  status: string;
  startedAt: string | null;
  stoppedAt: string | null;
  concludedAt: string | null;
  archivedAt: string | null;
  version: number;
}

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

  it('lets exactly one of several concurrent updates at the same version through', async () => {
    const created = await create();
    const responses = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        pulse().query(UPDATE, { id: created.id, version: 1, input: { name: `Concurrent ${i}` } }),
      ),
    );
    const succeeded = responses.filter((response) => !response.errors);
    expect(succeeded).toHaveLength(1);
    responses
      .filter((response) => response.errors)
      .forEach((response) => expectError(response, 'CONFLICT', 'version'));
    const read = await pulse().query<{ experiment: { version: number } }>(READ, {
      id: created.id,
    });
    expect(read.data!.experiment.version).toBe(2);
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
  it('archives from DRAFT and RUNNING, and concludes a STOPPED experiment before archiving it, stamping each move', async () => {
    const draft = await create();
    const archivedDraft = await pulse().query<{ archiveExperiment: { experiment: Stamps } }>(
      MOVE('archiveExperiment'),
      { id: draft.id },
    );
    expect(archivedDraft.data!.archiveExperiment.experiment).toMatchObject({
      status: 'ARCHIVED',
      startedAt: null,
      archivedAt: expect.any(String),
      version: 2,
    });

    const running = await create();
    await pulse().query(MOVE('startExperiment'), { id: running.id });
    const archivedRunning = await pulse().query<{ archiveExperiment: { experiment: Stamps } }>(
      MOVE('archiveExperiment'),
      { id: running.id },
    );
    expect(archivedRunning.data!.archiveExperiment.experiment).toMatchObject({
      status: 'ARCHIVED',
      startedAt: expect.any(String),
      stoppedAt: null,
    });

    const concluded = await create();
    await pulse().query(MOVE('startExperiment'), { id: concluded.id });
    await pulse().query(MOVE('stopExperiment'), { id: concluded.id });
    const response = await pulse().query<{
      concludeExperiment: { experiment: Stamps & { conclusion: Record<string, unknown> } };
    }>(CONCLUDE, { id: concluded.id, input: { variantKey: 'banner', notes: 'Roll out.' } });
    const experiment = response.data!.concludeExperiment.experiment;
    expect(experiment).toMatchObject({
      status: 'CONCLUDED',
      version: 4,
      archivedAt: null,
      conclusion: {
        variantKey: 'banner',
        notes: 'Roll out.',
        decision: expect.any(String),
        concludedByKeyId: expect.any(String),
      },
    });
    const stamps = [experiment.startedAt, experiment.stoppedAt, experiment.concludedAt];
    expect(stamps.map((stamp) => Date.parse(stamp!))).toEqual(
      [...stamps.map((stamp) => Date.parse(stamp!))].sort((a, b) => a - b),
    );
    const archived = await pulse().query<{ archiveExperiment: { experiment: Stamps } }>(
      MOVE('archiveExperiment'),
      { id: concluded.id },
    );
    expect(archived.data!.archiveExperiment.experiment).toMatchObject({
      status: 'ARCHIVED',
      concludedAt: experiment.concludedAt,
      archivedAt: expect.any(String),
      version: 5,
    });
  });

  it('filters by key text (LIKE wildcards taken literally) and by several statuses, paging with after', async () => {
    const prefix = unique('kc').toLowerCase().replace(/-/g, '_');
    const keys: string[] = [];
    for (let i = 0; i < 3; i++) {
      const key = `${prefix}_${i}`;
      await pulse().query(CREATE_EXPERIMENT, { input: purchaseExperiment(key) });
      keys.push(key);
    }
    const started = await pulse().query<Created>(CREATE_EXPERIMENT, {
      input: purchaseExperiment(`${prefix}_3`),
    });
    await pulse().query(MOVE('startExperiment'), {
      id: started.data!.createExperiment.experiment.id,
    });
    // "_" matches any character in LIKE; the filter must match it literally.
    await pulse().query(CREATE_EXPERIMENT, { input: purchaseExperiment(`${prefix}x3`) });

    type ListPage = {
      experiments: {
        totalCount: number;
        edges: Array<{ node: { key: string; status: string } }>;
        pageInfo: { hasNextPage: boolean; endCursor: string };
      };
    };
    const filter = { keyContains: `${prefix}_`, statuses: ['DRAFT', 'RUNNING'] };
    const first = (await pulse().query<ListPage>(LIST, { filter, first: 3 })).data!.experiments;
    expect(first.totalCount).toBe(4);
    expect(first.edges.map((edge) => edge.node.key)).toEqual([`${prefix}_3`, keys[2], keys[1]]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = (
      await pulse().query<ListPage>(LIST, { filter, first: 3, after: first.pageInfo.endCursor })
    ).data!.experiments;
    expect(second.edges.map((edge) => edge.node.key)).toEqual([keys[0]]);
    expect(second.pageInfo.hasNextPage).toBe(false);
    const running = (
      await pulse().query<ListPage>(LIST, {
        filter: { keyContains: prefix, statuses: ['RUNNING'] },
      })
    ).data!.experiments;
    expect(running.edges.map((edge) => [edge.node.key, edge.node.status])).toEqual([
      [`${prefix}_3`, 'RUNNING'],
    ]);
  });

  it('counts exposures per experiment and variant, with segment and KPI, for a whole page in the same number of statements as for one', async () => {
    const customers = await createCustomers(pulse(), 5);
    const segment = await createSegment(pulse(), { kind: 'RULE', definition: countryIs('GB') });
    const kpi = await pulse().query<{ createKpi: { kpi: { id: string } } }>(
      'mutation($input: CreateKpiInput!) { createKpi(input: $input) { kpi { id } } }',
      { input: { key: unique('kpi').toLowerCase().replace(/-/g, '_'), metric: 'REVENUE' } },
    );
    const prefix = unique('exposed').toLowerCase();
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const response = await pulse().query<Created>(CREATE_EXPERIMENT, {
        input: purchaseExperiment(`${prefix}-${i}`, {
          segmentId: segment.id,
          kpiId: kpi.data!.createKpi.kpi.id,
        }),
      });
      ids.push(response.data!.createExperiment.experiment.id);
    }
    // Experiment i: i + 1 customers, the first in control and the others in banner.
    const customerIds = customers.map((c) => fromGlobalId(c.id, 'Customer', 'id'));
    const db = pulse().app.db;
    for (const [i, id] of ids.entries()) {
      const experimentId = fromGlobalId(id, 'Experiment', 'id');
      for (const [j, customerId] of customerIds.slice(0, i + 1).entries()) {
        await db.query(
          `INSERT INTO experiment_exposures (experiment_id, customer_id, variant_id, first_exposed_at, mixed_variants)
           SELECT ?, ?, id, ?, 0 FROM experiment_variants WHERE experiment_id = ? AND ${quoteIdentifier(db, 'key')} = ?`,
          [
            experimentId,
            customerId,
            sqlInstant(db, new Date()),
            experimentId,
            j ? 'banner' : 'control',
          ],
        );
      }
    }
    const query = `query List($filter: ExperimentFilter, $first: Int) {
      experiments(filter: $filter, first: $first) {
        edges { node { key exposedCount segment { id } kpi { id } variants { key exposedCount } metrics { key } } }
      }
    }`;
    type Page = {
      experiments: {
        edges: Array<{
          node: {
            key: string;
            exposedCount: number;
            segment: { id: string };
            kpi: { id: string };
            variants: Array<{ key: string; exposedCount: number }>;
          };
        }>;
      };
    };
    const one = await pulse().countStatements(() =>
      pulse().query<Page>(query, { filter: { keyContains: prefix }, first: 1 }),
    );
    const page = await pulse().countStatements(() =>
      pulse().query<Page>(query, { filter: { keyContains: prefix }, first: 4 }),
    );
    expect(
      page.result.data!.experiments.edges.map(({ node }) => [
        node.key,
        node.exposedCount,
        node.variants.map((variant) => [variant.key, variant.exposedCount]),
        node.segment.id === segment.id && node.kpi.id === kpi.data!.createKpi.kpi.id,
      ]),
    ).toEqual(
      [3, 2, 1, 0].map((i) => [
        `${prefix}-${i}`,
        i + 1,
        [
          ['control', 1],
          ['banner', i],
        ],
        true,
      ]),
    );
    expect(page.statements).toBe(one.statements);
  });
});
