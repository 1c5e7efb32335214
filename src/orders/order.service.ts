import { type DataSource, type EntityManager, In } from 'typeorm';
import { resolveCustomerRefs, type CustomerRef } from '../customers/customer.service';
import { insertSkippingDuplicates, runStatement, sqlInstant } from '../db/dialect';
import { countPerParent, latestPerParent } from '../db/per-parent';
import { selectEntities } from '../db/entity-select';
import { inTransaction } from '../db/transaction';
import { badInput } from '../errors';
import type { DataChanges } from '../events';
import { OrderLineEntity } from './order-line.entity';
import { OrderEntity } from './order.entity';

export type OrderStatusValue = 'PLACED' | 'PAID' | 'REFUNDED' | 'CANCELLED';

/**
 * How far along its lifecycle each status is; an order's status only ever moves to a higher
 * stage:
 *
 *   PLACED (0) → PAID (1) → REFUNDED (2)
 *   PLACED (0) or PAID (1) → CANCELLED (2)
 *
 * REFUNDED and CANCELLED are terminal and share a stage, so neither replaces the other. A paid
 * order may still be cancelled (a shop that cancels and refunds it in one step), but nothing
 * brings a refunded or cancelled order back to spend, nor a paid one back to PLACED: such a
 * resend is a retry of an older message.
 */
export const STATUS_STAGES: Readonly<Record<OrderStatusValue, number>> = {
  PLACED: 0,
  PAID: 1,
  REFUNDED: 2,
  CANCELLED: 2,
};

/** The statuses an order may move to `status` from. */
export function earlierStatuses(status: OrderStatusValue): OrderStatusValue[] {
  return (Object.keys(STATUS_STAGES) as OrderStatusValue[]).filter(
    (other) => STATUS_STAGES[other] < STATUS_STAGES[status],
  );
}

export interface OrderLineData {
  productId: string;
  productName: string;
  category?: string | null;
  quantity: number;
  unitPrice: number;
}

/** One order to ingest, as the API and imports give it. */
export interface OrderData extends CustomerRef {
  clientOrderId: string;
  orderedAt: Date;
  amount?: number | null;
  currency: string;
  status: OrderStatusValue;
  lines?: OrderLineData[] | null;
}

export interface OrderFilter {
  status?: OrderStatusValue | null;
  since?: Date | null;
}

export interface OrderIngestResult {
  accepted: number;
  duplicates: number;
  /** Copies of orders that moved an order's status forward (e.g. PLACED → PAID → REFUNDED). */
  statusUpdated: number;
}

export const MAX_INGEST_ORDERS = 5000;

/** SQL: the order with alias `order` belongs to a live (not deleted, not erased) customer. */
const ofLiveCustomer = (order: string) =>
  `EXISTS (SELECT 1 FROM customers c WHERE c.id = ${order}.customer_id AND c.deleted_at IS NULL)`;

/** The largest amount a DECIMAL(12,2) column holds. */
const MAX_AMOUNT = 9_999_999_999.99;

/** Columns of raw multi-row inserts into `orders` and `order_lines` (shared with the seeder). */
export const ORDER_COLUMNS = [
  'customer_id',
  'client_order_id',
  'ordered_at',
  'amount',
  'currency',
  'status',
  'created_at',
  'updated_at',
];
export const LINE_COLUMNS = [
  'order_id',
  'product_id',
  'product_name',
  'category',
  'quantity',
  'unit_price',
];

export class OrderService {
  constructor(
    private readonly db: DataSource,
    private readonly changes: DataChanges,
  ) {}

