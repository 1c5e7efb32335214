import { Role } from '../../../src/auth/principal';
import { CustomerEntity } from '../../../src/customers/customer.entity';
import { ConsentChangeEntity, ConsentEntity } from '../../../src/customers/consent.entity';
import { parseInstant } from '../../../src/db/dialect';
import { fromGlobalId } from '../../../src/graphql/global-id';
import { InteractionEntity } from '../../../src/interactions/interaction.entity';
import { PredictionEntity } from '../../../src/predictions/prediction.entity';
import { describeEachDialect } from '../support/dialects';
import { expectError } from '../support/expect-error';
import type { TestPulse } from '../support/start-pulse';
import { apiKeyIdOf, auditEntries, createPersonWithHistory } from './privacy-support';

const ERASE = `mutation Erase($input: EraseCustomerInput!) {
  eraseCustomer(input: $input) {
    customerId erasedAt interactionsKept interactionPropertiesCleared ordersKept
    consentsDeleted consentChangesDeleted predictionsDeleted
  }
}`;
const EXPORT = `query($id: ID!) { exportCustomerData(customerId: $id) { customerId } }`;
const UPSERT = `mutation($input: UpsertCustomersInput!) {
  upsertCustomers(input: $input) { created updated customers { id externalId name } }
}`;

/** Per month (YYYY-MM): the sum of paid order amounts and the number of interactions. */
async function monthlyFigures(pulse: TestPulse, customerIds: number[]) {
  const marks = customerIds.map(() => '?').join(', ');
  const orders: Array<{ ordered_at: unknown; amount: unknown; status: string }> =
    await pulse.app.db.query(
      `SELECT ordered_at, amount, status FROM orders WHERE customer_id IN (${marks})`,
      customerIds,
    );
  const interactions: Array<{ occurred_at: unknown }> = await pulse.app.db.query(
    `SELECT occurred_at FROM interactions WHERE customer_id IN (${marks})`,
    customerIds,
  );
  const figures: Record<string, { paid: number; interactions: number }> = {};
  const month = (at: unknown) => {
    const key = parseInstant(at)!.toISOString().slice(0, 7);
    figures[key] ??= { paid: 0, interactions: 0 };

    return figures[key];
  };
  for (const order of orders) {
    if (order.status === 'PAID') {
      month(order.ordered_at).paid += Number(order.amount);
    }
  }
  for (const interaction of interactions) {
    month(interaction.occurred_at).interactions += 1;
  }

  return figures;
}

