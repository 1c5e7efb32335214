import { toGlobalId } from '../graphql/global-id';
import type { OrderLineEntity } from './order-line.entity';
import type { OrderEntity } from './order.entity';
import { Order, OrderLine, type OrderStatus } from './order.types';

export function toOrder(row: OrderEntity): Order {
  return Object.assign(new Order(), {
    id: toGlobalId('Order', row.id),
    dbId: row.id,
    customerDbId: row.customerId,
    clientOrderId: row.clientOrderId,
    orderedAt: row.orderedAt,
    amount: Number(row.amount),
    currency: row.currency,
    status: row.status as OrderStatus,
  });
}

export function toOrderLine(row: OrderLineEntity): OrderLine {
  const unitPrice = Number(row.unitPrice);

  return Object.assign(new OrderLine(), {
    id: toGlobalId('OrderLine', row.id),
    dbId: row.id,
    productId: row.productId,
    productName: row.productName,
    category: row.category,
    quantity: row.quantity,
    unitPrice,
    lineTotal: Math.round(row.quantity * unitPrice * 100) / 100,
  });
}
