import { describeEachDialect } from '../support/dialects';
import { unique } from '../support/factories';

const UPSERT = `mutation Upsert($input: UpsertCustomersInput!) {
  upsertCustomers(input: $input) { created updated customers { id externalId name } }
}`;
const BY_EXTERNAL_ID = `query ByExternalId($externalId: String!) {
  customerByExternalId(externalId: $externalId) { id name }
}`;
const INGEST = `mutation Ingest($a: IngestInteractionsInput!, $b: IngestOrdersInput!) {
  ingestInteractions(input: $a) { accepted duplicates }
  ingestOrders(input: $b) { accepted duplicates }
}`;
const ACTIVITY = `query Activity($id: ID!) {
  customer(id: $id) {
    interactions(first: 10) { edges { node { clientEventId } } }
    orders(first: 10) { edges { node { clientOrderId } } }
  }
}`;

interface Upserted {
  upsertCustomers: {
    created: number;
    updated: number;
    customers: Array<{ id: string; externalId: string; name: string }>;
  };
}

// Ids from other systems are compared exactly, as those systems compare them (Salesforce's
// 15-character ids differ by case alone). MySQL's default collation would ignore case and
// trailing spaces; the columns holding such ids compare byte for byte on both databases.
describeEachDialect('external ids', (pulse) => {
  const variants = (base: string) => [`${base}-Ab`, `${base}-aB`, `${base}-Ab `];

  it('are different customers when they differ only in case or a trailing space', async () => {
    const ids = variants(unique('ext'));
    const upsert = (suffix: string) =>
      pulse().query<Upserted>(UPSERT, {
        input: {
          customers: ids.map((externalId, i) => ({ externalId, name: `Person ${i} ${suffix}` })),
        },
      });

    const first = await upsert('first');
    expect(first.errors).toBeUndefined();
    expect(first.data!.upsertCustomers).toMatchObject({ created: 3, updated: 0 });
    expect(first.data!.upsertCustomers.customers.map((c) => c.externalId)).toEqual(ids);

    const second = await upsert('second');
    expect(second.data!.upsertCustomers).toMatchObject({ created: 0, updated: 3 });

    for (const [i, externalId] of ids.entries()) {
      const found = await pulse().query<{ customerByExternalId: { name: string } | null }>(
        BY_EXTERNAL_ID,
        { externalId },
      );
      expect(found.data!.customerByExternalId?.name).toBe(`Person ${i} second`);
    }
  });

  it("attribute events and orders to the customer with exactly that id, and dedupe only exact repeats of the client's ids", async () => {
    const ids = variants(unique('ext'));
    const upserted = await pulse().query<Upserted>(UPSERT, {
      input: { customers: ids.map((externalId) => ({ externalId, name: 'Someone' })) },
    });
    const customers = upserted.data!.upsertCustomers.customers;
    const eventIds = variants(unique('evt'));
    const orderIds = variants(unique('ord'));
    const ingest = () =>
      pulse().query<{
        ingestInteractions: { accepted: number; duplicates: number };
        ingestOrders: { accepted: number; duplicates: number };
      }>(INGEST, {
        a: {
          interactions: ids.map((customerExternalId, i) => ({
            customerExternalId,
            channel: 'WEB',
            type: 'page_view',
            occurredAt: '2026-05-01T00:00:00Z',
            clientEventId: eventIds[i],
          })),
        },
        b: {
          orders: ids.map((customerExternalId, i) => ({
            customerExternalId,
            clientOrderId: orderIds[i],
            orderedAt: '2026-05-02T00:00:00Z',
            currency: 'EUR',
            status: 'PAID',
            lines: [{ productId: 'p', productName: 'Lamp', quantity: 1, unitPrice: 10 }],
          })),
        },
      });

    const first = await ingest();
    expect(first.errors).toBeUndefined();
    expect(first.data).toEqual({
      ingestInteractions: { accepted: 3, duplicates: 0 },
      ingestOrders: { accepted: 3, duplicates: 0 },
    });
    expect((await ingest()).data).toEqual({
      ingestInteractions: { accepted: 0, duplicates: 3 },
      ingestOrders: { accepted: 0, duplicates: 3 },
    });
    for (const [i, customer] of customers.entries()) {
      const activity = await pulse().query<{
        customer: {
          interactions: { edges: Array<{ node: { clientEventId: string } }> };
          orders: { edges: Array<{ node: { clientOrderId: string } }> };
        };
      }>(ACTIVITY, { id: customer.id });
      expect({
        events: activity.data!.customer.interactions.edges.map((edge) => edge.node.clientEventId),
        orders: activity.data!.customer.orders.edges.map((edge) => edge.node.clientOrderId),
      }).toEqual({ events: [eventIds[i]], orders: [orderIds[i]] });
    }
  });
});

// Emails are stored lower-cased; beyond case, addresses that differ in one letter are different
// mailboxes, though MySQL's default collation equates accented letters with plain ones.
describeEachDialect('emails', (pulse) => {
  it('are different customers when they differ only in an accent', async () => {
    const base = unique('mail');
    const response = await pulse().query<Upserted>(UPSERT, {
      input: {
        customers: [
          { externalId: `${base}-1`, email: `rené-${base}@example.com` },
          { externalId: `${base}-2`, email: `rene-${base}@example.com` },
        ],
      },
    });

    expect(response.errors).toBeUndefined();
    expect(response.data!.upsertCustomers.created).toBe(2);
  });
});
