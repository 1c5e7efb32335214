import {
  groupBy,
  groupLoader,
  type LoaderOptions,
  parentArgsLoader,
  rowLoader,
} from '../db/loaders';
import type { OrderLineEntity } from './order-line.entity';
import type { OrderEntity } from './order.entity';
import type { OrderFilter, OrderService } from './order.service';

/** Arguments of one customer's order page; equal arguments share one query. */
export interface OrderPageArgs {
  filter: OrderFilter;
  limit: number;
  before: { at: Date; id: number } | null;
}

export function createOrderLoaders(orders: OrderService, options: LoaderOptions) {
  return {
    orderById: rowLoader<OrderEntity>(
      (ids) => orders.byIds(ids),
      (row) => row.id,
      options,
    ),
    orderLineById: rowLoader<OrderLineEntity>(
      (ids) => orders.lineByIds(ids),
      (row) => row.id,
      options,
    ),
    linesByOrderId: groupLoader(
      (ids) => orders.linesOf(ids),
      (row) => row.orderId,
      options,
    ),
    latestOrdersByCustomer: parentArgsLoader<OrderPageArgs, OrderEntity[]>(
      async (customerIds, args) =>
        groupBy(
          await orders.latestOf(customerIds, args.filter, args.limit, args.before),
          (row) => row.customerId,
        ),
      () => [],
      options,
    ),
    orderCountByCustomer: parentArgsLoader<OrderFilter, number>(
      (customerIds, filter) => orders.countsOf(customerIds, filter),
      () => 0,
      options,
    ),
  };
}
