import { setTimeout as sleep } from 'node:timers/promises';
import { describeEachDialect } from '../support/dialects';
import { createCustomers } from '../support/factories';

const CREATE = `mutation($input: CreateSegmentInput!) { createSegment(input: $input) { segment { id } } }`;
const REFRESHES = `query($id: ID!) {
  segment(id: $id) { size refreshes(first: 10) { edges { node { trigger size entered } } } }
}`;
const INGEST = `mutation($input: IngestOrdersInput!) { ingestOrders(input: $input) { accepted } }`;

describeEachDialect(
  'segment refresh after ingestion',
  (pulse) => {
    let segmentId: string;

    beforeAll(async () => {
      const { data, errors } = await pulse().query<any>(CREATE, {
        input: { name: 'prospects', kind: 'LIFECYCLE', lifecycleStages: ['PROSPECT'] },
      });
      expect(errors).toBeUndefined();
      segmentId = data.createSegment.segment.id;
    });

    it('refreshes every segment once, a debounce after a burst of ingestion, without delaying it', async () => {
      const started = Date.now();
      const customers = await createCustomers(pulse(), 3);
      await createCustomers(pulse(), 2);
      // Ingestion answers long before the one-second debounce has passed.
      expect(Date.now() - started).toBeLessThan(900);
      const before = await pulse().query<any>(REFRESHES, { id: segmentId });
      expect(before.data.segment.refreshes.edges).toEqual([]);
      await sleep(2000);
      const after = await pulse().query<any>(REFRESHES, { id: segmentId });
      // Five new customers without orders: all PROSPECTs once lifecycle and segments refresh.
      expect(after.data.segment).toEqual({
        size: 5,
        refreshes: { edges: [{ node: { trigger: 'INGESTION', size: 5, entered: 5 } }] },
      });
      const order = await pulse().query<any>(INGEST, {
        input: {
          orders: [
            {
              customerId: customers[0].id,
              clientOrderId: 'ingestion-refresh-1',
              orderedAt: new Date().toISOString(),
              amount: 10,
              currency: 'EUR',
              status: 'PAID',
            },
          ],
        },
      });
      expect(order.data.ingestOrders.accepted).toBe(1);
      await sleep(2000);
      const later = await pulse().query<any>(REFRESHES, { id: segmentId });
      expect(later.data.segment.size).toBe(4);
      expect(later.data.segment.refreshes.edges.map((edge: any) => edge.node.trigger)).toEqual([
        'INGESTION',
        'INGESTION',
      ]);
    });
  },
  { segmentIngestionDebounceSeconds: 1 },
);
