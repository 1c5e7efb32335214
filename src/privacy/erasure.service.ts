import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { ConsentChangeEntity, ConsentEntity } from '../customers/consent.entity';
import { CustomerEntity } from '../customers/customer.entity';
import { inTransaction } from '../db/transaction';
import { notFound } from '../errors';
import { InteractionEntity } from '../interactions/interaction.entity';
import { OrderEntity } from '../orders/order.entity';
import { PredictionEntity } from '../predictions/prediction.entity';
import { CustomerMergeEntity } from '../quality/customer-merge.entity';
import { AuditAction, type Actor } from './audit-record';
import type { AuditService } from './audit.service';
import { findSubject } from './subject';

/** What an erasure did. */
export interface ErasureResult {
  customerId: number;
  erasedAt: Date;
  /** Interactions kept, now owned by the anonymous customer. */
  interactionsKept: number;
  /** Of those, how many had free-text properties, now removed. */
  interactionPropertiesCleared: number;
  /** Orders kept (with their lines), now owned by the anonymous customer. */
  ordersKept: number;
  consentsDeleted: number;
  consentChangesDeleted: number;
  /** Scores of the person, with the feature values that explain them. */
  predictionsDeleted: number;
}

/**
 * The right to erasure, as anonymisation in place: the customer row keeps its id, sign-up time
 * and country, and stays the owner of its orders and interactions, so KPIs of past periods do
 * not change; everything that identifies the person goes.
 */
export class ErasureService {
  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditService,
  ) {}

  /**
   * Erases a customer, deleted or not, in one transaction. Irreversible. A customer erased
   * before is NOT_FOUND: the person no longer exists in Pulse. The id of a record merged into a
   * customer erases that customer.
   */
  async erase(id: number, actor: Actor, field = 'input.customerId'): Promise<ErasureResult> {
    return inTransaction(this.db, async (tx) => {
      const customer = await findSubject(tx, id, field);
      const customerId = customer.id;
      const erasedAt = new Date();
      const cleared = await tx
        .createQueryBuilder()
        .update(CustomerEntity)
        .set({
          // A fresh external id frees the old one: the source system may send the same person
          // again, and that is a new customer, not this anonymous row coming back.
          externalId: `erased-${randomUUID()}`,
          name: null,
          email: null,
          phone: null,
          city: null,
          birthDate: null,
          gender: null,
          attributes: null,
          erasedAt,
          deletedAt: customer.deletedAt ?? erasedAt,
          updatedAt: erasedAt,
          version: () => 'version + 1',
        })
        // A concurrent erasure that got here first leaves nothing to do.
        .where('id = :customerId AND erased_at IS NULL', { customerId })
        .execute();
      if (!cleared.affected) {
        throw notFound(`Customer ${customerId}`, field);
      }
      // Customers merged into this one left their external ids behind as redirects: the same
      // person's ids in the source system. The redirects stay, under ids of Pulse's own.
      const merges = tx.getRepository(CustomerMergeEntity);
      for (const merge of await merges.findBy({ survivorId: customerId })) {
        await merges.update(
          { mergedCustomerId: merge.mergedCustomerId },
          { mergedExternalId: `erased-${randomUUID()}` },
        );
      }
      const properties = await tx
        .createQueryBuilder()
        .update(InteractionEntity)
        .set({ properties: null })
        .where('customer_id = :customerId AND properties IS NOT NULL', { customerId })
        .execute();
      const result: ErasureResult = {
        customerId,
        erasedAt,
        interactionsKept: await tx.getRepository(InteractionEntity).countBy({ customerId }),
        interactionPropertiesCleared: properties.affected ?? 0,
        ordersKept: await tx.getRepository(OrderEntity).countBy({ customerId }),
        consentsDeleted:
          (await tx.getRepository(ConsentEntity).delete({ customerId })).affected ?? 0,
        consentChangesDeleted:
          (await tx.getRepository(ConsentChangeEntity).delete({ customerId })).affected ?? 0,
        // A score's explanation holds the person's feature values (a categorical attribute's
        // level among them); the next scoring pass would skip them, but not delete them.
        predictionsDeleted:
          (await tx.getRepository(PredictionEntity).delete({ customerId })).affected ?? 0,
      };
      const { customerId: _id, erasedAt: _at, ...counts } = result;
      await this.audit.record(tx, {
        action: AuditAction.ERASE_CUSTOMER,
        actor,
        customerIds: [customerId],
        details: counts,
      });

      return result;
    });
  }
}