  /**
   * Stores orders and their lines in one transaction. The first copy of an order Pulse does not
   * know stores it, lines and amount included; every other copy, in this call or a later one,
   * only moves its status forward (STATUS_STAGES): a later status is applied and counted in
   * `statusUpdated`, the same or an earlier one changes nothing and counts as a duplicate, so a
   * batch retried after newer statuses arrived cannot take an order back.
   */
  async ingest(given: OrderData[], field = 'input.orders'): Promise<OrderIngestResult> {
    const rows = given.map(inCents);
    const amounts = rows.map((row, index) => orderAmount(row, `${field}[${index}]`));

    const result = await inTransaction(this.db, async (tx) => {
      const customerIds = await resolveCustomerRefs(tx, rows, field);
      const known = await this.statusesOf(
        tx,
        rows.map((row) => row.clientOrderId),
      );
      const now = sqlInstant(tx, new Date());
      const firstIndex = new Map<string, number>();
      rows.forEach((row, i) => {
        if (!known.has(row.clientOrderId) && !firstIndex.has(row.clientOrderId)) {
          firstIndex.set(row.clientOrderId, i);
        }
      });
      const fresh = [...firstIndex.values()].map((i) => ({ row: rows[i], i }));
      const accepted = await insertSkippingDuplicates(
        tx,
        'orders',
        ORDER_COLUMNS,
        fresh.map(({ row, i }) => [
          customerIds[i],
          row.clientOrderId,
          sqlInstant(tx, row.orderedAt),
          amounts[i],
          row.currency,
          row.status,
          now,
          now,
        ]),
      );
      await this.insertLines(
        tx,
        fresh.map(({ row }) => row),
      );
      // What this call knows of each order's status. A new order that another call stored
      // after it was read (MySQL) was not inserted here; which one is unknown, so the first
      // copies of new orders then go through the guarded UPDATE below like any other copy
      // (for those inserted here it matches nothing: their status is not earlier than itself).
      const current = new Map(known);
      const inserted = accepted === fresh.length;
      if (inserted) {
        fresh.forEach(({ row }) => current.set(row.clientOrderId, row.status));
      }
      let statusUpdated = 0;
      for (const [i, row] of rows.entries()) {
        if (inserted && firstIndex.get(row.clientOrderId) === i) {
          continue;
        }
        const earlier = earlierStatuses(row.status);
        const stored = current.get(row.clientOrderId);
        // Other calls only move statuses forward too, so a copy that is not ahead of what this
        // call read cannot be ahead of what is stored now.
        if (earlier.length === 0 || (stored !== undefined && !earlier.includes(stored))) {
          continue;
        }
        // The WHERE clause makes the move: of two calls racing on one order, the one with the
        // earlier status finds the row already past it and changes nothing.
        const moved = await runStatement(
          tx,
          `UPDATE orders SET status = ?, updated_at = ? WHERE client_order_id = ? AND status IN (${earlier.map(() => '?').join(', ')})`,
          [row.status, now, row.clientOrderId, ...earlier],
        );
        if (moved > 0) {
          statusUpdated += moved;
          current.set(row.clientOrderId, row.status);
        }
      }

      return { accepted, duplicates: rows.length - accepted - statusUpdated, statusUpdated };
    });
    if (result.accepted + result.statusUpdated > 0) {
      this.changes.notify('orders');
    }

    return result;
  }

  /**
   * Orders among `ids` of live customers: a deleted (or erased) customer's history stays for
   * past figures but disappears from reads with them, and `Order.customer` cannot be null.
   */
  byIds(ids: readonly number[]): Promise<OrderEntity[]> {
    return selectEntities(
      this.db,
      OrderEntity,
      `WHERE t.id IN (:...ids) AND ${ofLiveCustomer('t')}`,
      {
        ids: [...ids],
      },
    );
  }

  /** Lines among `ids` of orders of live customers (see byIds). */
  lineByIds(ids: readonly number[]): Promise<OrderLineEntity[]> {
    return selectEntities(
      this.db,
      OrderLineEntity,
      `JOIN orders o ON o.id = t.order_id WHERE t.id IN (:...ids) AND ${ofLiveCustomer('o')}`,
      { ids: [...ids] },
    );
  }

  /** Lines of many orders in one statement, in insertion order. */
  linesOf(orderIds: readonly number[]): Promise<OrderLineEntity[]> {
    return selectEntities(
      this.db,
      OrderLineEntity,
      'WHERE t.order_id IN (:...orderIds) ORDER BY t.id',
      {
        orderIds: [...orderIds],
      },
    );
  }

