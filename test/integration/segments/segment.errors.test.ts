import { Role } from '../../../src/auth/principal';
import { decodeGlobalId, toGlobalId } from '../../../src/graphql/global-id';
import { describeEachDialect } from '../support/dialects';
import { CREATE_EXPERIMENT, purchaseExperiment } from '../experiments/experiment-fixtures';
import { expectError, firstError } from '../support/expect-error';
import { createCustomers, unique } from '../support/factories';
import type { TestPulse } from '../support/start-pulse';
import {
  CREATE_SEGMENT,
  countryIs,
  createSegment,
  memberOf,
  segmentRowCounts,
} from './segment-support';

const UPDATE = `mutation($input: UpdateSegmentInput!) { updateSegment(input: $input) { segment { id } } }`;
const DELETE = `mutation($input: DeleteSegmentInput!) { deleteSegment(input: $input) { deletedId } }`;
const REFRESH = `mutation($input: RefreshSegmentInput!) { refreshSegment(input: $input) { size } }`;
const ADD = `mutation($input: SegmentMembersInput!) { addSegmentMembers(input: $input) { changed } }`;
const PREVIEW = `query($definition: SegmentRuleInput!, $sampleSize: Int) {
  previewSegment(definition: $definition, sampleSize: $sampleSize) { size }
}`;
const SIZE_HISTORY = `query($id: ID!, $from: DateTimeISO!, $to: DateTimeISO!) {
  segment(id: $id) { sizeHistory(from: $from, to: $to) { size } }
}`;
const EXPLAIN = `query($segmentId: ID!, $customerId: ID!) {
  explainMembership(segmentId: $segmentId, customerId: $customerId) { holds }
}`;

/** The database id in a global id: CONFLICT extensions list database ids. */
const dbId = (id: string) => decodeGlobalId(id, 'id').dbId;

/** Something that names a segment, and how to make it stop (release). */
interface SegmentUser {
  id: string;
  name: string;
  release: () => Promise<void>;
}

async function mutate(pulse: TestPulse, query: string, variables: Record<string, unknown>) {
  const response = await pulse.query<any>(query, variables);
  if (response.errors) {
    throw new Error(JSON.stringify(response.errors));
  }

  return response.data;
}

// One per kind of reference to a segment outside segment rules: a KPI's scope, a next best
// action's eligibility, an experiment's targeting.
const SEGMENT_USERS: Array<
  [string, string, (pulse: TestPulse, segmentId: string) => Promise<SegmentUser>]
> = [
  [
    'the scope of a KPI',
    'kpiIds',
    async (pulse, segmentId) => {
      const name = unique('scoped kpi');
      const { createKpi } = await mutate(
        pulse,
        'mutation($input: CreateKpiInput!) { createKpi(input: $input) { kpi { id version } } }',
        { input: { key: unique('scoped').replace(/-/g, '_'), name, scope: { segmentId } } },
      );
      const { id, version } = createKpi.kpi;
      const release = async () => {
        await mutate(
          pulse,
          'mutation($input: DeleteKpiInput!) { deleteKpi(input: $input) { deletedId } }',
          { input: { id, version } },
        );
      };

      return { id, name, release };
    },
  ],
  [
    'a next best action',
    'actionIds',
    async (pulse, segmentId) => {
      const name = unique('eligible action');
      const { createAction } = await mutate(
        pulse,
        'mutation($input: CreateActionInput!) { createAction(input: $input) { action { id version } } }',
        {
          input: {
            key: unique('act').toLowerCase(),
            name,
            objective: 'RETAIN',
            channel: 'EMAIL',
            effect: 0.2,
            segmentId,
          },
        },
      );
      const { id, version } = createAction.action;
      const release = async () => {
        await mutate(
          pulse,
          'mutation($input: UpdateActionInput!) { updateAction(input: $input) { action { id } } }',
          { input: { id, version, segmentId: null } },
        );
      };

      return { id, name, release };
    },
  ],
  [
    'an experiment',
    'experimentIds',
    async (pulse, segmentId) => {
      const key = unique('targeted').toLowerCase();
      const { createExperiment } = await mutate(pulse, CREATE_EXPERIMENT, {
        input: purchaseExperiment(key, { segmentId }),
      });
      const { id, version } = createExperiment.experiment;
      const release = async () => {
        const other = await createSegment(pulse, { kind: 'STATIC' });
        await mutate(
          pulse,
          `mutation($id: ID!, $version: Int!, $input: UpdateExperimentInput!) {
            updateExperiment(id: $id, version: $version, input: $input) { experiment { id } }
          }`,
          { id, version, input: { segmentId: other.id } },
        );
      };

      return { id, name: `Experiment ${key}`, release };
    },
  ],
];

