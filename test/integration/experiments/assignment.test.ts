import { unitHashSql } from '../../../src/db/dialect';
import { assignVariant, unitHash } from '../../../src/experiments/assignment';
import { fromGlobalId } from '../../../src/graphql/global-id';
import { createSegment } from '../segments/segment-support';
import { describeEachDialect } from '../support/dialects';
import { expectError } from '../support/expect-error';
import { createCustomers, unique } from '../support/factories';
import { CREATE_EXPERIMENT, MOVE, purchaseExperiment } from './experiment-fixtures';

const ASSIGN_ONE = `mutation Assign($key: String!, $customerId: ID!) {
  assignVariant(experimentKey: $key, customerId: $customerId) {
    experimentKey customerId variant { key } reason firstExposedAt newlyExposed
  }
}`;
const ASSIGN_ALL = `mutation AssignAll($key: String!) {
  assignSegment(experimentKey: $key) { targeted inTraffic newlyExposed alreadyExposed }
}`;
const GROW = `mutation Grow($id: ID!, $version: Int!, $share: Float!) {
  updateExperiment(id: $id, version: $version, input: { trafficShare: $share }) { experiment { version } }
}`;

interface Assignment {
  experimentKey: string;
  customerId: string;
  variant: { key: string } | null;
  reason: string | null;
  firstExposedAt: string | null;
  newlyExposed: boolean;
}

const VARIANTS = [
  { key: 'control', isControl: true, weight: 2 },
  { key: 'b', weight: 1 },
  { key: 'c', weight: 1 },
];