  /** The latest `limit` orders of each customer, newest first (one statement). */
  latestOf(
    customerIds: readonly number[],
    filter: OrderFilter,
    limit: number,
    before: { at: Date; id: number } | null,
  ): Promise<OrderEntity[]> {
    const where = this.conditions(filter);
    if (before) {
      where.push({
        sql: '(x.ordered_at < :cursorAt OR (x.ordered_at = :cursorAt AND x.id < :cursorId))',
        params: { cursorAt: before.at, cursorId: before.id },
      });
    }

    return latestPerParent(this.db, OrderEntity, {
      parentColumn: 'customer_id',
      parentIds: customerIds,
      orderColumns: ['ordered_at', 'id'],
      where,
      limit,
    });
  }

  /** Number of orders per customer matching `filter` (one grouped statement). */
  countsOf(customerIds: readonly number[], filter: OrderFilter): Promise<Map<number, number>> {
    return countPerParent(
      this.db.getRepository(OrderEntity),
      'customer_id',
      customerIds,
      this.conditions(filter),
    );
  }

  private conditions(filter: OrderFilter): Array<{ sql: string; params: Record<string, unknown> }> {
    const conditions = [];
    if (filter.status) {
      conditions.push({ sql: 'x.status = :status', params: { status: filter.status } });
    }
    if (filter.since) {
      conditions.push({ sql: 'x.ordered_at >= :since', params: { since: filter.since } });
    }

    return conditions;
  }

  private async statusesOf(
    tx: EntityManager,
    clientOrderIds: string[],
  ): Promise<Map<string, OrderStatusValue>> {
    const rows = await tx.getRepository(OrderEntity).find({
      select: { clientOrderId: true, status: true },
      where: { clientOrderId: In(clientOrderIds) },
    });

    return new Map(rows.map((row) => [row.clientOrderId, row.status as OrderStatusValue]));
  }

  /** Inserts the lines of newly stored orders, finding their ids in one query. */
  private async insertLines(tx: EntityManager, orders: OrderData[]): Promise<void> {
    const withLines = orders.filter((order) => order.lines?.length);
    if (withLines.length === 0) {
      return;
    }
    const ids = await tx.getRepository(OrderEntity).find({
      select: { id: true, clientOrderId: true },
      where: { clientOrderId: In(withLines.map((order) => order.clientOrderId)) },
    });
    const idByClientId = new Map(ids.map((row) => [row.clientOrderId, row.id]));
    // On MySQL an order another call stored since this transaction's first read was not
    // inserted here, and its row is not visible to this transaction's reads: its lines are that
    // call's to store.
    const values = withLines.flatMap((order) =>
      (idByClientId.has(order.clientOrderId) ? (order.lines ?? []) : []).map((line) => [
        idByClientId.get(order.clientOrderId),
        line.productId,
        line.productName,
        line.category ?? null,
        line.quantity,
        line.unitPrice,
      ]),
    );
    await insertSkippingDuplicates(tx, 'order_lines', LINE_COLUMNS, values);
  }
}

/**
 * Money rounded to whole cents, half up, as MySQL's DECIMAL(12,2) stores the decimal the client
 * wrote (1.005 → 1.01, though the nearest double lies just below 1.005). Rounding before the
 * write makes SQLite, which would keep 1.005, store the same, and an order's default amount the
 * sum of the lines as stored.
 */
function cents(value: number): number {
  return Math.round(Number((value * 100).toPrecision(15))) / 100;
}

function inCents(row: OrderData): OrderData {
  return {
    ...row,
    amount: row.amount == null ? row.amount : cents(row.amount),
    lines: row.lines?.map((line) => ({ ...line, unitPrice: cents(line.unitPrice) })),
  };
}

/** The order's amount: as given, or the sum of its lines; one of the two is required. */
function orderAmount(row: OrderData, path: string): number {
  if (row.amount != null) {
    return row.amount;
  }
  if (!row.lines?.length) {
    throw badInput('Give an amount or at least one line', `${path}.amount`);
  }

  const sum = cents(row.lines.reduce((total, line) => total + line.quantity * line.unitPrice, 0));
  // Quantities and unit prices are each within bounds, their products and sum need not be: MySQL
  // would refuse such an amount as out of range (an internal error) where SQLite stored it.
  if (sum > MAX_AMOUNT) {
    throw badInput(
      `The lines add up to ${sum}, more than the largest amount, ${MAX_AMOUNT}`,
      `${path}.amount`,
    );
  }

  return sum;
}
