import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fromGlobalId } from '../../../src/graphql/global-id';
import { importCsv } from '../../../src/imports/csv-import';
import { createSegment } from '../segments/segment-support';
import { describeEachDialect } from '../support/dialects';
import { expectError } from '../support/expect-error';
import { createCustomers, unique } from '../support/factories';

const MERGE = `mutation Merge($input: MergeCustomersInput!) { mergeCustomers(input: $input) { mergedIds } }`;
const INGEST_INTERACTIONS = `mutation($input: IngestInteractionsInput!) {
  ingestInteractions(input: $input) { accepted duplicates }
}`;
const INGEST_ORDERS = `mutation($input: IngestOrdersInput!) {
  ingestOrders(input: $input) { accepted duplicates statusUpdated }
}`;
const UPSERT = `mutation($input: UpsertCustomersInput!) {
  upsertCustomers(input: $input) { created updated unchanged customers { id externalId name city } }
}`;
const ACTIVITY = `query($id: ID!) {
  customer(id: $id) {
    interactions(first: 100) { totalCount edges { node { clientEventId customer { id } } } }
    orders(first: 100) { totalCount edges { node { clientOrderId customer { id } } } }
    summary { totalSpent orderCount }
  }
}`;
const CHANGE_MEMBERS = (mutation: 'add' | 'remove') => `mutation($input: SegmentMembersInput!) {
  ${mutation}SegmentMembers(input: $input) { changed unknownExternalIds segment { size } }
}`;
const MEMBERS = `query($id: ID!) {
  segment(id: $id) { members(first: 10) { edges { node { id externalId } } } }
}`;

interface Person {
  id: string;
  externalId: string;
}

interface Activity {
  interactions: { totalCount: number; edges: Array<{ node: { clientEventId: string } }> };
  orders: { totalCount: number; edges: Array<{ node: { clientOrderId: string } }> };
  summary: { totalSpent: number; orderCount: number };
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'pulse-merged-'));

function writeCsv(lines: string[]): string {
  const file = path.join(dir, `${unique('file')}.csv`);
  writeFileSync(file, `${lines.join('\n')}\n`);

  return file;
}

