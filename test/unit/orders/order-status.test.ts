import { OrderStatus } from '../../../src/orders/order.types';
import { earlierStatuses, STATUS_STAGES } from '../../../src/orders/order.service';

describe('order status lifecycle', () => {
  it('places every status of the GraphQL enum on the lifecycle', () => {
    expect(Object.keys(STATUS_STAGES).sort()).toEqual(Object.values(OrderStatus).sort());
  });

  it.each([
    ['PLACED', []],
    ['PAID', ['PLACED']],
    ['REFUNDED', ['PLACED', 'PAID']],
    ['CANCELLED', ['PLACED', 'PAID']],
  ] as const)('lets an order become %s only from %j', (status, from) => {
    expect(earlierStatuses(status)).toEqual(from);
  });
});
