import type { EntityManager } from 'typeorm';
import { ConsentChangeEntity, ConsentEntity } from '../customers/consent.entity';
import type { CustomerEntity } from '../customers/customer.entity';
import { groupBy } from '../db/loaders';
import { toGlobalId } from '../graphql/global-id';
import { InteractionEntity } from '../interactions/interaction.entity';
import { OrderLineEntity } from '../orders/order-line.entity';
import { OrderEntity } from '../orders/order.entity';
import type { AuditService } from './audit.service';

/**
 * One part of a customer's data export. A feature that holds data about people adds its
 * section to `exportSections` (segments: memberships, predictions: scores), and the export
 * document grows by one key with no other change.
 */
export interface ExportSection {
  /** The section's key in the document. */
  name: string;
  /**
   * Reads the section for one customer in a fixed number of statements, whatever the volume:
   * the export's cost must not grow with the person's history.
   */
  read(manager: EntityManager, customer: CustomerEntity): Promise<unknown>;
}

const iso = (date: Date | null) => date?.toISOString() ?? null;

const profile: ExportSection = {
  name: 'profile',
  // The row is already read (the export checks the customer exists): no statement.
  read: async (_manager, c) => ({
    id: toGlobalId('Customer', c.id),
    externalId: c.externalId,
    name: c.name,
    email: c.email,
    phone: c.phone,
    country: c.country,
    city: c.city,
    birthDate: c.birthDate,
    gender: c.gender,
    signedUpAt: iso(c.signedUpAt),
    attributes: c.attributes ?? {},
    createdAt: iso(c.createdAt),
    updatedAt: iso(c.updatedAt),
    deletedAt: iso(c.deletedAt),
  }),
};

const consents: ExportSection = {
  name: 'consents',
  read: async (manager, c) =>
    (
      await manager
        .getRepository(ConsentEntity)
        .find({ where: { customerId: c.id }, order: { channel: 'ASC' } })
    ).map(({ channel, status, changedAt, source }) => ({
      channel,
      status,
      changedAt: iso(changedAt),
      source,
    })),
};

const consentHistory: ExportSection = {
  name: 'consentHistory',
  read: async (manager, c) =>
    (
      await manager
        .getRepository(ConsentChangeEntity)
        .find({ where: { customerId: c.id }, order: { changedAt: 'ASC', id: 'ASC' } })
    ).map(({ channel, status, changedAt, source }) => ({
      channel,
      status,
      changedAt: iso(changedAt),
      source,
    })),
};

const interactions: ExportSection = {
  name: 'interactions',
  read: async (manager, c) =>
    (
      await manager
        .getRepository(InteractionEntity)
        .find({ where: { customerId: c.id }, order: { occurredAt: 'ASC', id: 'ASC' } })
    ).map((row) => ({
      id: toGlobalId('Interaction', row.id),
      channel: row.channel,
      type: row.type,
      occurredAt: iso(row.occurredAt),
      value: row.value,
      score: row.score,
      properties: row.properties,
      clientEventId: row.clientEventId,
    })),
};

const orders: ExportSection = {
  name: 'orders',
  // Two statements: the orders, then all their lines through a join.
  read: async (manager, c) => {
    const rows = await manager
      .getRepository(OrderEntity)
      .find({ where: { customerId: c.id }, order: { orderedAt: 'ASC', id: 'ASC' } });
    const lines = groupBy(
      await manager
        .getRepository(OrderLineEntity)
        .createQueryBuilder('l')
        .innerJoin(OrderEntity, 'o', 'o.id = l.order_id')
        .where('o.customer_id = :customerId', { customerId: c.id })
        .orderBy('l.id', 'ASC')
        .getMany(),
      (line) => line.orderId,
    );

    return rows.map((row) => ({
      id: toGlobalId('Order', row.id),
      clientOrderId: row.clientOrderId,
      orderedAt: iso(row.orderedAt),
      amount: Number(row.amount),
      currency: row.currency,
      status: row.status,
      lines: (lines.get(row.id) ?? []).map((line) => ({
        productId: line.productId,
        productName: line.productName,
        category: line.category,
        quantity: line.quantity,
        unitPrice: Number(line.unitPrice),
      })),
    }));
  },
};

/** Who read, changed or exported the person's data before this export. */
function auditEntries(audit: AuditService): ExportSection {
  return {
    name: 'auditEntries',
    read: async (manager, c) =>
      (await audit.aboutCustomer(manager, c.id)).map((entry) => ({
        occurredAt: iso(entry.occurredAt),
        action: entry.action,
        apiKeyId: entry.apiKeyId === null ? null : toGlobalId('ApiKey', entry.apiKeyId),
        operationName: entry.operationName,
      })),
  };
}

/** The sections of every export, in document order. */
export function exportSections(audit: AuditService): ExportSection[] {
  return [profile, consents, consentHistory, interactions, orders, auditEntries(audit)];
}