// Source systems keep sending events, orders and profiles for their old record of a person after
// Pulse merged it into another: the merged external id (and global id) leads to the survivor.
describeEachDialect('ids of merged customers', (pulse) => {
  const dbId = (id: string) => fromGlobalId(id, 'Customer', 'id');

  /** A survivor with `count` duplicates merged into it. */
  async function merged(count = 1): Promise<{ survivor: Person; duplicates: Person[] }> {
    const [survivor, ...duplicates] = await createCustomers(pulse(), count + 1, (i) => ({
      city: i === 0 ? null : 'Leeds',
    }));
    const response = await pulse().query(MERGE, {
      input: { survivorId: survivor.id, duplicateIds: duplicates.map((d) => d.id) },
    });
    expect(response.errors).toBeUndefined();

    return { survivor, duplicates };
  }

  const activity = async (id: string): Promise<Activity> => {
    const response = await pulse().query<{ customer: Activity }>(ACTIVITY, { id });
    expect(response.errors).toBeUndefined();

    return response.data!.customer;
  };
  const event = (ref: Record<string, string>, clientEventId = unique('evt')) => ({
    ...ref,
    channel: 'EMAIL',
    type: 'email_open',
    occurredAt: '2025-06-01T09:00:00Z',
    clientEventId,
  });
  const order = (ref: Record<string, string>, clientOrderId = unique('ord')) => ({
    ...ref,
    clientOrderId,
    orderedAt: '2025-06-01T09:00:00Z',
    currency: 'EUR',
    status: 'PAID',
    amount: 10,
  });
  const ingestInteractions = (interactions: unknown[]) =>
    pulse().query<{ ingestInteractions: unknown }>(INGEST_INTERACTIONS, {
      input: { interactions },
    });
  const ingestOrders = (orders: unknown[]) =>
    pulse().query<{ ingestOrders: unknown }>(INGEST_ORDERS, { input: { orders } });
  const upsert = (customers: unknown[]) =>
    pulse().query<{
      upsertCustomers: {
        created: number;
        updated: number;
        unchanged: number;
        customers: Array<{ id: string; externalId: string; name: string; city: string | null }>;
      };
    }>(UPSERT, { input: { customers } });
  const customersWithExternalId = async (externalId: string) =>
    Number(
      (
        await pulse().app.db.query('SELECT COUNT(*) AS n FROM customers WHERE external_id = ?', [
          externalId,
        ])
      )[0].n,
    );

  describe('ingestion', () => {
    it('stores interactions sent for a merged external id or global id on the survivor, and counts a retry as duplicates', async () => {
      const { survivor, duplicates } = await merged();
      const [duplicate] = duplicates;
      const sent = [
        event({ customerExternalId: survivor.externalId }),
        event({ customerExternalId: duplicate.externalId }),
        event({ customerId: duplicate.id }),
      ];

      const response = await ingestInteractions(sent);

      expect(response.data).toEqual({ ingestInteractions: { accepted: 3, duplicates: 0 } });
      const stored = (await activity(survivor.id)).interactions;
      expect(stored.edges.map(({ node }) => node.clientEventId).sort()).toEqual(
        sent.map((row) => row.clientEventId).sort(),
      );
      expect((await ingestInteractions(sent)).data).toEqual({
        ingestInteractions: { accepted: 0, duplicates: 3 },
      });
    });

    it('stores orders sent for a merged external id or global id on the survivor, and counts them in its summary', async () => {
      const { survivor, duplicates } = await merged();
      const [duplicate] = duplicates;
      const sent = [
        order({ customerExternalId: duplicate.externalId }),
        order({ customerId: duplicate.id }),
      ];

      const response = await ingestOrders(sent);

      expect(response.data).toEqual({
        ingestOrders: { accepted: 2, duplicates: 0, statusUpdated: 0 },
      });
      expect(await activity(survivor.id)).toMatchObject({
        orders: { totalCount: 2 },
        summary: { totalSpent: 20, orderCount: 2 },
      });
    });

    it('still refuses the whole batch over an external id that never was a customer', async () => {
      const { survivor, duplicates } = await merged();

      const response = await ingestInteractions([
        event({ customerExternalId: duplicates[0].externalId }),
        event({ customerExternalId: unique('ghost') }),
      ]);

      expectError(response, 'BAD_USER_INPUT', 'input.interactions[1].customerExternalId');
      expect((await activity(survivor.id)).interactions.totalCount).toBe(0);
    });

    it('imports CSV interactions and orders of a merged external id onto the survivor', async () => {
      const { survivor, duplicates } = await merged();
      const [duplicate] = duplicates;
      const services = pulse().app.services;
      const eventId = unique('evt');
      const orderId = unique('ord');

      const interactions = await importCsv(
        services,
        'interactions',
        writeCsv([
          'customer_external_id,client_event_id,channel,type,occurred_at',
          `${duplicate.externalId},${eventId},email,email_open,2025-06-01T09:00:00Z`,
        ]),
      );
      const orders = await importCsv(
        services,
        'orders',
        writeCsv([
          'client_order_id,customer_external_id,ordered_at,currency,status,amount',
          `${orderId},${duplicate.externalId},2025-06-01,EUR,PAID,12.5`,
        ]),
      );

      expect(interactions).toMatchObject({ imported: { accepted: 1 }, rejected: 0 });
      expect(orders).toMatchObject({ imported: { accepted: 1 }, rejected: 0 });
      const stored = await activity(survivor.id);
      expect(stored.interactions.edges.map(({ node }) => node.clientEventId)).toEqual([eventId]);
      expect(stored.orders.edges.map(({ node }) => node.clientOrderId)).toEqual([orderId]);
      expect(stored.summary).toEqual({ totalSpent: 12.5, orderCount: 1 });
    });

    it('resolves the merged ids of a whole batch in a bounded number of statements', async () => {
      const { duplicates } = await merged(25);
      const cost = async (people: Person[]) =>
        (
          await pulse().countStatements(async () => {
            const response = await pulse().query(
              `mutation($a: IngestInteractionsInput!, $b: IngestOrdersInput!) {
                ingestInteractions(input: $a) { accepted } ingestOrders(input: $b) { accepted }
              }`,
              {
                a: {
                  interactions: people.map((p) => event({ customerExternalId: p.externalId })),
                },
                b: { orders: people.map((p) => order({ customerExternalId: p.externalId })) },
              },
            );
            expect(response.data).toEqual({
              ingestInteractions: { accepted: people.length },
              ingestOrders: { accepted: people.length },
            });
          })
        ).statements;
      const live = await createCustomers(pulse(), 25);

      const one = await cost(duplicates.slice(0, 1));
      const all = await cost(duplicates);
      const allLive = await cost(live);

      expect(all).toBe(one);
      // One more statement per call (interactions, orders) for the redirects, none when every
      // id is a live customer's.
      expect(all).toBeLessThanOrEqual(allLive + 2);
    });

    it('refuses a merged external id once its survivor is deleted or erased', async () => {
      const deleted = await merged();
      const erased = await merged();
      await pulse().query(
        `mutation($input: DeleteCustomerInput!) { deleteCustomer(input: $input) { deletedId } }`,
        { input: { id: deleted.survivor.id } },
      );
      await pulse().query(
        `mutation($input: EraseCustomerInput!) { eraseCustomer(input: $input) { customerId } }`,
        { input: { customerId: erased.survivor.id } },
      );

      for (const { duplicates } of [deleted, erased]) {
        const response = await ingestOrders([
          order({ customerExternalId: duplicates[0].externalId }),
        ]);
        expectError(response, 'BAD_USER_INPUT', 'input.orders[0].customerExternalId');
        const byId = await ingestOrders([order({ customerId: duplicates[0].id })]);
        expectError(byId, 'BAD_USER_INPUT', 'input.orders[0].customerId');
      }
    });
  });

  describe('upsertCustomers', () => {
    it('updates the survivor for a merged external id and creates nothing; a retry changes nothing', async () => {
      const { survivor, duplicates } = await merged();
      const [duplicate] = duplicates;
      const row = { externalId: duplicate.externalId, name: 'Ada Merged', city: 'York' };

      const first = await upsert([row]);

      expect(first.data!.upsertCustomers).toEqual({
        created: 0,
        updated: 1,
        unchanged: 0,
        customers: [
          { id: survivor.id, externalId: survivor.externalId, name: 'Ada Merged', city: 'York' },
        ],
      });
      expect(await customersWithExternalId(duplicate.externalId)).toBe(0);
      const again = await upsert([row]);
      expect(again.data!.upsertCustomers).toMatchObject({ created: 0, updated: 0, unchanged: 1 });
      expect(again.data!.upsertCustomers.customers.map((c) => c.id)).toEqual([survivor.id]);
      const found = await pulse().query<{ customerByExternalId: { id: string } }>(
        `query($externalId: String!) { customerByExternalId(externalId: $externalId) { id } }`,
        { externalId: duplicate.externalId },
      );
      expect(found.data!.customerByExternalId.id).toBe(survivor.id);
    });

    it('refuses a batch naming one survivor by its own and by a merged external id', async () => {
      const { survivor, duplicates } = await merged();

      const response = await upsert([
        { externalId: survivor.externalId, name: 'One' },
        { externalId: duplicates[0].externalId, name: 'Two' },
      ]);

      expectError(response, 'BAD_USER_INPUT', 'input.customers[1].externalId');
    });

    it('brings a deleted survivor back, as its own external id would', async () => {
      const { survivor, duplicates } = await merged();
      await pulse().query(
        `mutation($input: DeleteCustomerInput!) { deleteCustomer(input: $input) { deletedId } }`,
        { input: { id: survivor.id } },
      );

      const response = await upsert([{ externalId: duplicates[0].externalId, name: 'Back' }]);

      expect(response.data!.upsertCustomers).toMatchObject({
        created: 0,
        updated: 1,
        customers: [{ id: survivor.id, externalId: survivor.externalId, name: 'Back' }],
      });
    });

    it('creates a new customer for the merged external id of an erased survivor', async () => {
      const { survivor, duplicates } = await merged();
      await pulse().query(
        `mutation($input: EraseCustomerInput!) { eraseCustomer(input: $input) { customerId } }`,
        { input: { customerId: survivor.id } },
      );

      const response = await upsert([{ externalId: duplicates[0].externalId, name: 'New' }]);

      expect(response.data!.upsertCustomers).toMatchObject({ created: 1, updated: 0 });
      expect(response.data!.upsertCustomers.customers[0].id).not.toBe(survivor.id);
      expect(response.data!.upsertCustomers.customers[0].externalId).toBe(duplicates[0].externalId);
    });

    it('updates the survivor from a CSV import of a merged external id', async () => {
      const { survivor, duplicates } = await merged();

      const summary = await importCsv(
        pulse().app.services,
        'customers',
        writeCsv(['external_id,name', `${duplicates[0].externalId},Imported Name`]),
      );

      expect(summary).toMatchObject({
        imported: { created: 0, updated: 1, unchanged: 0 },
        rejected: 0,
      });
      expect(await customersWithExternalId(duplicates[0].externalId)).toBe(0);
      const [row] = await pulse().app.db.query(
        'SELECT name, external_id FROM customers WHERE id = ?',
        [dbId(survivor.id)],
      );
      expect(row).toEqual({ name: 'Imported Name', external_id: survivor.externalId });
    });
  });

  it('adds and removes the survivor of a merged external id as a STATIC segment member', async () => {
    const { survivor, duplicates } = await merged();
    const segment = await createSegment(pulse(), { kind: 'STATIC' });

    const added = await pulse().query<{ addSegmentMembers: unknown }>(CHANGE_MEMBERS('add'), {
      input: { id: segment.id, externalIds: [duplicates[0].externalId, survivor.externalId] },
    });

    expect(added.data!.addSegmentMembers).toEqual({
      changed: 1,
      unknownExternalIds: [],
      segment: { size: 1 },
    });
    const members = await pulse().query<{
      segment: { members: { edges: Array<{ node: Person }> } };
    }>(MEMBERS, { id: segment.id });
    expect(members.data!.segment.members.edges.map(({ node }) => node)).toEqual([survivor]);
    const removed = await pulse().query<{ removeSegmentMembers: unknown }>(
      CHANGE_MEMBERS('remove'),
      { input: { id: segment.id, externalIds: [duplicates[0].externalId] } },
    );
    expect(removed.data!.removeSegmentMembers).toEqual({
      changed: 1,
      unknownExternalIds: [],
      segment: { size: 0 },
    });
  });
});
