import { fromGlobalId } from '../../../src/graphql/global-id';
import { createCustomers, unique } from '../support/factories';
import type { TestPulse } from '../support/start-pulse';

/** One order of a crafted history; `daysAgo` counts back from the test's reference instant. */
export interface HistoryOrder {
  customer: number;
  daysAgo: number;
  amount: number;
  status?: 'PAID' | 'PLACED' | 'REFUNDED';
}

const DAY = 86_400_000;

// Segment refreshes started by the server itself would recompute scores at the wall-clock time
// in the middle of a test that set its own `now`.
export const NO_BACKGROUND_REFRESH = {
  segmentRefreshMinutes: 0,
  segmentIngestionDebounceSeconds: 0,
};

/** Creates `count` customers and returns their global and row ids. */
export async function customersWithIds(
  pulse: TestPulse,
  count: number,
): Promise<Array<{ id: string; dbId: number }>> {
  const customers = await createCustomers(pulse, count);

  return customers.map((customer) => ({
    id: customer.id,
    dbId: fromGlobalId(customer.id, 'Customer', 'id'),
  }));
}

/** Ingests orders placed `daysAgo` days before `now` by the given customers. */
export async function ingestOrders(
  pulse: TestPulse,
  customers: Array<{ id: string }>,
  now: Date,
  orders: HistoryOrder[],
): Promise<void> {
  const prefix = unique('order');
  for (let start = 0; start < orders.length; start += 5000) {
    const response = await pulse.query(
      `mutation($input: IngestOrdersInput!) { ingestOrders(input: $input) { accepted } }`,
      {
        input: {
          orders: orders.slice(start, start + 5000).map((order, i) => ({
            customerId: customers[order.customer].id,
            clientOrderId: `${prefix}-${start + i}`,
            orderedAt: new Date(now.getTime() - order.daysAgo * DAY).toISOString(),
            amount: order.amount,
            currency: 'EUR',
            status: order.status ?? 'PAID',
          })),
        },
      },
    );
    if (response.errors) {
      throw new Error(`ingesting orders failed: ${JSON.stringify(response.errors)}`);
    }
  }
}

/** Soft-deletes a customer through the API. */
export async function deleteCustomer(pulse: TestPulse, id: string): Promise<void> {
  const response = await pulse.query(
    `mutation($input: DeleteCustomerInput!) { deleteCustomer(input: $input) { __typename } }`,
    { input: { id } },
  );
  if (response.errors) {
    throw new Error(`deleting a customer failed: ${JSON.stringify(response.errors)}`);
  }
}
