import { Role } from '../../../src/auth/principal';
import { fromGlobalId, toGlobalId } from '../../../src/graphql/global-id';
import { CREATE_EXPERIMENT, MOVE, purchaseExperiment } from '../experiments/experiment-fixtures';
import { auditEntries, createPersonWithHistory } from '../privacy/privacy-support';
import { describeEachDialect } from '../support/dialects';
import { expectError } from '../support/expect-error';
import { createCustomers, unique } from '../support/factories';

const MERGE = `mutation Merge($input: MergeCustomersInput!) {
  mergeCustomers(input: $input) {
    survivor { id phone city birthDate consents { channel status } }
    mergedIds filledFields
    moved { interactions orders consents consentChanges experimentExposures }
  }
}`;
const LOOKUPS = `query($id: ID!, $externalId: String!) {
  node(id: $id) { id } customer(id: $id) { id } customerByExternalId(externalId: $externalId) { id }
}`;

describeEachDialect('mergeCustomers', (pulse) => {
  const dbId = (id: string) => fromGlobalId(id, 'Customer', 'id');
  const owners = async (table: string, ids: string[]): Promise<Array<[number, number]>> =>
    (
      await pulse().app.db.query(
        `SELECT id, customer_id FROM ${table} WHERE customer_id IN (${ids.map(() => '?').join(', ')}) ORDER BY id`,
        ids.map(dbId),
      )
    ).map((row: { id: unknown; customer_id: unknown }): [number, number] => [
      Number(row.id),
      Number(row.customer_id),
    ]);

  it('keeps every interaction and order exactly once, on the survivor, and fills empty fields', async () => {
    const [survivor] = await createCustomers(pulse(), 1);
    const first = await createPersonWithHistory(pulse(), 3);
    const second = await createPersonWithHistory(pulse(), 2);
    const all = [survivor.id, first.id, second.id];
    const interactions = (await owners('interactions', all)).map(([id]) => id);
    const orders = (await owners('orders', all)).map(([id]) => id);

    const response = await pulse().query<{ mergeCustomers: Record<string, unknown> }>(MERGE, {
      input: { survivorId: survivor.id, duplicateIds: [first.id, second.id] },
    });

    expect(response.errors).toBeUndefined();
    expect(response.data!.mergeCustomers).toMatchObject({
      survivor: { id: survivor.id, phone: '+441234567123', city: 'Leeds', birthDate: '1984-06-02' },
      mergedIds: [first.id, second.id],
      filledFields: ['phone', 'city', 'birthDate', 'gender', 'attributes'],
      moved: { interactions: 5, orders: 5 },
    });
    const survivorId = dbId(survivor.id);
    expect(await owners('interactions', all)).toEqual(interactions.map((id) => [id, survivorId]));
    expect(await owners('orders', all)).toEqual(orders.map((id) => [id, survivorId]));
    expect(interactions).toHaveLength(5);
  });

  it('leaves the values of past KPI periods unchanged', async () => {
    const created = await pulse().query<{ createKpi: { kpi: { id: string } } }>(
      `mutation($input: CreateKpiInput!) { createKpi(input: $input) { kpi { id } } }`,
      {
        input: {
          key: unique('rev').toLowerCase().replace(/-/g, '_'),
          metric: 'REVENUE',
          granularity: 'MONTH',
        },
      },
    );
    const kpiId = fromGlobalId(created.data!.createKpi.kpi.id, 'Kpi', 'id');
    const now = new Date(Date.UTC(2025, 5, 15));
    const evaluate = async () =>
      (
        await pulse().app.services.kpiEvaluation.evaluate(now, { kpiIds: [kpiId], cold: true })
      )[0].values.map((v) => [v.periodStart.toISOString(), v.value]);
    const survivor = await createPersonWithHistory(pulse(), 2);
    const duplicate = await createPersonWithHistory(pulse(), 3);
    const before = await evaluate();

    await pulse().query(MERGE, {
      input: { survivorId: survivor.id, duplicateIds: [duplicate.id] },
    });

    expect(before.some(([, value]) => Number(value) > 0)).toBe(true);
    expect(await evaluate()).toEqual(before);
  });

  it('leads the old global id and external id to the survivor, and writes an audit entry', async () => {
    const [survivor, duplicate] = await createCustomers(pulse(), 2);

    await pulse().query(MERGE, {
      input: { survivorId: survivor.id, duplicateIds: [duplicate.id] },
    });
    const found = await pulse().query(LOOKUPS, {
      id: duplicate.id,
      externalId: duplicate.externalId,
    });

    expect(found).toMatchObject({
      data: {
        node: { id: survivor.id },
        customer: { id: survivor.id },
        customerByExternalId: { id: survivor.id },
      },
    });
    const [entry] = await auditEntries(pulse(), {
      actions: ['MERGE_CUSTOMERS'],
      customerId: duplicate.id,
    });
    expect(entry).toMatchObject({ customerIds: [survivor.id, duplicate.id], customerCount: 2 });
    expect(entry.details).toMatchObject({ moved: { interactions: 0, orders: 0 } });
  });

  it('keeps the most recent consent per channel', async () => {
    const at = (day: number) => new Date(Date.UTC(2025, 0, day)).toISOString();
    const [survivor] = await createCustomers(pulse(), 1, () => ({
      consents: [
        { channel: 'EMAIL', status: 'GRANTED', changedAt: at(1) },
        { channel: 'SMS', status: 'DENIED', changedAt: at(9) },
      ],
    }));
    const [duplicate] = await createCustomers(pulse(), 1, () => ({
      consents: [
        { channel: 'EMAIL', status: 'DENIED', changedAt: at(5) },
        { channel: 'SMS', status: 'GRANTED', changedAt: at(2) },
        { channel: 'WEB', status: 'GRANTED', changedAt: at(3) },
      ],
    }));

    const response = await pulse().query<{
      mergeCustomers: { survivor: { consents: Array<{ channel: string; status: string }> } };
    }>(MERGE, { input: { survivorId: survivor.id, duplicateIds: [duplicate.id] } });

    const consents = response.data!.mergeCustomers.survivor.consents;
    expect([...consents].sort((a, b) => a.channel.localeCompare(b.channel))).toEqual([
      { channel: 'EMAIL', status: 'DENIED' },
      { channel: 'SMS', status: 'DENIED' },
      { channel: 'WEB', status: 'GRANTED' },
    ]);
  });

  describe('customers in different variants of an experiment', () => {
    async function exposed() {
      const created = await pulse().query<{ createExperiment: { experiment: { id: string } } }>(
        CREATE_EXPERIMENT,
        { input: purchaseExperiment(unique('merge').toLowerCase()) },
      );
      const experimentId = fromGlobalId(
        created.data!.createExperiment.experiment.id,
        'Experiment',
        'id',
      );
      await pulse().query(MOVE('startExperiment'), {
        id: created.data!.createExperiment.experiment.id,
      });
      const variants: Array<{ id: unknown }> = await pulse().app.db.query(
        'SELECT id FROM experiment_variants WHERE experiment_id = ? ORDER BY id',
        [experimentId],
      );
      const survivor = await createPersonWithHistory(pulse(), 1);
      const [duplicate] = await createCustomers(pulse(), 1);
      const expose = (customer: string, variant: unknown, at: string) =>
        pulse().app.db.query(
          'INSERT INTO experiment_exposures (experiment_id, customer_id, variant_id, first_exposed_at, mixed_variants) VALUES (?, ?, ?, ?, 0)',
          [experimentId, dbId(customer), Number(variant), at],
        );
      await expose(survivor.id, variants[0].id, '2025-03-02 10:00:00.000');
      await expose(duplicate.id, variants[1].id, '2025-03-01 10:00:00.000');
      const exposure = async () =>
        (
          await pulse().app.db.query(
            'SELECT customer_id, variant_id, mixed_variants FROM experiment_exposures WHERE experiment_id = ? ORDER BY customer_id',
            [experimentId],
          )
        ).map((r: Record<string, unknown>) => [
          Number(r.customer_id),
          Number(r.variant_id),
          Number(r.mixed_variants),
        ]);

      return { survivor, duplicate, variants: variants.map((v) => Number(v.id)), exposure };
    }

    it('refuses with CONFLICT naming duplicateIds and changes nothing', async () => {
      const { survivor, duplicate, exposure } = await exposed();
      const before = await exposure();
      const interactions = await owners('interactions', [survivor.id, duplicate.id]);

      const response = await pulse().query(MERGE, {
        input: { survivorId: duplicate.id, duplicateIds: [survivor.id] },
      });

      expectError(response, 'CONFLICT', 'input.duplicateIds');
      expect(await exposure()).toEqual(before);
      expect(await owners('interactions', [survivor.id, duplicate.id])).toEqual(interactions);
      const [row] = await pulse().app.db.query(
        'SELECT COUNT(*) AS n FROM customer_merges WHERE merged_customer_id = ?',
        [dbId(survivor.id)],
      );
      expect(Number(row.n)).toBe(0);
    });

    it('keeps the earliest exposure and marks it mixed when forced', async () => {
      const { survivor, duplicate, variants, exposure } = await exposed();

      const response = await pulse().query(MERGE, {
        input: { survivorId: survivor.id, duplicateIds: [duplicate.id], force: true },
      });

      expect(response.errors).toBeUndefined();
      expect(await exposure()).toEqual([[dbId(survivor.id), variants[1], 1]]);
    });
  });

  it.each([
    ['an unknown duplicate', () => ['Q3VzdG9tZXI6OTk5OTk5'], 'NOT_FOUND', 'input.duplicateIds[0]'],
    [
      'the survivor among its duplicates',
      (s: string) => [s],
      'BAD_USER_INPUT',
      'input.duplicateIds[0]',
    ],
    [
      '51 duplicates',
      () => Array.from({ length: 51 }, (_, k) => toGlobalId('Customer', 900_000 + k)),
      'BAD_USER_INPUT',
      'input.duplicateIds',
    ],
  ])('refuses %s', async (_title, duplicateIds, code, field) => {
    const [survivor] = await createCustomers(pulse(), 1);

    const response = await pulse().query(MERGE, {
      input: { survivorId: survivor.id, duplicateIds: duplicateIds(survivor.id) },
    });

    expectError(response, code, field);
  });

  it('refuses partners with FORBIDDEN', async () => {
    const [survivor, duplicate] = await createCustomers(pulse(), 2);

    const response = await pulse().query(
      MERGE,
      { input: { survivorId: survivor.id, duplicateIds: [duplicate.id] } },
      { role: Role.PARTNER },
    );

    expectError(response, 'FORBIDDEN');
  });
});
