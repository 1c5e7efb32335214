import { Role } from '../../../src/auth/principal';
import { sqlInstant } from '../../../src/db/dialect';
import { fromGlobalId } from '../../../src/graphql/global-id';
import { CREATE_EXPERIMENT, purchaseExperiment } from '../experiments/experiment-fixtures';
import { describeEachDialect } from '../support/dialects';
import { expectError } from '../support/expect-error';
import { createCustomers, insertPredictions, unique } from '../support/factories';

const CREATE = `mutation Create($input: CreateActionInput!) {
  createAction(input: $input) { action { id key version effect } }
}`;
const UPDATE = `mutation Update($input: UpdateActionInput!) {
  updateAction(input: $input) { action { id version name effect effectSource maxContacts } }
}`;
const ARCHIVE = `mutation Archive($input: ArchiveActionInput!) {
  archiveAction(input: $input) { action { id version archivedAt } }
}`;
const MEASURE = `mutation Measure($id: ID!) { measureActionEffect(id: $id) { action { id } } }`;
const ACTION = `query One($id: ID!) { action(id: $id) { name effect version archivedAt } }`;
const ACTIONS = `query All($archived: Boolean) {
  actions(first: 100, includeArchived: $archived) { edges { node { id } } }
}`;
const LIST = `query List($budget: Float, $first: Int, $after: String) {
  nextBestActions(budget: $budget, first: $first, after: $after) {
    totalCount edges { node { customer { email } action { key } } }
  }
}`;

const valid = (patch: Record<string, unknown> = {}) => ({
  key: unique('act').toLowerCase(),
  name: 'Win-back voucher',
  objective: 'RETAIN',
  channel: 'EMAIL',
  effect: 0.2,
  costPerContact: 0.1,
  incentiveCost: 10,
  ...patch,
});