describeEachDialect('segment errors', (pulse) => {
  let rule: { id: string; version: number };
  let staticSegment: { id: string; version: number };
  let customerId: string;
  const takenName = `taken-${process.pid}`;

  beforeAll(async () => {
    [{ id: customerId }] = await createCustomers(pulse(), 1);
    rule = await createSegment(pulse(), {
      name: takenName,
      kind: 'RULE',
      definition: countryIs('GB'),
    });
    staticSegment = await createSegment(pulse(), { kind: 'STATIC' });
  });

  const unknownSegment = toGlobalId('Segment', 999_999);

  it.each([
    ['an empty name', { name: '', kind: 'STATIC' }, 'BAD_USER_INPUT', 'input.name'],
    ['a taken name', { name: takenName, kind: 'STATIC' }, 'CONFLICT', 'input.name'],
    [
      'a taken name in other case',
      { name: takenName.toUpperCase(), kind: 'STATIC' },
      'CONFLICT',
      'input.name',
    ],
    [
      'a RULE without definition',
      { name: 'r1', kind: 'RULE' },
      'BAD_USER_INPUT',
      'input.definition',
    ],
    [
      'an RFM segment without groups',
      { name: 'r2', kind: 'RFM' },
      'BAD_USER_INPUT',
      'input.rfmGroups',
    ],
    [
      'a STATIC segment with rfmGroups',
      { name: 'r3', kind: 'STATIC', rfmGroups: ['CHAMPIONS'] },
      'BAD_USER_INPUT',
      'input.rfmGroups',
    ],
    [
      'a RULE segment with externalIds',
      { name: 'r4', kind: 'RULE', definition: countryIs('GB'), externalIds: ['x'] },
      'BAD_USER_INPUT',
      'input.externalIds',
    ],
    [
      'a rule with an empty group',
      { name: 'r5', kind: 'RULE', definition: { all: [] } },
      'BAD_USER_INPUT',
      'input.definition.all',
    ],
    [
      'a membership condition on an unknown segment',
      { name: 'r6', kind: 'RULE', definition: memberOf(unknownSegment) },
      'BAD_USER_INPUT',
      'input.definition',
    ],
  ])('refuses to create a segment with %s', async (_title, input, code, field) => {
    expectError(await pulse().query(CREATE_SEGMENT, { input }), code, field);
  });

  it('refuses an update at a stale version with CONFLICT', async () => {
    const response = await pulse().query(UPDATE, {
      input: { id: rule.id, version: rule.version + 1, name: 'renamed' },
    });
    expectError(response, 'CONFLICT', 'input.version');
    expect(response.errors?.[0]?.message).toBe(
      `Segment ${Buffer.from(rule.id, 'base64url').toString().split(':')[1]} is at version 1, not 2: read it again and retry`,
    );
  });

  it('refuses an update setting the name to null with BAD_USER_INPUT', async () => {
    const response = await pulse().query(UPDATE, {
      input: { id: rule.id, version: rule.version, name: null },
    });
    expectError(response, 'BAD_USER_INPUT', 'input.name');
  });

  it('refuses to update an unknown segment with NOT_FOUND', async () => {
    expectError(
      await pulse().query(UPDATE, { input: { id: unknownSegment, version: 1, name: 'x' } }),
      'NOT_FOUND',
      'input.id',
    );
  });

  it('refuses a rule that makes membership conditions a cycle with BAD_USER_INPUT', async () => {
    const first = await createSegment(pulse(), { kind: 'RULE', definition: countryIs('GB') });
    const second = await createSegment(pulse(), { kind: 'RULE', definition: memberOf(first.id) });
    const response = await pulse().query(UPDATE, {
      input: { id: first.id, version: first.version, definition: memberOf(second.id) },
    });
    expectError(response, 'BAD_USER_INPUT', 'input.definition');
    expect(response.errors?.[0]?.message).toMatch(
      /^Membership conditions would form a cycle: this segment → "segment-[^"]+" → this segment$/,
    );
    const self = await pulse().query(UPDATE, {
      input: { id: second.id, version: second.version, definition: memberOf(second.id) },
    });
    expectError(self, 'BAD_USER_INPUT', 'input.definition');
  });

  it('refuses to delete a segment that another rule references, naming it, with CONFLICT', async () => {
    const used = await createSegment(pulse(), { kind: 'STATIC' });
    const user = await createSegment(pulse(), {
      name: `user-${process.pid}`,
      kind: 'RULE',
      definition: memberOf(used.id),
    });
    const response = await pulse().query(DELETE, { input: { id: used.id } });
    expectError(response, 'CONFLICT', 'input.id');
    expect(response.errors?.[0]?.message).toContain(`"user-${process.pid}"`);
    expect((await pulse().query(DELETE, { input: { id: user.id } })).errors).toBeUndefined();
    expect((await pulse().query(DELETE, { input: { id: used.id } })).errors).toBeUndefined();
  });

  it.each(SEGMENT_USERS)(
    'refuses to delete a segment used by %s with CONFLICT listing it, deleting nothing, until it is released',
    async (_kind, key, use) => {
      const used = await createSegment(pulse(), { kind: 'STATIC' });
      const user = await use(pulse(), used.id);
      const before = await segmentRowCounts(pulse());
      const response = await pulse().query(DELETE, { input: { id: used.id } });
      expectError(response, 'CONFLICT', 'input.id');
      expect(response.errors?.[0]?.message).toMatch(/^Segment \d+ is used by the /);
      expect(response.errors?.[0]?.message).toContain(`"${user.name}": change those first`);
      expect(firstError(response)).toMatchObject({
        referencedBy: [],
        segmentIds: [],
        [key]: [dbId(user.id)],
      });
      expect(await segmentRowCounts(pulse())).toEqual(before);
      const segment = await pulse().query<any>(`query($id: ID!) { segment(id: $id) { id } }`, {
        id: used.id,
      });
      expect(segment.data.segment).toEqual({ id: used.id });

      await user.release();
      expect((await pulse().query(DELETE, { input: { id: used.id } })).errors).toBeUndefined();
    },
  );

  it('lists every kind of user at once, in as many statements for two users of a kind as for one', async () => {
    const used = await createSegment(pulse(), { kind: 'STATIC' });
    const addUsers = async () => ({
      rule: await createSegment(pulse(), { kind: 'RULE', definition: memberOf(used.id) }),
      others: await Promise.all(SEGMENT_USERS.map(([, , use]) => use(pulse(), used.id))),
    });
    const refuse = () =>
      pulse().countStatements(() => pulse().query(DELETE, { input: { id: used.id } }));
    const first = await addUsers();
    const once = await refuse();
    const second = await addUsers();
    const twice = await refuse();
    expectError(twice.result, 'CONFLICT', 'input.id');
    const byNumber = (ids: number[]) => [...ids].sort((a, b) => a - b);
    const ids = (pick: (users: typeof first) => string) =>
      byNumber([pick(first), pick(second)].map(dbId));
    const extensions = firstError(twice.result) as Record<string, number[]>;
    expect({
      segmentIds: byNumber(extensions.segmentIds),
      kpiIds: extensions.kpiIds,
      actionIds: extensions.actionIds,
      experimentIds: extensions.experimentIds,
    }).toEqual({
      segmentIds: ids((users) => users.rule.id),
      kpiIds: ids((users) => users.others[0].id),
      actionIds: ids((users) => users.others[1].id),
      experimentIds: ids((users) => users.others[2].id),
    });
    expect(twice.statements).toBe(once.statements);
  });

  it.each([
    [
      'refreshing an unknown segment',
      REFRESH,
      () => ({ input: { id: unknownSegment } }),
      'NOT_FOUND',
      'input.id',
    ],
    [
      'adding members to a RULE segment',
      ADD,
      () => ({ input: { id: rule.id, externalIds: ['x'] } }),
      'BAD_USER_INPUT',
      'input.id',
    ],
    [
      'adding more than 10,000 members at once',
      ADD,
      () => ({
        input: {
          id: staticSegment.id,
          externalIds: Array.from({ length: 10_001 }, (_, i) => `e${i}`),
        },
      }),
      'BAD_USER_INPUT',
      'input.externalIds',
    ],
    [
      'a preview sample over 100',
      PREVIEW,
      () => ({ definition: countryIs('GB'), sampleSize: 101 }),
      'BAD_USER_INPUT',
      'sampleSize',
    ],
    [
      'a size history whose range ends before it starts',
      SIZE_HISTORY,
      () => ({ id: rule.id, from: '2025-02-01T00:00:00Z', to: '2025-01-01T00:00:00Z' }),
      'BAD_USER_INPUT',
      'from',
    ],
    [
      'explaining a STATIC segment',
      EXPLAIN,
      () => ({ segmentId: staticSegment.id, customerId }),
      'BAD_USER_INPUT',
      'segmentId',
    ],
    [
      'a customer id where a segment id belongs',
      `query($id: ID!) { segment(id: $id) { id } }`,
      () => ({ id: customerId }),
      'BAD_USER_INPUT',
      'id',
    ],
  ])('refuses %s', async (_title, query, variables, code, field) => {
    expectError(await pulse().query(query, variables()), code, field);
  });

  it('refuses segment writes to partners with FORBIDDEN', async () => {
    const response = await pulse().query(
      CREATE_SEGMENT,
      { input: { name: 'partner', kind: 'STATIC' } },
      { role: Role.PARTNER },
    );
    expectError(response, 'FORBIDDEN');
    expectError(
      await pulse().query(REFRESH, { input: { id: rule.id } }, { role: Role.PARTNER }),
      'FORBIDDEN',
    );
  });
});
