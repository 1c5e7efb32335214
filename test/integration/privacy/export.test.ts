import { Role } from '../../../src/auth/principal';
import { describeEachDialect } from '../support/dialects';
import { expectError } from '../support/expect-error';
import { apiKeyIdOf, auditEntries, createPersonWithHistory } from './privacy-support';

const EXPORT = `query Export($id: ID!) {
  exportCustomerData(customerId: $id) { customerId exportedAt document }
}`;
const UPDATE = `mutation($input: UpdateCustomerInput!) { updateCustomer(input: $input) { customer { version } } }`;
const DELETE = `mutation($input: DeleteCustomerInput!) { deleteCustomer(input: $input) { deletedId } }`;

type ExportResult = {
  exportCustomerData: { customerId: string; exportedAt: string; document: Record<string, any> };
};

describeEachDialect('exportCustomerData', (pulse) => {
  it('returns the unmasked profile, consents with history, interactions with properties, orders with lines and earlier audit entries', async () => {
    const person = await createPersonWithHistory(pulse(), 2);
    const updated = await pulse().query(UPDATE, {
      input: {
        id: person.id,
        version: 1,
        consents: [{ channel: 'EMAIL', status: 'DENIED', source: 'unsubscribe-link' }],
      },
    });
    expect(updated.errors).toBeUndefined();

    const response = await pulse().query<ExportResult>(EXPORT, { id: person.id });

    expect(response.errors).toBeUndefined();
    const { customerId, exportedAt, document } = response.data!.exportCustomerData;
    expect(customerId).toBe(person.id);
    expect(document.exportedAt).toBe(exportedAt);
    expect(Object.keys(document)).toEqual([
      'exportedAt',
      'profile',
      'consents',
      'consentHistory',
      'interactions',
      'orders',
      'auditEntries',
    ]);
    expect(document.profile).toMatchObject({
      id: person.id,
      externalId: person.externalId,
      name: 'Customer 0',
      email: `${person.externalId}@example.com`.toLowerCase(),
      phone: '+441234567123',
      city: 'Leeds',
      birthDate: '1984-06-02',
      gender: 'FEMALE',
      country: 'GB',
      attributes: { note: 'prefers mornings', visits: 3 },
      deletedAt: null,
    });
    expect(document.consents).toEqual([
      {
        channel: 'EMAIL',
        status: 'DENIED',
        changedAt: expect.any(String),
        source: 'unsubscribe-link',
      },
    ]);
    expect(document.consentHistory.map((change: any) => [change.status, change.source])).toEqual([
      ['GRANTED', 'signup-form'],
      ['DENIED', 'unsubscribe-link'],
    ]);
    expect(document.interactions).toHaveLength(2);
    expect(document.interactions[1]).toMatchObject({
      channel: 'SUPPORT',
      type: 'ticket_opened',
      occurredAt: '2025-02-03T00:00:00.000Z',
      properties: { subject: 'Parcel 1 lost', priority: 2 },
    });
    expect(document.orders).toHaveLength(2);
    expect(document.orders[0]).toMatchObject({
      orderedAt: '2025-01-05T00:00:00.000Z',
      amount: 21,
      currency: 'GBP',
      status: 'PAID',
      lines: [
        {
          productId: 'p0',
          productName: 'Kettle',
          category: 'kitchen',
          quantity: 2,
          unitPrice: 10.5,
        },
      ],
    });
    // Created and read back by the factory, updated and read back: all before this export.
    expect(document.auditEntries.map((entry: any) => entry.action)).toEqual([
      'UPSERT_CUSTOMERS',
      'READ_PERSONAL_DATA',
      'UPDATE_CUSTOMER',
      'READ_PERSONAL_DATA',
    ]);
  });

  it('runs the same number of SQL statements for a person with 2 and with 30 interactions and orders', async () => {
    const small = await createPersonWithHistory(pulse(), 2);
    const large = await createPersonWithHistory(pulse(), 30);
    // The first request of a key looks the key up; the measured ones reuse it.
    await pulse().query('{ customers(first: 1) { edges { cursor } } }');
    const count = async (id: string) => {
      const { result, statements } = await pulse().countStatements(() =>
        pulse().query<ExportResult>(EXPORT, { id }),
      );
      expect(result.errors).toBeUndefined();

      return { statements, interactions: result.data!.exportCustomerData.document.interactions };
    };

    const fromSmall = await count(small.id);
    const fromLarge = await count(large.id);

    expect(fromSmall.interactions).toHaveLength(2);
    expect(fromLarge.interactions).toHaveLength(30);
    expect(fromLarge.statements).toBe(fromSmall.statements);
    // Customer, consents, consent history, interactions, orders, lines, audit entries, the new
    // audit entry, and the transaction's begin and commit.
    expect(fromSmall.statements).toBe(10);
  });

  it('records the export in the audit log with the key that made it', async () => {
    const person = await createPersonWithHistory(pulse(), 1);

    expect(
      (await pulse().query(EXPORT, { id: person.id }, { role: Role.ANALYST })).errors,
    ).toBeUndefined();

    const entries = await auditEntries(pulse(), {
      customerId: person.id,
      actions: ['EXPORT_CUSTOMER_DATA'],
    });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      apiKeyId: await apiKeyIdOf(pulse(), Role.ANALYST),
      customerId: person.id,
      customerCount: 1,
      customerIds: [person.id],
      operationName: 'Export',
    });
  });

  it('exports a deleted customer, whose data Pulse still holds', async () => {
    const person = await createPersonWithHistory(pulse(), 1);
    expect((await pulse().query(DELETE, { input: { id: person.id } })).errors).toBeUndefined();

    const response = await pulse().query<ExportResult>(EXPORT, { id: person.id });

    expect(response.errors).toBeUndefined();
    expect(response.data!.exportCustomerData.document.profile.deletedAt).toEqual(
      expect.any(String),
    );
  });

  it.each([Role.PARTNER, Role.ALERTS])(
    'refuses the %s role with FORBIDDEN and records nothing',
    async (role) => {
      const person = await createPersonWithHistory(pulse(), 1);

      expectError(await pulse().query(EXPORT, { id: person.id }, { role }), 'FORBIDDEN');
      expect(
        await auditEntries(pulse(), { customerId: person.id, actions: ['EXPORT_CUSTOMER_DATA'] }),
      ).toEqual([]);
    },
  );

  it('answers NOT_FOUND for an id of no customer', async () => {
    expectError(
      await pulse().query(EXPORT, { id: Buffer.from('Customer:999999').toString('base64url') }),
      'NOT_FOUND',
      'customerId',
    );
  });
});
