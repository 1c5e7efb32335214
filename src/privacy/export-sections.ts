import type { EntityManager } from 'typeorm';
import { ConsentChangeEntity, ConsentEntity } from '../customers/consent.entity';
import type { CustomerEntity } from '../customers/customer.entity';
import { groupBy } from '../db/loaders';
import { toGlobalId } from '../graphql/global-id';
import { ExperimentExposureEntity } from '../experiments/experiment.entity';
import { InteractionEntity } from '../interactions/interaction.entity';
import { OrderLineEntity } from '../orders/order-line.entity';
import { OrderEntity } from '../orders/order.entity';
import { PredictionEntity } from '../predictions/prediction.entity';
import { CustomerMergeEntity } from '../quality/customer-merge.entity';
import { CustomerLifecycleEntity, LifecycleMoveEntity } from '../segments/lifecycle.entity';
import { CustomerRfmEntity } from '../segments/rfm.entity';
import {
  SegmentMembershipEntity,
  SegmentMembershipHistoryEntity,
} from '../segments/segment-membership.entity';
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

/** The customer records merged into this one: the person's other ids in the source system. */
const mergedRecords: ExportSection = {
  name: 'mergedRecords',
  read: async (manager, c) =>
    (
      await manager
        .getRepository(CustomerMergeEntity)
        .find({ where: { survivorId: c.id }, order: { mergedAt: 'ASC', mergedCustomerId: 'ASC' } })
    ).map((merge) => ({
      id: toGlobalId('Customer', merge.mergedCustomerId),
      externalId: merge.mergedExternalId,
      mergedAt: iso(merge.mergedAt),
    })),
};

const segmentMemberships: ExportSection = {
  name: 'segmentMemberships',
  read: async (manager, c) =>
    (
      await manager.getRepository(SegmentMembershipEntity).find({
        where: { customerId: c.id },
        relations: { segment: true },
        order: { enteredAt: 'ASC', segmentId: 'ASC' },
      })
    ).map((row) => ({
      segmentId: toGlobalId('Segment', row.segmentId),
      segmentName: row.segment?.name ?? null,
      enteredAt: iso(row.enteredAt),
    })),
};

const segmentHistory: ExportSection = {
  name: 'segmentHistory',
  read: async (manager, c) =>
    (
      await manager.getRepository(SegmentMembershipHistoryEntity).find({
        where: { customerId: c.id },
        relations: { segment: true },
        order: { enteredAt: 'ASC', id: 'ASC' },
      })
    ).map((row) => ({
      segmentId: toGlobalId('Segment', row.segmentId),
      segmentName: row.segment?.name ?? null,
      enteredAt: iso(row.enteredAt),
      leftAt: iso(row.leftAt),
    })),
};

/** The RFM figures and scores of the last refresh; null when the person had none. */
const rfm: ExportSection = {
  name: 'rfm',
  read: async (manager, c) => {
    const row = await manager.getRepository(CustomerRfmEntity).findOneBy({ customerId: c.id });

    return row
      ? {
          recencyDays: row.recencyDays,
          frequency: row.frequency,
          monetary: Number(row.monetary),
          r: row.r,
          f: row.f,
          m: row.m,
          group: row.rfmGroup,
          computedAt: iso(row.computedAt),
        }
      : null;
  },
};

const lifecycle: ExportSection = {
  name: 'lifecycle',
  read: async (manager, c) => {
    const row = await manager
      .getRepository(CustomerLifecycleEntity)
      .findOneBy({ customerId: c.id });

    return row
      ? { stage: row.stage, since: iso(row.since), computedAt: iso(row.computedAt) }
      : null;
  },
};

const lifecycleMoves: ExportSection = {
  name: 'lifecycleMoves',
  read: async (manager, c) =>
    (
      await manager
        .getRepository(LifecycleMoveEntity)
        .find({ where: { customerId: c.id }, order: { movedAt: 'ASC', id: 'ASC' } })
    ).map((row) => ({ from: row.fromStage, to: row.toStage, movedAt: iso(row.movedAt) })),
};

const experimentExposures: ExportSection = {
  name: 'experimentExposures',
  read: async (manager, c) =>
    (
      await manager.getRepository(ExperimentExposureEntity).find({
        where: { customerId: c.id },
        relations: { experiment: true, variant: true },
        order: { firstExposedAt: 'ASC', experimentId: 'ASC' },
      })
    ).map((row) => ({
      experimentId: toGlobalId('Experiment', row.experimentId),
      experimentKey: row.experiment?.key ?? null,
      variantKey: row.variant?.key ?? null,
      firstExposedAt: iso(row.firstExposedAt),
      mixedVariants: row.mixedVariants,
    })),
};

/** The person's scores with the feature values that explain them (what erasure deletes). */
const predictions: ExportSection = {
  name: 'predictions',
  read: async (manager, c) =>
    (
      await manager
        .getRepository(PredictionEntity)
        .find({ where: { customerId: c.id }, order: { kind: 'ASC' } })
    ).map((row) => ({
      kind: row.kind,
      modelVersionId: toGlobalId('ModelVersion', row.modelVersionId),
      score: row.score,
      decile: row.decile,
      scoredAt: iso(row.scoredAt),
      contributions: (row.contributions ?? []).map(([feature, value, contribution]) => ({
        feature,
        value,
        contribution,
      })),
    })),
};

/**
 * Who read, changed or exported the person's data before this export, under this customer's
 * id or under the id of a record later merged into it (the same person).
 */
function auditEntries(audit: AuditService): ExportSection {
  return {
    name: 'auditEntries',
    // Two statements: the merged records' ids, then the entries about any of the ids.
    read: async (manager, c) => {
      const merged = await manager
        .getRepository(CustomerMergeEntity)
        .find({ select: { mergedCustomerId: true }, where: { survivorId: c.id } });
      const ids = [c.id, ...merged.map((merge) => merge.mergedCustomerId)];

      return (await audit.aboutCustomer(manager, ids)).map((entry) => ({
        occurredAt: iso(entry.occurredAt),
        action: entry.action,
        apiKeyId: entry.apiKeyId === null ? null : toGlobalId('ApiKey', entry.apiKeyId),
        operationName: entry.operationName,
      }));
    },
  };
}

/** The sections of every export, in document order. */
export function exportSections(audit: AuditService): ExportSection[] {
  return [
    profile,
    consents,
    consentHistory,
    interactions,
    orders,
    mergedRecords,
    segmentMemberships,
    segmentHistory,
    rfm,
    lifecycle,
    lifecycleMoves,
    experimentExposures,
    predictions,
    auditEntries(audit),
  ];
}
