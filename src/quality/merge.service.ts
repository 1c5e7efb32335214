import { type DataSource, type EntityManager, In, IsNull } from 'typeorm';
import { ConsentEntity } from '../customers/consent.entity';
import { CustomerEntity } from '../customers/customer.entity';
import { forUpdate, runStatement, sqlInstant } from '../db/dialect';
import { inTransaction } from '../db/transaction';
import { badInput, notFound, PulseError } from '../errors';
import { ExperimentExposureEntity } from '../experiments/experiment.entity';
import { AuditAction, type Actor } from '../privacy/audit-record';
import type { AuditService } from '../privacy/audit.service';
import { CustomerMergeEntity } from './customer-merge.entity';
import { filledFields, latestPerChannel, mergedExposures } from './merge-plan';

/** Most duplicates one merge takes: one transaction should stay short. */
export const MAX_MERGE_DUPLICATES = 50;

/** Rows a merge moved to the survivor, by kind. */
export interface MovedCounts {
  interactions: number;
  orders: number;
  /** Segments the survivor joined because a duplicate was a member. */
  segmentMemberships: number;
  segmentHistory: number;
  /** Experiments whose exposure the survivor now holds from a duplicate. */
  experimentExposures: number;
  /** Channels whose current consent came from a duplicate (more recent than the survivor's). */
  consents: number;
  consentChanges: number;
  /** Prediction kinds the survivor had no score for, taken from a duplicate. */
  predictions: number;
}

/** What a merge did. */
export interface MergeResult {
  survivor: CustomerEntity;
  mergedIds: number[];
  moved: MovedCounts;
  /** Profile fields of the survivor filled from the duplicates. */
  filledFields: string[];
}

export interface MergeOptions {
  /** Merge even when the records were in different variants of an experiment. Defaults to false. */
  force?: boolean | null;
}

const NO_MOVES: MovedCounts = {
  interactions: 0,
  orders: 0,
  segmentMemberships: 0,
  segmentHistory: 0,
  experimentExposures: 0,
  consents: 0,
  consentChanges: 0,
  predictions: 0,
};

