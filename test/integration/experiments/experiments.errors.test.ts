import { Role } from '../../../src/auth/principal';
import { describeEachDialect } from '../support/dialects';
import { expectError } from '../support/expect-error';
import { createCustomers, unique } from '../support/factories';
import { CREATE_EXPERIMENT, MOVE, purchaseExperiment } from './experiment-fixtures';

const UPDATE = `mutation Update($id: ID!, $version: Int!, $input: UpdateExperimentInput!) {
  updateExperiment(id: $id, version: $version, input: $input) { experiment { version } }
}`;
const CONCLUDE = `mutation Conclude($id: ID!, $input: ConcludeExperimentInput) {
  concludeExperiment(id: $id, input: $input) { experiment { status } }
}`;
const STATE = `query State($id: ID!) {
  experiment(id: $id) {
    name status version trafficShare startedAt stoppedAt concludedAt archivedAt conclusion { notes }
    segment { id } variants { key weight } metrics { key }
  }
}`;

const PLAN = `query Plan($input: PlanExperimentInput!) {
  planExperiment(input: $input) { nPerVariant nTotal dailyEntrants expectedDays }
}`;
/** planExperiment with its input written into the query, for values JSON cannot carry (1e400). */
const planLiteral = (fields: string) =>
  `{ planExperiment(input: { ${fields} }) { nPerVariant nTotal dailyEntrants expectedDays } }`;
const conversionPlan = { kind: 'PROPORTION', baselineRate: 0.2, mde: 0.1 };
const meanPlan = { kind: 'MEAN', sd: 10, mde: 0.05, baselineMean: 40 };

const ratio = (overrides: Record<string, unknown> = {}) => ({
  key: 'aov',
  role: 'GOAL',
  kind: 'RATIO',
  numerator: { source: 'ORDERS', aggregate: 'SUM' },
  denominator: { source: 'ORDERS', aggregate: 'COUNT' },
  ...overrides,
});
const mean = (numerator: Record<string, unknown>, overrides: Record<string, unknown> = {}) => ({
  key: 'm',
  role: 'GOAL',
  kind: 'MEAN',
  numerator,
  ...overrides,
});
const twoVariants = (second: Record<string, unknown>) => ({
  variants: [
    { key: 'a', isControl: true },
    { key: 'b', ...second },
  ],
});