describeEachDialect('eraseCustomer', (pulse) => {
  it('keeps the monthly sums of paid orders and counts of interactions of past periods unchanged', async () => {
    const erased = await createPersonWithHistory(pulse(), 3);
    const kept = await createPersonWithHistory(pulse(), 2);
    const ids = [erased.id, kept.id].map((id) => fromGlobalId(id, 'Customer', 'id'));
    const before = await monthlyFigures(pulse(), ids);

    expect(
      (await pulse().query(ERASE, { input: { customerId: erased.id } })).errors,
    ).toBeUndefined();

    expect(before).toEqual({
      '2025-01': { paid: 42, interactions: 2 },
      '2025-02': { paid: 42, interactions: 2 },
      '2025-03': { paid: 21, interactions: 1 },
    });
    expect(await monthlyFigures(pulse(), ids)).toEqual(before);
  });

  it('clears the profile, free-text properties, consents and consent history, and says what it did', async () => {
    const person = await createPersonWithHistory(pulse(), 2);
    const id = fromGlobalId(person.id, 'Customer', 'id');
    const before = await pulse().app.db.getRepository(CustomerEntity).findOneByOrFail({ id });

    const response = await pulse().query<{ eraseCustomer: Record<string, unknown> }>(ERASE, {
      input: { customerId: person.id },
    });

    expect(response.errors).toBeUndefined();
    expect(response.data!.eraseCustomer).toEqual({
      customerId: person.id,
      erasedAt: expect.any(String),
      interactionsKept: 2,
      interactionPropertiesCleared: 2,
      ordersKept: 2,
      consentsDeleted: 1,
      consentChangesDeleted: 1,
      predictionsDeleted: 0,
    });
    const db = pulse().app.db;
    const after = await db.getRepository(CustomerEntity).findOneByOrFail({ id });
    expect(after).toMatchObject({
      name: null,
      email: null,
      phone: null,
      city: null,
      birthDate: null,
      gender: null,
      attributes: null,
      country: before.country,
      signedUpAt: before.signedUpAt,
      createdAt: before.createdAt,
      erasedAt: new Date(response.data!.eraseCustomer.erasedAt as string),
      deletedAt: new Date(response.data!.eraseCustomer.erasedAt as string),
      version: before.version + 1,
    });
    expect(after.externalId).toMatch(/^erased-[0-9a-f-]{36}$/);
    const interactions = await db.getRepository(InteractionEntity).findBy({ customerId: id });
    expect(interactions.map((row) => row.properties)).toEqual([null, null]);
    expect(await db.getRepository(ConsentEntity).countBy({ customerId: id })).toBe(0);
    expect(await db.getRepository(ConsentChangeEntity).countBy({ customerId: id })).toBe(0);
  });

  it("deletes the person's predictions, whose explanations hold their feature values", async () => {
    const [person, other] = [
      await createPersonWithHistory(pulse(), 1),
      await createPersonWithHistory(pulse(), 1),
    ];
    const ids = [person, other].map((customer) => fromGlobalId(customer.id, 'Customer', 'id'));
    const predictions = pulse().app.db.getRepository(PredictionEntity);
    for (const customerId of ids) {
      for (const kind of ['CHURN', 'CLV'] as const) {
        await predictions.insert({
          customerId,
          kind,
          modelVersionId: 1,
          score: 0.4,
          decile: 5,
          contributions: [['attribute_plan=gold', 1, 0.3]],
          scoredAt: new Date(),
        });
      }
    }

    const response = await pulse().query<{ eraseCustomer: { predictionsDeleted: number } }>(ERASE, {
      input: { customerId: person.id },
    });

    expect(response.data!.eraseCustomer.predictionsDeleted).toBe(2);
    expect(await predictions.countBy({ customerId: ids[0] })).toBe(0);
    expect(await predictions.countBy({ customerId: ids[1] })).toBe(2);
  });

  it('removes the erased person from customers, customer, customerByExternalId and node', async () => {
    const person = await createPersonWithHistory(pulse(), 1);
    expect(
      (await pulse().query(ERASE, { input: { customerId: person.id } })).errors,
    ).toBeUndefined();

    const response = await pulse().query<Record<string, any>>(
      `query($id: ID!, $externalId: String!) {
        customers(first: 100) { edges { node { id } } }
        byExternalId: customerByExternalId(externalId: $externalId) { id }
        node(id: $id) { id }
      }`,
      { id: person.id, externalId: person.externalId },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data!.customers.edges.map((edge: any) => edge.node.id)).not.toContain(
      person.id,
    );
    expect(response.data!.byExternalId).toBeNull();
    expect(response.data!.node).toBeNull();
    expectError(
      await pulse().query(`query($id: ID!) { customer(id: $id) { id } }`, { id: person.id }),
      'NOT_FOUND',
    );
  });

  it('erases the survivor when given the global id of a record merged into it', async () => {
    const person = await createPersonWithHistory(pulse(), 1);
    const duplicate = await createPersonWithHistory(pulse(), 1);
    expect(
      (
        await pulse().query(
          `mutation($input: MergeCustomersInput!) { mergeCustomers(input: $input) { mergedIds } }`,
          { input: { survivorId: person.id, duplicateIds: [duplicate.id] } },
        )
      ).errors,
    ).toBeUndefined();

    const response = await pulse().query<{ eraseCustomer: { customerId: string } }>(ERASE, {
      input: { customerId: duplicate.id },
    });

    expect(response.errors).toBeUndefined();
    expect(response.data!.eraseCustomer).toMatchObject({
      customerId: person.id,
      interactionsKept: 2,
      ordersKept: 2,
    });
    const row = await pulse()
      .app.db.getRepository(CustomerEntity)
      .findOneByOrFail({ id: fromGlobalId(person.id, 'Customer', 'id') });
    expect(row).toMatchObject({ name: null, email: null, erasedAt: expect.any(Date) });
    // Erased now: the merged id leads nowhere.
    expectError(await pulse().query(ERASE, { input: { customerId: duplicate.id } }), 'NOT_FOUND');
  });

  it('leaves no external id of a customer merged into the erased one', async () => {
    const person = await createPersonWithHistory(pulse(), 1);
    const duplicate = await createPersonWithHistory(pulse(), 1);
    const merged = await pulse().query(
      `mutation($input: MergeCustomersInput!) { mergeCustomers(input: $input) { mergedIds } }`,
      { input: { survivorId: person.id, duplicateIds: [duplicate.id] } },
    );
    expect(merged.errors).toBeUndefined();

    expect(
      (await pulse().query(ERASE, { input: { customerId: person.id } })).errors,
    ).toBeUndefined();

    // The redirect stays (the merged global id still leads to the anonymous row), but not the
    // source system's id of the person.
    const redirects: Array<{ merged_customer_id: unknown; merged_external_id: string }> =
      await pulse().app.db.query(
        'SELECT merged_customer_id, merged_external_id FROM customer_merges WHERE survivor_id = ?',
        [fromGlobalId(person.id, 'Customer', 'id')],
      );
    expect(redirects.map((row) => Number(row.merged_customer_id))).toEqual([
      fromGlobalId(duplicate.id, 'Customer', 'id'),
    ]);
    expect(redirects[0].merged_external_id).toMatch(/^erased-/);
    const found = await pulse().query<{ customerByExternalId: unknown }>(
      `query($externalId: String!) { customerByExternalId(externalId: $externalId) { id } }`,
      { externalId: duplicate.externalId },
    );
    expect(found.data!.customerByExternalId).toBeNull();
  });

  it('creates a new customer when the old external id is imported again', async () => {
    const person = await createPersonWithHistory(pulse(), 1);
    expect(
      (await pulse().query(ERASE, { input: { customerId: person.id } })).errors,
    ).toBeUndefined();

    const response = await pulse().query<{
      upsertCustomers: { created: number; customers: Array<{ id: string; name: string }> };
    }>(UPSERT, { input: { customers: [{ externalId: person.externalId, name: 'Someone New' }] } });

    expect(response.errors).toBeUndefined();
    expect(response.data!.upsertCustomers.created).toBe(1);
    expect(response.data!.upsertCustomers.customers[0].id).not.toBe(person.id);
    expect(response.data!.upsertCustomers.customers[0].name).toBe('Someone New');
  });

  it('erases a deleted customer, and answers NOT_FOUND to a second erasure and to an export', async () => {
    const person = await createPersonWithHistory(pulse(), 1);
    await pulse().query(`mutation($id: ID!) { deleteCustomer(input: { id: $id }) { deletedId } }`, {
      id: person.id,
    });

    expect(
      (await pulse().query(ERASE, { input: { customerId: person.id } })).errors,
    ).toBeUndefined();

    expectError(
      await pulse().query(ERASE, { input: { customerId: person.id } }),
      'NOT_FOUND',
      'input.customerId',
    );
    expectError(await pulse().query(EXPORT, { id: person.id }), 'NOT_FOUND', 'customerId');
  });

  it.each([Role.ANALYST, Role.PARTNER, Role.ALERTS])(
    'refuses the %s role with FORBIDDEN and changes nothing',
    async (role) => {
      const person = await createPersonWithHistory(pulse(), 1);
      const id = fromGlobalId(person.id, 'Customer', 'id');

      expectError(
        await pulse().query(ERASE, { input: { customerId: person.id } }, { role }),
        'FORBIDDEN',
      );

      const row = await pulse().app.db.getRepository(CustomerEntity).findOneByOrFail({ id });
      expect(row).toMatchObject({ erasedAt: null, externalId: person.externalId, city: 'Leeds' });
    },
  );

  it('records the erasure in the audit log with the key and the counts', async () => {
    const person = await createPersonWithHistory(pulse(), 2);
    expect(
      (await pulse().query(ERASE, { input: { customerId: person.id } })).errors,
    ).toBeUndefined();

    const entries = await auditEntries(pulse(), {
      customerId: person.id,
      actions: ['ERASE_CUSTOMER'],
    });

    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      apiKeyId: await apiKeyIdOf(pulse(), Role.ADMIN),
      customerId: person.id,
      operationName: 'Erase',
      details: {
        interactionsKept: 2,
        interactionPropertiesCleared: 2,
        ordersKept: 2,
        consentsDeleted: 1,
        consentChangesDeleted: 1,
        predictionsDeleted: 0,
      },
    });
  });
});