describeEachDialect('next best action: failing inputs and roles', (pulse) => {
  let experimentId = '';
  let segmentId = '';
  const takenKey = unique('taken').toLowerCase();

  beforeAll(async () => {
    const experiment = await pulse().query<any>(CREATE_EXPERIMENT, {
      input: purchaseExperiment(unique('nba-err').toLowerCase()),
    });
    experimentId = experiment.data.createExperiment.experiment.id;
    const segment = await pulse().query<any>(
      'mutation($input: CreateSegmentInput!) { createSegment(input: $input) { segment { id } } }',
      { input: { name: unique('nba-err'), kind: 'STATIC' } },
    );
    segmentId = segment.data.createSegment.segment.id;
    await pulse().query(CREATE, { input: valid({ key: takenKey }) });
  });

  const missing = (type: string) => Buffer.from(`${type}:999999`).toString('base64url');

  it.each([
    ['an empty name', { name: '' }, 'input.name'],
    ['a key with capitals', { key: 'Win Back' }, 'input.key'],
    ['a negative contact cost', { costPerContact: -1 }, 'input.costPerContact'],
    ['a null contact cost', { costPerContact: null }, 'input.costPerContact'],
    ['a negative incentive', { incentiveCost: -5 }, 'input.incentiveCost'],
    ['an effect of 0', { effect: 0 }, 'input.effect'],
    ['an effect above 1', { effect: 1.5 }, 'input.effect'],
    ['a cap without a type', { maxContacts: 2, contactWindowDays: 7 }, 'input.contactType'],
    [
      'a cap window of 0 days',
      { contactType: 'email_sent', maxContacts: 2, contactWindowDays: 0 },
      'input.contactWindowDays',
    ],
    ['an unknown segment', { segmentId: missing('Segment') }, 'input.segmentId'],
    ['a customer id as segment', { segmentId: missing('Customer') }, 'input.segmentId'],
    [
      'an unknown experiment',
      { experimentId: missing('Experiment'), variantKey: 'banner', metricKey: 'purchase' },
      'input.experimentId',
    ],
    ['a variant without an experiment', { variantKey: 'banner' }, 'input.experimentId'],
  ])('refuses %s with BAD_USER_INPUT naming the field', async (_title, patch, field) => {
    expectError(await pulse().query(CREATE, { input: valid(patch) }), 'BAD_USER_INPUT', field);
  });

  it.each([
    ['an unknown variant', { variantKey: 'nope', metricKey: 'purchase' }, 'input.variantKey'],
    [
      'the control as variant',
      { variantKey: 'control', metricKey: 'purchase' },
      'input.variantKey',
    ],
    ['an unknown metric', { variantKey: 'banner', metricKey: 'nope' }, 'input.metricKey'],
  ])('refuses an experiment with %s, naming the field', async (_title, patch, field) => {
    expectError(
      await pulse().query(CREATE, { input: valid({ experimentId, ...patch }) }),
      'BAD_USER_INPUT',
      field,
    );
  });

  it('refuses a taken key with CONFLICT on input.key', async () => {
    expectError(
      await pulse().query(CREATE, { input: valid({ key: takenKey }) }),
      'CONFLICT',
      'input.key',
    );
  });

  it('updates at the current version and refuses a stale one with CONFLICT, unchanged', async () => {
    const created = await pulse().query<any>(CREATE, { input: valid({ segmentId }) });
    const { id } = created.data.createAction.action;

    const updated = await pulse().query<any>(UPDATE, {
      input: { id, version: 1, name: 'Renamed', effect: 0.4, maxContacts: null },
    });
    expect(updated.data.updateAction.action).toMatchObject({
      id,
      version: 2,
      name: 'Renamed',
      effect: 0.4,
      effectSource: 'MANUAL',
    });

    expectError(
      await pulse().query(UPDATE, { input: { id, version: 1, name: 'Stale' } }),
      'CONFLICT',
      'input.version',
    );
    expectError(
      await pulse().query(UPDATE, { input: { id, version: 2, effect: 2 } }),
      'BAD_USER_INPUT',
      'input.effect',
    );
    expect((await pulse().query<any>(ACTION, { id })).data.action).toEqual({
      name: 'Renamed',
      effect: 0.4,
      version: 2,
      archivedAt: null,
    });
  });

  it.each([
    ['name', 'input.name'],
    ['objective', 'input.objective'],
    ['channel', 'input.channel'],
  ])(
    'refuses an update that sets %s to null with BAD_USER_INPUT, unchanged',
    async (name, field) => {
      const created = await pulse().query<any>(CREATE, { input: valid() });
      const { id } = created.data.createAction.action;
      expectError(
        await pulse().query(UPDATE, { input: { id, version: 1, [name]: null } }),
        'BAD_USER_INPUT',
        field,
      );
      expect((await pulse().query<any>(ACTION, { id })).data.action).toMatchObject({
        name: 'Win-back voucher',
        version: 1,
      });
    },
  );

  it('answers NOT_FOUND on segmentId to a recommendation list of an unknown segment', async () => {
    const response = await pulse().query(
      'query($s: ID) { nextBestActions(segmentId: $s) { totalCount } }',
      { s: missing('Segment') },
    );
    expectError(response, 'NOT_FOUND', 'segmentId');
  });

  it('archives an action, hiding it from the catalogue unless asked, and refuses a stale version', async () => {
    const created = await pulse().query<any>(CREATE, { input: valid({ segmentId }) });
    const { id } = created.data.createAction.action;

    const archived = await pulse().query<any>(ARCHIVE, { input: { id, version: 1 } });
    expect(archived.data.archiveAction.action.version).toBe(2);
    expect(archived.data.archiveAction.action.archivedAt).not.toBeNull();

    const ids = async (archivedToo: boolean) =>
      (await pulse().query<any>(ACTIONS, { archived: archivedToo })).data.actions.edges.map(
        (e: any) => e.node.id,
      );
    expect(await ids(false)).not.toContain(id);
    expect(await ids(true)).toContain(id);
    expectError(
      await pulse().query(ARCHIVE, { input: { id, version: 1 } }),
      'CONFLICT',
      'input.version',
    );
  });

  it('refuses to measure an action without an experiment (BAD_USER_INPUT) or unknown (NOT_FOUND)', async () => {
    const created = await pulse().query<any>(CREATE, { input: valid() });
    expectError(
      await pulse().query(MEASURE, { id: created.data.createAction.action.id }),
      'BAD_USER_INPUT',
      'id',
    );
    expectError(await pulse().query(MEASURE, { id: missing('Action') }), 'NOT_FOUND', 'id');
  });

  it.each([
    ['a negative budget', { budget: -1 }, 'budget'],
    ['a page over the cap', { first: 101 }, 'first'],
    ['a foreign cursor', { after: 'bm90LWEtY3Vyc29y' }, 'after'],
  ])('refuses nextBestActions with %s, naming the argument', async (_title, variables, field) => {
    expectError(await pulse().query(LIST, variables), 'BAD_USER_INPUT', field);
  });

  it('lets PARTNER read recommendations with masked emails, but not the catalogue or writes', async () => {
    const [customer] = await createCustomers(pulse(), 1);
    const dbId = fromGlobalId(customer.id, 'Customer', 'id');
    await insertPredictions(pulse(), dbId, { CHURN: 0.5, CLV: 1000 });
    const db = pulse().app.db;
    await db.query(
      `INSERT INTO customer_consents (customer_id, channel, status, changed_at) VALUES (?, 'EMAIL', 'GRANTED', ?)`,
      [dbId, sqlInstant(db, new Date())],
    );
    await pulse().query(CREATE, { input: valid({ effect: 0.5 }) });
    const emails = async (role: Role) =>
      (await pulse().query<any>(LIST, { first: 100 }, { role })).data.nextBestActions.edges.map(
        (e: any) => e.node.customer.email,
      );

    const [real] = await emails(Role.ADMIN);
    const [masked] = await emails(Role.PARTNER);

    expect(real).toBe(`${customer.externalId}@example.com`.toLowerCase());
    expect(masked).not.toBe(real);
    expect(masked).not.toContain(customer.externalId.toLowerCase());
    const partner = { role: Role.PARTNER };
    expectError(await pulse().query(ACTIONS, {}, partner), 'FORBIDDEN');
    expectError(await pulse().query(CREATE, { input: valid() }, partner), 'FORBIDDEN');
  });

  it('refuses ALERTS keys every next-best-action field with FORBIDDEN', async () => {
    const alerts = { role: Role.ALERTS };
    expectError(await pulse().query(LIST, {}, alerts), 'FORBIDDEN');
    expectError(await pulse().query(ACTIONS, {}, alerts), 'FORBIDDEN');
    expectError(await pulse().query(CREATE, { input: valid() }, alerts), 'FORBIDDEN');
  });
});
