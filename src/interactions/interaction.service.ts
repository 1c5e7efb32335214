import { type DataSource, In } from 'typeorm';
import { resolveCustomerRefs, type CustomerRef } from '../customers/customer.service';
import { insertSkippingDuplicates, sqlInstant } from '../db/dialect';
import { selectEntities } from '../db/entity-select';
import { countPerParent, latestPerParent } from '../db/per-parent';
import { inTransaction } from '../db/transaction';
import type { DataChanges, EventPublisher } from '../events';
import type { Channel } from './channel';
import { InteractionEntity } from './interaction.entity';
import { InteractionTopic, toRecordedPayload } from './interaction.topics';

/** One interaction to ingest, as the API and imports give it. */
export interface InteractionData extends CustomerRef {
  channel: Channel;
  type: string;
  occurredAt: Date;
  value?: number | null;
  score?: number | null;
  properties?: Record<string, unknown> | null;
  clientEventId: string;
}

/** Filters on one customer's timeline. */
export interface TimelineFilter {
  channel?: Channel | null;
  type?: string | null;
  since?: Date | null;
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
}

export const MAX_INGEST_INTERACTIONS = 5000;

/** Columns of a raw multi-row insert into `interactions` (shared with the seeder). */
export const INTERACTION_COLUMNS = [
  'customer_id',
  'channel',
  'type',
  'occurred_at',
  'value',
  'score',
  'properties',
  'client_event_id',
  'created_at',
];

export class InteractionService {
  constructor(
    private readonly db: DataSource,
    private readonly events: EventPublisher,
    private readonly changes: DataChanges,
  ) {}

  /**
   * Stores interactions in one transaction. Rows whose client event id is already stored are
   * counted as duplicates and not written again, so a client may retry a whole batch safely.
   */
  async ingest(rows: InteractionData[], field = 'input.interactions'): Promise<IngestResult> {
    // Every row this call stores carries this exact created_at, which tells them apart from
    // duplicates stored by earlier calls when they are announced below.
    const storedAt = new Date();
    const result = await inTransaction(this.db, async (tx) => {
      const customerIds = await resolveCustomerRefs(tx, rows, field);
      const now = sqlInstant(tx, storedAt);
      const values = rows.map((row, i) => [
        customerIds[i],
        row.channel,
        row.type,
        sqlInstant(tx, row.occurredAt),
        row.value ?? null,
        row.score ?? null,
        row.properties ? JSON.stringify(row.properties) : null,
        row.clientEventId,
        now,
      ]);
      const accepted = await insertSkippingDuplicates(
        tx,
        'interactions',
        INTERACTION_COLUMNS,
        values,
      );

      return { accepted, duplicates: rows.length - accepted };
    });
    if (result.accepted > 0) {
      await this.announce(
        rows.map((row) => row.clientEventId),
        storedAt,
      );
      this.changes.notify('interactions');
    }

    return result;
  }

  /** Publishes the interactions just stored, read back once committed. */
  private async announce(clientEventIds: string[], storedAt: Date): Promise<void> {
    for (let start = 0; start < clientEventIds.length; start += 1000) {
      const stored = await this.db.getRepository(InteractionEntity).findBy({
        clientEventId: In(clientEventIds.slice(start, start + 1000)),
        createdAt: storedAt,
      });
      for (const row of stored) {
        this.events.publish(InteractionTopic.RECORDED, toRecordedPayload(row));
      }
    }
  }

  /**
   * Interactions among `ids` of live customers: a deleted (or erased) customer's history stays
   * for past figures but disappears from reads with them, and `Interaction.customer` cannot be
   * null.
   */
  byIds(ids: readonly number[]): Promise<InteractionEntity[]> {
    return selectEntities(
      this.db,
      InteractionEntity,
      'WHERE t.id IN (:...ids) AND EXISTS ' +
        '(SELECT 1 FROM customers c WHERE c.id = t.customer_id AND c.deleted_at IS NULL)',
      { ids: [...ids] },
    );
  }

  /** The latest `limit` interactions of each customer, newest first (one statement). */
  latestOf(
    customerIds: readonly number[],
    filter: TimelineFilter,
    limit: number,
    before: { at: Date; id: number } | null,
  ): Promise<InteractionEntity[]> {
    return latestPerParent(this.db, InteractionEntity, {
      parentColumn: 'customer_id',
      parentIds: customerIds,
      orderColumns: ['occurred_at', 'id'],
      where: [...this.conditions(filter), ...(before ? [beforeCursor(before)] : [])],
      limit,
    });
  }

  /** Number of interactions per customer matching `filter` (one grouped statement). */
  countsOf(customerIds: readonly number[], filter: TimelineFilter): Promise<Map<number, number>> {
    return countPerParent(
      this.db.getRepository(InteractionEntity),
      'customer_id',
      customerIds,
      this.conditions(filter),
    );
  }

  private conditions(
    filter: TimelineFilter,
  ): Array<{ sql: string; params: Record<string, unknown> }> {
    const conditions = [];
    if (filter.channel) {
      conditions.push({ sql: 'x.channel = :channel', params: { channel: filter.channel } });
    }
    if (filter.type) {
      // Types are stored lower_snake_case. MySQL's collation ignores case, SQLite's `=` does
      // not: the type is put in the stored case, so both databases agree (as KPIs do).
      conditions.push({ sql: 'x.type = :type', params: { type: filter.type.toLowerCase() } });
    }
    if (filter.since) {
      conditions.push({ sql: 'x.occurred_at >= :since', params: { since: filter.since } });
    }

    return conditions;
  }
}

function beforeCursor(cursor: { at: Date; id: number }) {
  return {
    sql: '(x.occurred_at < :cursorAt OR (x.occurred_at = :cursorAt AND x.id < :cursorId))',
    params: { cursorAt: cursor.at, cursorId: cursor.id },
  };
}