describeEachDialect('experiment errors', (pulse) => {
  async function create(overrides: Record<string, unknown> = {}) {
    const response = await pulse().query<{
      createExperiment: { experiment: { id: string; key: string } };
    }>(CREATE_EXPERIMENT, { input: purchaseExperiment(unique('err').toLowerCase(), overrides) });
    if (!response.data) {
      throw new Error(JSON.stringify(response.errors));
    }

    return response.data.createExperiment.experiment;
  }

  async function state(id: string) {
    return (await pulse().query<{ experiment: Record<string, unknown> }>(STATE, { id })).data!
      .experiment;
  }

  async function rowCounts() {
    const counts: number[] = [];
    for (const table of ['experiments', 'experiment_variants', 'experiment_metrics']) {
      const [row] = await pulse().app.db.query(`SELECT COUNT(*) AS n FROM ${table}`);
      counts.push(Number(row.n));
    }

    return counts;
  }

  async function move(mutation: Parameters<typeof MOVE>[0], id: string) {
    const response = await pulse().query(MOVE(mutation), { id });
    expect(response.errors).toBeUndefined();
  }

  it.each<[string, Record<string, unknown>, string]>([
    ['a key with capitals', { key: 'Bad Key' }, 'input.key'],
    ['an empty name', { name: '' }, 'input.name'],
    ['a name of 101 characters', { name: 'n'.repeat(101) }, 'input.name'],
    ['a traffic share of 0', { trafficShare: 0 }, 'input.trafficShare'],
    ['a traffic share above 1', { trafficShare: 1.5 }, 'input.trafficShare'],
    ['one variant', { variants: [{ key: 'only', isControl: true }] }, 'input.variants'],
    ['no control', { variants: [{ key: 'a' }, { key: 'b' }] }, 'input.variants'],
    ['two controls', twoVariants({ isControl: true }), 'input.variants'],
    ['a zero weight', twoVariants({ weight: 0 }), 'input.variants[1].weight'],
    ['a negative weight', twoVariants({ weight: -2 }), 'input.variants[1].weight'],
    ['a duplicate variant key', twoVariants({ key: 'a' }), 'input.variants[1].key'],
    ['a variant key with a space', twoVariants({ key: 'b b' }), 'input.variants[1].key'],
    ['a negative cost', twoVariants({ costPerCustomer: -1 }), 'input.variants[1].costPerCustomer'],
    [
      'a cost above the largest order amount',
      twoVariants({ costPerCustomer: 1e10 }),
      'input.variants[1].costPerCustomer',
    ],
    [
      'weights adding up to more than a number holds',
      {
        variants: [
          { key: 'a', isControl: true, weight: 1e308 },
          { key: 'b', weight: 1e308 },
        ],
      },
      'input.variants',
    ],
    ['no metric', { metrics: [] }, 'input.metrics'],
    [
      'no goal metric',
      { metrics: [mean({ source: 'ORDERS', aggregate: 'COUNT' }, { role: 'GUARDRAIL' })] },
      'input.metrics',
    ],
    [
      'a duplicate metric key',
      { metrics: [ratio(), ratio({ role: 'SECONDARY' })] },
      'input.metrics[1].key',
    ],
    [
      'a window of 0 days',
      { metrics: [mean({ source: 'ORDERS', aggregate: 'COUNT' }, { windowDays: 0 })] },
      'input.metrics[0].windowDays',
    ],
    [
      'a window of 366 days',
      { metrics: [mean({ source: 'ORDERS', aggregate: 'COUNT' }, { windowDays: 366 })] },
      'input.metrics[0].windowDays',
    ],
    [
      'a ratio without denominator',
      { metrics: [ratio({ denominator: null })] },
      'input.metrics[0].denominator',
    ],
    [
      'a mean with a denominator',
      { metrics: [ratio({ kind: 'MEAN' })] },
      'input.metrics[0].denominator',
    ],
    ['CUPED on a ratio', { metrics: [ratio({ cuped: true })] }, 'input.metrics[0].cuped'],
    [
      'types on orders',
      { metrics: [mean({ source: 'ORDERS', aggregate: 'COUNT', types: ['x'] })] },
      'input.metrics[0].numerator.types',
    ],
    [
      'a channel on orders',
      { metrics: [mean({ source: 'ORDERS', aggregate: 'COUNT', channel: 'WEB' })] },
      'input.metrics[0].numerator.channel',
    ],
    [
      'statuses on interactions',
      { metrics: [mean({ source: 'INTERACTIONS', aggregate: 'COUNT', statuses: ['PAID'] })] },
      'input.metrics[0].numerator.statuses',
    ],
    [
      'an empty type list',
      { metrics: [mean({ source: 'INTERACTIONS', aggregate: 'COUNT', types: [] })] },
      'input.metrics[0].numerator.types',
    ],
    [
      'a bad denominator',
      {
        metrics: [
          ratio({ denominator: { source: 'INTERACTIONS', aggregate: 'COUNT', statuses: ['X'] } }),
        ],
      },
      'input.metrics[0].denominator.statuses',
    ],
    [
      'a segment id of another type',
      { segmentId: Buffer.from('Kpi:1').toString('base64url') },
      'input.segmentId',
    ],
  ])(
    'refuses to create with %s: BAD_USER_INPUT on the field, nothing written',
    async (_label, overrides, field) => {
      const before = await rowCounts();
      const response = await pulse().query(CREATE_EXPERIMENT, {
        input: purchaseExperiment(unique('bad').toLowerCase(), overrides),
      });
      expectError(response, 'BAD_USER_INPUT', field);
      expect(await rowCounts()).toEqual(before);
    },
  );

  it('refuses an infinite cost (1e400 once parsed) with BAD_USER_INPUT, not an internal error', async () => {
    const before = await rowCounts();
    const key = unique('inf').toLowerCase();
    const response = await pulse().query(`mutation {
      createExperiment(input: {
        key: "${key}", name: "Infinite cost", owner: "growth-team",
        variants: [{ key: "a", isControl: true }, { key: "b", costPerCustomer: 1e400 }],
        metrics: [{ key: "purchase", role: GOAL, kind: PROPORTION,
                    numerator: { source: ORDERS, aggregate: COUNT } }]
      }) { experiment { id } }
    }`);
    expectError(response, 'BAD_USER_INPUT', 'input.variants[1].costPerCustomer');
    expect(await rowCounts()).toEqual(before);
  });

  it('refuses a taken key with CONFLICT and unknown segment or KPI with NOT_FOUND, writing nothing', async () => {
    const taken = await create();
    const before = await rowCounts();
    expectError(
      await pulse().query(CREATE_EXPERIMENT, { input: purchaseExperiment(taken.key) }),
      'CONFLICT',
      'input.key',
    );
    for (const [field, type] of [
      ['segmentId', 'Segment'],
      ['kpiId', 'Kpi'],
    ]) {
      const id = Buffer.from(`${type}:999999`).toString('base64url');
      expectError(
        await pulse().query(CREATE_EXPERIMENT, {
          input: purchaseExperiment(unique('exp').toLowerCase(), { [field]: id }),
        }),
        'NOT_FOUND',
        `input.${field}`,
      );
    }
    expect(await rowCounts()).toEqual(before);
  });

  it('refuses writes from PARTNER with FORBIDDEN and reads without a key with UNAUTHENTICATED', async () => {
    const created = await create();
    expectError(
      await pulse().query(
        CREATE_EXPERIMENT,
        { input: purchaseExperiment(unique('exp').toLowerCase()) },
        { role: Role.PARTNER },
      ),
      'FORBIDDEN',
    );
    expectError(
      await pulse().query(MOVE('startExperiment'), { id: created.id }, { role: Role.PARTNER }),
      'FORBIDDEN',
    );
    expectError(await pulse().query(STATE, { id: created.id }, { key: null }), 'UNAUTHENTICATED');
    expect(await state(created.id)).toMatchObject({ status: 'DRAFT', version: 1 });
  });

  it('refuses an update at a stale version with CONFLICT on version, changing nothing', async () => {
    const created = await create();
    await pulse().query(UPDATE, { id: created.id, version: 1, input: { name: 'First' } });
    const response = await pulse().query(UPDATE, {
      id: created.id,
      version: 1,
      input: { name: 'Second' },
    });
    expectError(response, 'CONFLICT', 'version');
    expect(response.errors![0].extensions).toMatchObject({ currentVersion: 2 });
    expect(await state(created.id)).toMatchObject({ name: 'First', version: 2 });
  });

  it('refuses an invalid DRAFT update with BAD_USER_INPUT, keeping the old design', async () => {
    const created = await create();
    expectError(
      await pulse().query(UPDATE, {
        id: created.id,
        version: 1,
        input: { name: 'Renamed', ...twoVariants({ isControl: true }) },
      }),
      'BAD_USER_INPUT',
      'input.variants',
    );
    expect(await state(created.id)).toMatchObject({
      name: `Experiment ${created.key}`,
      version: 1,
      variants: [
        { key: 'control', weight: 1 },
        { key: 'banner', weight: 1 },
      ],
    });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['its variants', twoVariants({ weight: 3 }), 'input.variants'],
    ['its metrics', { metrics: [mean({ source: 'ORDERS', aggregate: 'COUNT' })] }, 'input.metrics'],
    [
      'its targeting segment',
      { segmentId: Buffer.from('Segment:1').toString('base64url') },
      'input.segmentId',
    ],
    ['a smaller traffic share', { trafficShare: 0.4 }, 'input.trafficShare'],
  ])(
    'refuses to change %s while RUNNING with BAD_USER_INPUT, changing nothing',
    async (_label, input, field) => {
      const created = await create({ trafficShare: 0.5 });
      await move('startExperiment', created.id);
      const before = await state(created.id);
      expectError(
        await pulse().query(UPDATE, { id: created.id, version: 2, input }),
        'BAD_USER_INPUT',
        field,
      );
      expect(await state(created.id)).toEqual(before);
    },
  );

  it('refuses everything but name, hypothesis and owner once STOPPED', async () => {
    const created = await create({ trafficShare: 0.5 });
    await move('startExperiment', created.id);
    await move('stopExperiment', created.id);
    for (const [input, field] of [
      [{ trafficShare: 0.9 }, 'input.trafficShare'],
      [{ kpiId: Buffer.from('Kpi:1').toString('base64url') }, 'input.kpiId'],
    ] as const) {
      expectError(
        await pulse().query(UPDATE, { id: created.id, version: 3, input }),
        'BAD_USER_INPUT',
        field,
      );
    }
    const renamed = await pulse().query<{ updateExperiment: { experiment: { version: number } } }>(
      UPDATE,
      { id: created.id, version: 3, input: { name: 'After the fact', owner: 'data-team' } },
    );
    expect(renamed.data!.updateExperiment.experiment.version).toBe(4);
    expect(await state(created.id)).toMatchObject({ trafficShare: 0.5, name: 'After the fact' });
  });

  it('refuses every move the lifecycle does not allow with BAD_USER_INPUT on status', async () => {
    const created = await create();
    const refused = async (mutation: string, variables: Record<string, unknown>) => {
      const before = await state(created.id);
      const response = await pulse().query(mutation, { id: created.id, ...variables });
      expectError(response, 'BAD_USER_INPUT', 'status');
      expect(await state(created.id)).toEqual(before);
    };
    // DRAFT
    await refused(MOVE('stopExperiment'), {});
    await refused(CONCLUDE, {});
    await move('startExperiment', created.id);
    // RUNNING
    await refused(MOVE('startExperiment'), {});
    await refused(CONCLUDE, { input: { notes: 'too early' } });
    await move('stopExperiment', created.id);
    // STOPPED
    await refused(MOVE('startExperiment'), {});
    await refused(MOVE('stopExperiment'), {});
    await move('archiveExperiment', created.id);
    // ARCHIVED
    await refused(MOVE('archiveExperiment'), {});
    await refused(MOVE('startExperiment'), {});
    await refused(CONCLUDE, {});
    expect(await state(created.id)).toMatchObject({ status: 'ARCHIVED', concludedAt: null });
  });

  it('refuses to conclude with a variant the experiment does not have, staying STOPPED', async () => {
    const created = await create();
    await move('startExperiment', created.id);
    await move('stopExperiment', created.id);
    expectError(
      await pulse().query(CONCLUDE, { id: created.id, input: { variantKey: 'nope' } }),
      'BAD_USER_INPUT',
      'input.variantKey',
    );
    expect(await state(created.id)).toMatchObject({ status: 'STOPPED', conclusion: null });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a traffic share above 1', { ...conversionPlan, trafficShare: 1.5 }, 'input.trafficShare'],
    ['a traffic share of 0', { ...conversionPlan, trafficShare: 0 }, 'input.trafficShare'],
    ['a negative traffic share', { ...conversionPlan, trafficShare: -0.5 }, 'input.trafficShare'],
    ['an alpha above 0.5', { ...conversionPlan, alpha: 0.6 }, 'input.alpha'],
    ['an alpha of 0', { ...conversionPlan, alpha: 0 }, 'input.alpha'],
    ['a power below 0.5', { ...conversionPlan, power: 0.1 }, 'input.power'],
    ['a power of 1', { ...conversionPlan, power: 1 }, 'input.power'],
    ['a baseline rate of 1', { ...conversionPlan, baselineRate: 1 }, 'input.baselineRate'],
    ['a treatment rate above 1', { ...conversionPlan, mde: 5 }, 'input.mde'],
    ['an mde of 0', { ...conversionPlan, mde: 0 }, 'input.mde'],
    // 2.6 billion customers per variant: more than a GraphQL Int holds.
    ['an mde too small to count', { ...conversionPlan, mde: 1e-6 }, 'input.mde'],
    ['a mean effect too small to count', { ...meanPlan, mde: 1e-200 }, 'input.mde'],
    ['a zero sd', { ...meanPlan, sd: 0 }, 'input.sd'],
    [
      'a RELATIVE mean effect without baselineMean',
      { ...meanPlan, baselineMean: 0 },
      'input.baselineMean',
    ],
    ['one variant', { ...conversionPlan, variants: 1 }, 'input.variants'],
    ['eleven variants', { ...conversionPlan, variants: 11 }, 'input.variants'],
    [
      'a segment id of another type',
      { ...conversionPlan, segmentId: Buffer.from('Kpi:1').toString('base64url') },
      'input.segmentId',
    ],
  ])('refuses to plan with %s: BAD_USER_INPUT on the field', async (_label, input, field) => {
    expectError(
      await pulse().query(PLAN, { input }, { role: Role.PARTNER }),
      'BAD_USER_INPUT',
      field,
    );
  });

  it.each<[string, string, string]>([
    ['a traffic share of 1e400', 'trafficShare: 1e400', 'input.trafficShare'],
    [
      'a baseline mean of 1e400',
      'kind: MEAN, sd: 10, mde: 0.05, baselineMean: 1e400',
      'input.baselineMean',
    ],
    ['an sd of 1e400', 'kind: MEAN, sd: 1e400, mde: 1, mdeType: ABSOLUTE', 'input.sd'],
  ])(
    'refuses to plan with %s (infinite once parsed) with BAD_USER_INPUT, not an internal error',
    async (_label, fields, field) => {
      const input = fields.startsWith('kind')
        ? fields
        : `kind: PROPORTION, baselineRate: 0.2, mde: 0.1, ${fields}`;
      expectError(await pulse().query(planLiteral(input)), 'BAD_USER_INPUT', field);
    },
  );

  it('refuses to plan for an unknown segment with NOT_FOUND on input.segmentId', async () => {
    expectError(
      await pulse().query(PLAN, {
        input: {
          ...conversionPlan,
          segmentId: Buffer.from('Segment:999999').toString('base64url'),
        },
      }),
      'NOT_FOUND',
      'input.segmentId',
    );
  });

  it('answers a duration beyond what an Int holds with expectedDays null, not an internal error', async () => {
    // One customer active in the last 28 days: 1/28 a day × a share of 1e-9.
    const [customer] = await createCustomers(pulse(), 1);
    const ingested = await pulse().query(
      'mutation($input: IngestInteractionsInput!) { ingestInteractions(input: $input) { accepted } }',
      {
        input: {
          interactions: [
            {
              customerId: customer.id,
              channel: 'WEB',
              type: 'page_view',
              occurredAt: new Date(Date.now() - 86_400_000).toISOString(),
              clientEventId: unique('plan'),
            },
          ],
        },
      },
    );
    expect(ingested.errors).toBeUndefined();
    const response = await pulse().query<{ planExperiment: Record<string, number | null> }>(PLAN, {
      input: { ...conversionPlan, trafficShare: 1e-9 },
    });
    expect(response.errors).toBeUndefined();
    expect(response.data!.planExperiment).toMatchObject({ nTotal: 12696, expectedDays: null });
    expect(response.data!.planExperiment.dailyEntrants).toBeGreaterThan(0);
  });

  it('answers NOT_FOUND on id for an unknown experiment and BAD_USER_INPUT for an id of another type', async () => {
    const unknown = Buffer.from('Experiment:999999').toString('base64url');
    expectError(await pulse().query(STATE, { id: unknown }), 'NOT_FOUND', 'id');
    expectError(await pulse().query(MOVE('startExperiment'), { id: unknown }), 'NOT_FOUND', 'id');
    expectError(
      await pulse().query(UPDATE, { id: unknown, version: 1, input: { name: 'x' } }),
      'NOT_FOUND',
      'id',
    );
    expectError(
      await pulse().query(STATE, { id: Buffer.from('Segment:1').toString('base64url') }),
      'BAD_USER_INPUT',
      'id',
    );
  });
});
