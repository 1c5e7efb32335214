import { Role } from '../../../src/auth/principal';
import { fromGlobalId } from '../../../src/graphql/global-id';
import { PredictionEntity } from '../../../src/predictions/prediction.entity';
import {
  CustomerLifecycleEntity,
  LifecycleMoveEntity,
} from '../../../src/segments/lifecycle.entity';
import { CustomerRfmEntity } from '../../../src/segments/rfm.entity';
import { CREATE_EXPERIMENT, MOVE, purchaseExperiment } from '../experiments/experiment-fixtures';
import { createSegment } from '../segments/segment-support';
import { describeEachDialect } from '../support/dialects';
import { expectError } from '../support/expect-error';
import { createCustomers, unique } from '../support/factories';
import { apiKeyIdOf, auditEntries, createPersonWithHistory } from './privacy-support';

const EXPORT = `query Export($id: ID!) {
  exportCustomerData(customerId: $id) { customerId exportedAt document }
}`;
const UPDATE = `mutation($input: UpdateCustomerInput!) { updateCustomer(input: $input) { customer { version } } }`;
const MERGE = `mutation($input: MergeCustomersInput!) { mergeCustomers(input: $input) { mergedIds } }`;
const ADD_MEMBERS = `mutation($input: SegmentMembersInput!) { addSegmentMembers(input: $input) { changed } }`;
const ASSIGN = `mutation($key: String!, $customerId: ID!) {
  assignVariant(experimentKey: $key, customerId: $customerId) { variant { key } }
}`;
const READ = `query Read($id: ID!) { customer(id: $id) { name } }`;
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
      'mergedRecords',
      'segmentMemberships',
      'segmentHistory',
      'rfm',
      'lifecycle',
      'lifecycleMoves',
      'experimentExposures',
      'predictions',
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

  it('holds what else Pulse keeps about the person: merged records, segments, RFM, lifecycle, exposures and predictions', async () => {
    const person = await createPersonWithHistory(pulse(), 1);
    const [duplicate] = await createCustomers(pulse(), 1);
    // Read before the merge: an entry about the duplicate's id, the same person.
    expect((await pulse().query(READ, { id: duplicate.id })).errors).toBeUndefined();
    expect(
      (
        await pulse().query(MERGE, {
          input: { survivorId: person.id, duplicateIds: [duplicate.id] },
        })
      ).errors,
    ).toBeUndefined();
    const segment = await createSegment(pulse(), { kind: 'STATIC' });
    expect(
      (
        await pulse().query(ADD_MEMBERS, {
          input: { id: segment.id, externalIds: [person.externalId] },
        })
      ).errors,
    ).toBeUndefined();
    const key = unique('export').toLowerCase();
    const created = await pulse().query<{ createExperiment: { experiment: { id: string } } }>(
      CREATE_EXPERIMENT,
      { input: purchaseExperiment(key) },
    );
    await pulse().query(MOVE('startExperiment'), {
      id: created.data!.createExperiment.experiment.id,
    });
    const assigned = await pulse().query<{ assignVariant: { variant: { key: string } } }>(ASSIGN, {
      key,
      customerId: person.id,
    });
    expect(assigned.errors).toBeUndefined();
    const customerId = fromGlobalId(person.id, 'Customer', 'id');
    const db = pulse().app.db;
    const at = new Date('2025-06-01T00:00:00.000Z');
    await db.getRepository(PredictionEntity).insert({
      customerId,
      kind: 'CHURN',
      modelVersionId: 1,
      score: 0.4,
      decile: 5,
      contributions: [['attribute_plan=gold', 1, 0.3]],
      scoredAt: at,
    });
    await db.getRepository(CustomerRfmEntity).insert({
      customerId,
      recencyDays: 10,
      frequency: 1,
      monetary: '21.00',
      r: 5,
      f: 1,
      m: 2,
      rfmGroup: 'NEW_CUSTOMERS',
      computedAt: at,
    });
    await db
      .getRepository(CustomerLifecycleEntity)
      .insert({ customerId, stage: 'ACTIVE', since: at, computedAt: at });
    await db
      .getRepository(LifecycleMoveEntity)
      .insert({ customerId, fromStage: null, toStage: 'ACTIVE', movedAt: at });

    const response = await pulse().query<ExportResult>(EXPORT, { id: person.id });

    expect(response.errors).toBeUndefined();
    const { document } = response.data!.exportCustomerData;
    expect(document.mergedRecords).toEqual([
      { id: duplicate.id, externalId: duplicate.externalId, mergedAt: expect.any(String) },
    ]);
    expect(document.segmentMemberships).toEqual([
      { segmentId: segment.id, segmentName: expect.any(String), enteredAt: expect.any(String) },
    ]);
    expect(document.segmentHistory).toEqual([
      {
        segmentId: segment.id,
        segmentName: expect.any(String),
        enteredAt: expect.any(String),
        leftAt: null,
      },
    ]);
    expect(document.rfm).toEqual({
      recencyDays: 10,
      frequency: 1,
      monetary: 21,
      r: 5,
      f: 1,
      m: 2,
      group: 'NEW_CUSTOMERS',
      computedAt: at.toISOString(),
    });
    expect(document.lifecycle).toEqual({
      stage: 'ACTIVE',
      since: at.toISOString(),
      computedAt: at.toISOString(),
    });
    expect(document.lifecycleMoves).toEqual([
      { from: null, to: 'ACTIVE', movedAt: at.toISOString() },
    ]);
    expect(document.experimentExposures).toEqual([
      {
        experimentId: created.data!.createExperiment.experiment.id,
        experimentKey: key,
        variantKey: assigned.data!.assignVariant.variant.key,
        firstExposedAt: expect.any(String),
        mixedVariants: false,
      },
    ]);
    expect(document.predictions).toEqual([
      {
        kind: 'CHURN',
        modelVersionId: expect.any(String),
        score: 0.4,
        decile: 5,
        scoredAt: at.toISOString(),
        contributions: [{ feature: 'attribute_plan=gold', value: 1, contribution: 0.3 }],
      },
    ]);
    // The duplicate's read names its old id; it is the same person's record.
    expect(
      document.auditEntries.filter(
        (entry: any) => entry.action === 'READ_PERSONAL_DATA' && entry.operationName === 'Read',
      ),
    ).toHaveLength(1);
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
    // Customer, consents, consent history, interactions, orders, lines, merged records, segment
    // memberships, segment history, RFM, lifecycle, lifecycle moves, experiment exposures,
    // predictions, merged ids and audit entries, the new audit entry, and the transaction's
    // begin and commit.
    expect(fromSmall.statements).toBe(19);
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

  it('exports the survivor when asked with the global id of a record merged into it', async () => {
    const person = await createPersonWithHistory(pulse(), 1);
    const duplicate = await createPersonWithHistory(pulse(), 1);
    expect(
      (
        await pulse().query(MERGE, {
          input: { survivorId: person.id, duplicateIds: [duplicate.id] },
        })
      ).errors,
    ).toBeUndefined();

    const response = await pulse().query<ExportResult>(EXPORT, { id: duplicate.id });

    expect(response.errors).toBeUndefined();
    const { customerId, document } = response.data!.exportCustomerData;
    expect(customerId).toBe(person.id);
    expect(document.profile.id).toBe(person.id);
    expect(document.interactions).toHaveLength(2);
    expect(
      await auditEntries(pulse(), { customerId: person.id, actions: ['EXPORT_CUSTOMER_DATA'] }),
    ).toHaveLength(1);
  });

  it('answers NOT_FOUND for an id of no customer', async () => {
    expectError(
      await pulse().query(EXPORT, { id: Buffer.from('Customer:999999').toString('base64url') }),
      'NOT_FOUND',
      'customerId',
    );
  });
});