describeEachDialect('experiments: assignment', (pulse) => {
  let customers: Array<{ id: string; externalId: string }>;

  beforeAll(async () => {
    customers = [];
    for (let batch = 0; batch < 2; batch++) {
      customers.push(...(await createCustomers(pulse(), 1000)));
    }
  });

  async function running(overrides: Record<string, unknown> = {}) {
    const key = unique('assign').toLowerCase();
    const created = await pulse().query<{ createExperiment: { experiment: { id: string } } }>(
      CREATE_EXPERIMENT,
      { input: purchaseExperiment(key, { variants: VARIANTS, ...overrides }) },
    );
    const { id } = created.data!.createExperiment.experiment;
    await pulse().query(MOVE('startExperiment'), { id });

    return { id, key };
  }

  const assignOne = (key: string, customerId: string) =>
    pulse().query<{ assignVariant: Assignment }>(ASSIGN_ONE, { key, customerId });

  async function exposures(key: string): Promise<Map<number, string>> {
    const q = (name: string) => (pulse().dialect === 'mysql' ? `\`${name}\`` : `"${name}"`);
    const rows: Array<{ customerId: number; variant: string }> = await pulse().app.db.query(
      `SELECT x.customer_id AS customerId, v.${q('key')} AS variant
       FROM experiment_exposures x
       JOIN experiments e ON e.id = x.experiment_id
       JOIN experiment_variants v ON v.id = x.variant_id
       WHERE e.${q('key')} = ?`,
      [key],
    );

    return new Map(rows.map((row) => [Number(row.customerId), row.variant]));
  }

  async function saltOf(key: string): Promise<string> {
    const q = pulse().dialect === 'mysql' ? '`key`' : '"key"';
    const [row] = await pulse().app.db.query(`SELECT salt FROM experiments WHERE ${q} = ?`, [key]);

    return row.salt;
  }

  // customer id → variant key, as the pure assignment places the population at `share`.
  function pureAssignment(salt: string, share: number, among = customers): Map<number, string> {
    const expected = new Map<number, string>();
    for (const customer of among) {
      const id = fromGlobalId(customer.id, 'Customer', 'id');
      const pure = assignVariant(salt, share, VARIANTS, id);
      if (pure.variantKey) {
        expected.set(id, pure.variantKey);
      }
    }

    return expected;
  }

  it('computes the same 52-bit hash in SQL as in JavaScript', async () => {
    const hash = unitHashSql(pulse().app.db, 'salt-é', 'variant', 'c.id');
    const rows: Array<{ id: number; u: number }> = await pulse().app.db.query(
      `SELECT c.id AS id, ${hash.sql} AS u FROM customers c ORDER BY c.id LIMIT 300`,
      hash.params,
    );
    expect(rows).toHaveLength(300);
    for (const row of rows) {
      expect([row.id, Number(row.u)]).toEqual([
        row.id,
        unitHash('salt-é', 'variant', Number(row.id)),
      ]);
    }
  });

  it('gives a customer the same variant on every call and records the first exposure once', async () => {
    const { key } = await running();
    const first = (await assignOne(key, customers[0].id)).data!.assignVariant;
    const again = (await assignOne(key, customers[0].id)).data!.assignVariant;
    expect(first).toMatchObject({
      experimentKey: key,
      customerId: customers[0].id,
      reason: null,
      newlyExposed: true,
    });
    expect(again).toEqual({ ...first, newlyExposed: false });
    expect((await exposures(key)).size).toBe(1);
  });

  it('records one exposure when the same customer is assigned concurrently', async () => {
    const { key } = await running();
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => assignOne(key, customers[1].id)),
    );
    const variants = new Set(answers.map((a) => a.data!.assignVariant.variant?.key));
    expect(variants.size).toBe(1);
    expect(answers.filter((a) => a.data!.assignVariant.newlyExposed)).toHaveLength(1);
    expect((await exposures(key)).size).toBe(1);
  });

  it('assigns no variant outside the traffic, outside the segment or before the start, with the reason', async () => {
    const segment = await createSegment(pulse(), {
      kind: 'STATIC',
      externalIds: customers.slice(0, 10).map((c) => c.externalId),
    });
    const targeted = await running({ segmentId: segment.id });
    expect((await assignOne(targeted.key, customers[20].id)).data!.assignVariant).toMatchObject({
      variant: null,
      reason: 'NOT_IN_SEGMENT',
      newlyExposed: false,
    });
    const narrow = await running({ trafficShare: 0.3 });
    const salt = await saltOf(narrow.key);
    const outside = customers.find(
      (c) => unitHash(salt, 'traffic', fromGlobalId(c.id, 'Customer', 'id')) >= 0.3,
    )!;
    expect((await assignOne(narrow.key, outside.id)).data!.assignVariant).toMatchObject({
      variant: null,
      reason: 'OUTSIDE_TRAFFIC',
    });
    const key = unique('draft').toLowerCase();
    await pulse().query(CREATE_EXPERIMENT, { input: purchaseExperiment(key) });
    expect((await assignOne(key, customers[0].id)).data!.assignVariant).toMatchObject({
      variant: null,
      reason: 'EXPERIMENT_NOT_RUNNING',
    });
    expect(await exposures(targeted.key)).toEqual(new Map());
  });

  it('still reports the variant of an exposed customer after the stop, and exposes nobody new', async () => {
    const { id, key } = await running();
    const before = (await assignOne(key, customers[2].id)).data!.assignVariant;
    await pulse().query(MOVE('stopExperiment'), { id });
    expect((await assignOne(key, customers[2].id)).data!.assignVariant).toEqual({
      ...before,
      reason: 'EXPERIMENT_NOT_RUNNING',
      newlyExposed: false,
    });
    expect((await assignOne(key, customers[3].id)).data!.assignVariant).toEqual({
      experimentKey: key,
      customerId: customers[3].id,
      variant: null,
      reason: 'EXPERIMENT_NOT_RUNNING',
      firstExposedAt: null,
      newlyExposed: false,
    });
    expect((await exposures(key)).size).toBe(1);
  });

  it('refuses an unknown experiment key or customer with NOT_FOUND naming the argument', async () => {
    const { key } = await running();
    expectError(
      await assignOne('no-such-experiment', customers[0].id),
      'NOT_FOUND',
      'experimentKey',
    );
    const missing = Buffer.from('Customer:99999999').toString('base64url');
    expectError(await assignOne(key, missing), 'NOT_FOUND', 'customerId');
    expectError(
      await pulse().query(ASSIGN_ALL, { key: 'no-such-experiment' }),
      'NOT_FOUND',
      'experimentKey',
    );
  });

  it('assigns a whole population in SQL exactly as the pure assignment does, once', async () => {
    const { key } = await running({ trafficShare: 0.6 });
    const response = await pulse().query<{ assignSegment: Record<string, number> }>(ASSIGN_ALL, {
      key,
    });
    const expected = pureAssignment(await saltOf(key), 0.6);
    expect(await exposures(key)).toEqual(expected);
    expect(response.data!.assignSegment).toEqual({
      targeted: customers.length,
      inTraffic: expected.size,
      newlyExposed: expected.size,
      alreadyExposed: 0,
    });
    const again = await pulse().query<{ assignSegment: Record<string, number> }>(ASSIGN_ALL, {
      key,
    });
    expect(again.data!.assignSegment).toMatchObject({
      newlyExposed: 0,
      alreadyExposed: expected.size,
    });
  });

  it('assigns only the members of the targeting segment, as the pure assignment does', async () => {
    const members = customers.slice(100, 400);
    const segment = await createSegment(pulse(), {
      kind: 'STATIC',
      externalIds: members.map((c) => c.externalId),
    });
    const { key } = await running({ segmentId: segment.id, trafficShare: 0.5 });
    const response = await pulse().query<{ assignSegment: Record<string, number> }>(ASSIGN_ALL, {
      key,
    });
    const expected = pureAssignment(await saltOf(key), 0.5, members);
    expect(await exposures(key)).toEqual(expected);
    expect(response.data!.assignSegment).toEqual({
      targeted: members.length,
      inTraffic: expected.size,
      newlyExposed: expected.size,
      alreadyExposed: 0,
    });
  });

  it('refuses to assign the population of a DRAFT or STOPPED experiment with BAD_USER_INPUT', async () => {
    const draft = unique('draft').toLowerCase();
    await pulse().query(CREATE_EXPERIMENT, { input: purchaseExperiment(draft) });
    expectError(await pulse().query(ASSIGN_ALL, { key: draft }), 'BAD_USER_INPUT', 'experimentKey');
    const stopped = await running();
    await pulse().query(MOVE('stopExperiment'), { id: stopped.id });
    expectError(
      await pulse().query(ASSIGN_ALL, { key: stopped.key }),
      'BAD_USER_INPUT',
      'experimentKey',
    );
    expect(await exposures(draft)).toEqual(new Map());
    expect(await exposures(stopped.key)).toEqual(new Map());
  });

  it('only adds customers when the traffic share grows, and never moves anyone', async () => {
    const { id, key } = await running({ trafficShare: 0.2 });
    await pulse().query(ASSIGN_ALL, { key });
    const before = await exposures(key);
    const grown = await pulse().query(GROW, { id, version: 2, share: 0.7 });
    expect(grown.errors).toBeUndefined();
    const added = await pulse().query<{ assignSegment: Record<string, number> }>(ASSIGN_ALL, {
      key,
    });
    const after = await exposures(key);
    expect(after).toEqual(pureAssignment(await saltOf(key), 0.7));
    expect(added.data!.assignSegment).toMatchObject({
      newlyExposed: after.size - before.size,
      alreadyExposed: before.size,
    });
    expect(after.size).toBeGreaterThan(before.size);
    for (const [customerId, variant] of before) {
      expect([customerId, after.get(customerId)]).toEqual([customerId, variant]);
    }
  });

  it('never assigns a deleted customer', async () => {
    const deleted = fromGlobalId(customers[5].id, 'Customer', 'id');
    await pulse().app.db.query('UPDATE customers SET deleted_at = updated_at WHERE id = ?', [
      deleted,
    ]);
    const { key } = await running();
    await pulse().query(ASSIGN_ALL, { key });
    expect((await exposures(key)).has(deleted)).toBe(false);
    expectError(await assignOne(key, customers[5].id), 'NOT_FOUND', 'customerId');
  });
});