/** Merges duplicate customer records into one survivor, leaving redirects behind. */
export class MergeService {
  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditService,
  ) {}

  /**
   * Moves everything the duplicates own to the survivor and deletes them, in one transaction:
   * every refusal (unknown ids, conflicting experiment variants) leaves the data unchanged.
   */
  async merge(
    survivorId: number,
    duplicateIds: readonly number[],
    options: MergeOptions,
    actor: Actor,
  ): Promise<MergeResult> {
    checkIds(survivorId, duplicateIds);

    return inTransaction(this.db, async (tx) => {
      // Two merges sharing a customer (A into B while B goes into A, or into a survivor another
      // merge takes away) would otherwise deadlock on MySQL or move rows onto a customer deleted
      // meanwhile. Locking every named customer first, in id order, makes the later merge wait
      // for the earlier one and then find the customer gone (NOT_FOUND), as if run after it.
      const named = [survivorId, ...duplicateIds].sort((a, b) => a - b);
      await tx.query(
        `SELECT id FROM customers WHERE id IN (${named.map(() => '?').join(', ')}) ORDER BY id${forUpdate(tx)}`,
        named,
      );
      const customers = tx.getRepository(CustomerEntity);
      const survivor = await customers.findOneBy({ id: survivorId, deletedAt: IsNull() });
      if (!survivor) {
        throw notFound(`Customer ${survivorId}`, 'input.survivorId');
      }
      const found = await customers.findBy({ id: In([...duplicateIds]), deletedAt: IsNull() });
      const byId = new Map(found.map((row) => [row.id, row]));
      const duplicates = duplicateIds.map((id, i) => {
        const row = byId.get(id);
        if (!row) {
          throw notFound(`Customer ${id}`, `input.duplicateIds[${i}]`);
        }

        return row;
      });
      const moved = { ...NO_MOVES };
      // Checked before the first write, so a refused merge changes nothing.
      moved.experimentExposures = await this.mergeExposures(
        tx,
        survivorId,
        duplicateIds,
        options.force ?? false,
      );
      moved.consents = await this.mergeConsents(tx, survivorId, duplicateIds);
      const mergedAt = new Date();
      const perDuplicate = [];
      for (const duplicate of duplicates) {
        const counts = await this.moveRows(tx, survivorId, duplicate.id);
        perDuplicate.push(counts);
        for (const [kind, count] of Object.entries(counts)) {
          moved[kind as keyof MovedCounts] += count;
        }
      }
      await this.closeSurplusStays(tx, survivorId, mergedAt);
      await this.recordRedirects(tx, survivorId, duplicates, perDuplicate, actor, mergedAt);
      const ids = duplicateIds.map(() => '?').join(', ');
      // Scores and stages of the duplicates describe records that no longer exist; the next
      // refresh recomputes the survivor's from the moved history.
      for (const table of ['customer_rfm', 'customer_lifecycle', 'lifecycle_moves']) {
        await runStatement(tx, `DELETE FROM ${table} WHERE customer_id IN (${ids})`, [
          ...duplicateIds,
        ]);
      }
      // A concurrent merge or delete that took a duplicate first makes this one stale.
      const deleted = await runStatement(
        tx,
        `DELETE FROM customers WHERE deleted_at IS NULL AND id IN (${ids})`,
        [...duplicateIds],
      );
      if (deleted !== duplicateIds.length) {
        throw new PulseError(
          'CONFLICT',
          'A duplicate was changed by another request; nothing was merged',
          'input.duplicateIds',
        );
      }
      // The duplicates' rows are gone, so their unique email can move to the survivor.
      const fills = filledFields(survivor, duplicates);
      await tx
        .createQueryBuilder()
        .update(CustomerEntity)
        .set({ ...fills, updatedAt: mergedAt, version: () => 'version + 1' })
        .where('id = :survivorId', { survivorId })
        .execute();
      await this.audit.record(tx, {
        action: AuditAction.MERGE_CUSTOMERS,
        actor,
        customerIds: [survivorId, ...duplicateIds],
        details: {
          survivorId,
          duplicateIds: [...duplicateIds],
          moved,
          filledFields: Object.keys(fills),
        },
      });

      return {
        survivor: await customers.findOneByOrFail({ id: survivorId }),
        mergedIds: [...duplicateIds],
        moved,
        filledFields: Object.keys(fills),
      };
    });
  }

  /**
   * Keeps, per experiment, the earliest first exposure of all merged records on the survivor.
   * Different variants mean the person saw both arms: refused unless forced, then flagged.
   */
  private async mergeExposures(
    tx: EntityManager,
    survivorId: number,
    duplicateIds: readonly number[],
    force: boolean,
  ): Promise<number> {
    const exposures = tx.getRepository(ExperimentExposureEntity);
    const rows = await exposures.findBy({ customerId: In([survivorId, ...duplicateIds]) });
    const kept = mergedExposures(rows, survivorId);
    const conflicts = kept.filter((exposure) => exposure.variantsDiffer);
    if (conflicts.length > 0 && !force) {
      throw new PulseError(
        'CONFLICT',
        'The customers were exposed to different variants of an experiment; merge with ' +
          'force to keep the earliest exposure and mark it as mixed',
        'input.duplicateIds',
        { experimentIds: conflicts.map((exposure) => exposure.experimentId) },
      );
    }
    if (kept.length === 0) {
      return 0;
    }
    await exposures.delete({ customerId: In([...duplicateIds]) });
    for (const { experimentId, variantId, firstExposedAt, mixedVariants, survivorHadRow } of kept) {
      const row = { variantId, firstExposedAt, mixedVariants };
      if (survivorHadRow) {
        await exposures.update({ experimentId, customerId: survivorId }, row);
      } else {
        await exposures.insert({ experimentId, customerId: survivorId, ...row });
      }
    }

    return kept.length;
  }

  /** Keeps the most recent consent per channel; returns how many came from duplicates. */
  private async mergeConsents(
    tx: EntityManager,
    survivorId: number,
    duplicateIds: readonly number[],
  ): Promise<number> {
    const consents = tx.getRepository(ConsentEntity);
    const rows = await consents.findBy({ customerId: In([survivorId, ...duplicateIds]) });
    // The survivor's rows first: on equal times its consent stands.
    rows.sort((a, b) => Number(b.customerId === survivorId) - Number(a.customerId === survivorId));
    const taken = latestPerChannel(rows).filter((row) => row.customerId !== survivorId);
    for (const { channel, status, changedAt, source } of taken) {
      await consents.delete({ customerId: survivorId, channel });
      await consents.insert({ customerId: survivorId, channel, status, changedAt, source });
    }

    return taken.length;
  }

  /** Moves one duplicate's history to the survivor; returns the rows moved by kind. */
  private async moveRows(
    tx: EntityManager,
    survivorId: number,
    duplicateId: number,
  ): Promise<Omit<MovedCounts, 'experimentExposures' | 'consents'>> {
    const move = (table: string) =>
      runStatement(tx, `UPDATE ${table} SET customer_id = ? WHERE customer_id = ?`, [
        survivorId,
        duplicateId,
      ]);
    const counts = {
      interactions: await move('interactions'),
      orders: await move('orders'),
      // Only segments the survivor is not in yet: a current membership is kept once.
      segmentMemberships: await runStatement(
        tx,
        'INSERT INTO segment_memberships (segment_id, customer_id, entered_at) ' +
          'SELECT m.segment_id, ?, m.entered_at FROM segment_memberships m ' +
          'WHERE m.customer_id = ? AND NOT EXISTS (SELECT 1 FROM segment_memberships s ' +
          'WHERE s.segment_id = m.segment_id AND s.customer_id = ?)',
        [survivorId, duplicateId, survivorId],
      ),
      segmentHistory: await move('segment_membership_history'),
      consentChanges: await move('consent_changes'),
      // The survivor's own score of a kind is kept; the next scoring pass rescores it from the
      // merged history anyway.
      predictions: await runStatement(
        tx,
        'INSERT INTO predictions (customer_id, kind, model_version_id, score, decile, contributions, scored_at) ' +
          'SELECT ?, p.kind, p.model_version_id, p.score, p.decile, p.contributions, p.scored_at ' +
          'FROM predictions p WHERE p.customer_id = ? AND NOT EXISTS (SELECT 1 FROM predictions s ' +
          'WHERE s.kind = p.kind AND s.customer_id = ?)',
        [survivorId, duplicateId, survivorId],
      ),
    };
    await runStatement(tx, 'DELETE FROM segment_memberships WHERE customer_id = ?', [duplicateId]);
    await runStatement(tx, 'DELETE FROM predictions WHERE customer_id = ?', [duplicateId]);

    return counts;
  }

  /**
   * History moved from the duplicates can leave the survivor with two open stays in one
   * segment; the earliest stays open and the others end at the merge, so counts of members at
   * past dates do not change.
   */
  private async closeSurplusStays(
    tx: EntityManager,
    survivorId: number,
    mergedAt: Date,
  ): Promise<void> {
    const open: Array<{ id: unknown; segment_id: unknown }> = await tx.query(
      'SELECT id, segment_id FROM segment_membership_history ' +
        'WHERE customer_id = ? AND left_at IS NULL ORDER BY entered_at, id',
      [survivorId],
    );
    const seen = new Set<number>();
    const surplus = open
      .filter((stay) => {
        const segment = Number(stay.segment_id);
        const first = !seen.has(segment);
        seen.add(segment);

        return !first;
      })
      .map((stay) => Number(stay.id));
    if (surplus.length > 0) {
      await runStatement(
        tx,
        `UPDATE segment_membership_history SET left_at = ? WHERE id IN (${surplus.map(() => '?').join(', ')})`,
        [sqlInstant(tx, mergedAt), ...surplus],
      );
    }
  }

  /** Leaves a redirect per duplicate, and repoints those that led to a duplicate. */
  private async recordRedirects(
    tx: EntityManager,
    survivorId: number,
    duplicates: CustomerEntity[],
    counts: Array<Record<string, number>>,
    actor: Actor,
    mergedAt: Date,
  ): Promise<void> {
    const merges = tx.getRepository(CustomerMergeEntity);
    const duplicateIds = duplicates.map((duplicate) => duplicate.id);
    await merges.update({ survivorId: In(duplicateIds) }, { survivorId });
    // A live customer's external id outranks a redirect left by an earlier customer of the
    // same external id, so such a redirect is stale.
    await merges.delete({ mergedExternalId: In(duplicates.map((d) => d.externalId)) });
    await merges.insert(
      duplicates.map((duplicate, i) => ({
        mergedCustomerId: duplicate.id,
        mergedExternalId: duplicate.externalId,
        survivorId,
        movedCounts: counts[i],
        mergedByKeyId: actor.apiKeyId,
        mergedAt,
      })),
    );
  }
}

function checkIds(survivorId: number, duplicateIds: readonly number[]): void {
  if (duplicateIds.length === 0) {
    throw badInput('Name at least one duplicate', 'input.duplicateIds');
  }
  if (duplicateIds.length > MAX_MERGE_DUPLICATES) {
    throw badInput(
      `At most ${MAX_MERGE_DUPLICATES} duplicates per merge, got ${duplicateIds.length}`,
      'input.duplicateIds',
    );
  }
  duplicateIds.forEach((id, i) => {
    if (id === survivorId) {
      throw badInput('The survivor cannot be one of its duplicates', `input.duplicateIds[${i}]`);
    }
    if (duplicateIds.indexOf(id) !== i) {
      throw badInput('A duplicate is named twice', `input.duplicateIds[${i}]`);
    }
  });
}
