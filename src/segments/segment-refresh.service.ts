import type { DataSource, EntityManager } from 'typeorm';
import { mergedSurvivors } from '../customers/customer.service';
import { parseNumber, ruleDialectOf, runStatement, sqlInstant } from '../db/dialect';
import { inTransaction } from '../db/transaction';
import { badInput, notFound } from '../errors';
import type { EventPublisher } from '../events';
import type { LifecycleStage } from './lifecycle-stage';
import type { RfmGroup } from './rfm-group';
import { type CompiledRule, compileDefinition } from './rule-sql';
import { type SegmentDefinition } from './rule-definition';
import { parseDefinition, referencedSegmentIds } from './rule-tree';
import type { RefreshTrigger } from './segment-membership.entity';
import { refreshOrder } from './segment-order';
import { SegmentEntity } from './segment.entity';
import { membershipChangedPayloads, SegmentTopic } from './segment.topics';

/** What one refresh changed. */
export interface RefreshResult {
  segmentId: number;
  size: number;
  entered: number;
  left: number;
  durationMs: number;
  enteredIds: number[];
  leftIds: number[];
}

/** Customer-level scores other segments read (RFM, lifecycle); refreshed before segments. */
export interface Precomputation {
  refresh(now: Date): Promise<unknown>;
}

/** External ids a STATIC add/remove could not use, and what it changed. */
export interface StaticChange {
  changed: number;
  unknownExternalIds: string[];
}

// Refreshes of different segments run side by side and write neighbouring key ranges.
const REFRESH_TRANSACTION = { readCommitted: true };

/** Ids per `IN (…)` list, well under both dialects' placeholder limits. */
const CHUNK = 1000;

/** The definition a segment of any computed kind is evaluated with. */
export function definitionOf(
  segment: Pick<SegmentEntity, 'kind' | 'definition'>,
): SegmentDefinition | null {
  const stored = segment.definition ?? {};
  switch (segment.kind) {
    case 'RULE':
      return parseDefinition(stored, 'definition');
    case 'RFM':
      return { version: 1, root: { rfm: { groups: stored.groups as RfmGroup[] } } };
    case 'LIFECYCLE':
      return { version: 1, root: { lifecycle: { stages: stored.stages as LifecycleStage[] } } };
    case 'STATIC':
      return null;
  }
}

/**
 * Keeps materialized memberships current. Every step is one set-based statement inside one
 * transaction, so readers see the old membership or the new one, never a mix, and the work
 * stays in the database whatever the segment's size.
 */
export class SegmentRefreshService {
  constructor(
    private readonly db: DataSource,
    private readonly events: EventPublisher,
    private readonly precomputations: Precomputation[],
  ) {}

  /**
   * Recomputes one segment: stages the new membership with one INSERT … SELECT, closes the
   * history of those who left, opens it for those who entered, and logs the refresh.
   */
  async refresh(
    segmentId: number,
    trigger: RefreshTrigger,
    now = new Date(),
    field = 'id',
  ): Promise<RefreshResult> {
    const started = Date.now();
    const result = await inTransaction(
      this.db,
      async (tx) => {
        const segment = await this.lock(tx, segmentId, now, field);
        const at = sqlInstant(tx, now);
        const run = (sql: string, params: unknown[]) => runStatement(tx, sql, params);
        const rule = this.compile(segment, now);
        await run('DELETE FROM segment_refresh_staging WHERE segment_id = ?', [segmentId]);
        const size = await run(
          'INSERT INTO segment_refresh_staging (segment_id, customer_id) ' +
            `SELECT ?, c.id FROM customers c WHERE c.deleted_at IS NULL AND (${rule.sql})`,
          [segmentId, ...rule.params],
        );
        const unstaged = (table: string) =>
          'NOT EXISTS (SELECT 1 FROM segment_refresh_staging s WHERE s.segment_id = ? ' +
          `AND s.customer_id = ${table}.customer_id)`;
        const leftIds = await ids(
          tx,
          `SELECT customer_id AS id FROM segment_memberships WHERE segment_id = ? AND ${unstaged('segment_memberships')}`,
          [segmentId, segmentId],
        );
        // Open history rows mirror current memberships, so the same condition closes them.
        await run(
          'UPDATE segment_membership_history SET left_at = ? WHERE segment_id = ? AND left_at IS NULL ' +
            `AND ${unstaged('segment_membership_history')}`,
          [at, segmentId, segmentId],
        );
        const left = await run(
          `DELETE FROM segment_memberships WHERE segment_id = ? AND ${unstaged('segment_memberships')}`,
          [segmentId, segmentId],
        );
        const newcomers =
          'FROM segment_refresh_staging s WHERE s.segment_id = ? AND NOT EXISTS ' +
          '(SELECT 1 FROM segment_memberships m WHERE m.segment_id = ? AND m.customer_id = s.customer_id)';
        const enteredIds = await ids(tx, `SELECT s.customer_id AS id ${newcomers}`, [
          segmentId,
          segmentId,
        ]);
        // History first: the membership insert below changes what "newcomers" selects.
        await run(
          'INSERT INTO segment_membership_history (segment_id, customer_id, entered_at) ' +
            `SELECT ?, s.customer_id, ? ${newcomers}`,
          [segmentId, at, segmentId, segmentId],
        );
        const entered = await run(
          'INSERT INTO segment_memberships (segment_id, customer_id, entered_at) ' +
            `SELECT ?, s.customer_id, ? ${newcomers}`,
          [segmentId, at, segmentId, segmentId],
        );
        await run('DELETE FROM segment_refresh_staging WHERE segment_id = ?', [segmentId]);
        const durationMs = Date.now() - started;
        await this.record(tx, { segmentId, size, entered, left, durationMs, trigger, at });

        return { segmentId, size, entered, left, durationMs, enteredIds, leftIds };
      },
      REFRESH_TRANSACTION,
    );
    this.announce(result, now);

    return result;
  }

  /**
   * Refreshes RFM and lifecycle scores, then every segment, each after the segments its rule
   * reads, so membership conditions see current memberships.
   */
  async refreshAll(trigger: RefreshTrigger, now = new Date()): Promise<RefreshResult[]> {
    for (const precomputation of this.precomputations) {
      await precomputation.refresh(now);
    }
    const segments = await this.db
      .getRepository(SegmentEntity)
      .find({ select: { id: true, kind: true, definition: true } });
    const order = refreshOrder(
      segments.map((segment) => ({
        id: segment.id,
        references:
          segment.kind === 'RULE'
            ? referencedSegmentIds(definitionOf(segment) as SegmentDefinition)
            : [],
      })),
    );
    const results: RefreshResult[] = [];
    for (const segmentId of order) {
      results.push(await this.refresh(segmentId, trigger, now));
    }

    return results;
  }

  /**
   * Adds (or removes) live customers named by external id to a STATIC segment. Members already
   * in (or already out) are left alone, so a retried call changes nothing; unknown or deleted
   * external ids are returned rather than failing the batch.
   */
  async changeStaticMembers(
    segmentId: number,
    externalIds: string[],
    change: 'ADD' | 'REMOVE',
    now = new Date(),
  ): Promise<StaticChange & { size: number }> {
    const outcome = await inTransaction(
      this.db,
      async (tx) => {
        const segment = await this.lock(tx, segmentId, now, 'input.id');
        if (segment.kind !== 'STATIC') {
          throw badInput(
            `Segment ${segmentId} is ${segment.kind}: only STATIC segments take members by hand`,
            'input.id',
          );
        }
        const wanted = [...new Set(externalIds)];
        const found = new Map<string, number>();
        for (let start = 0; start < wanted.length; start += CHUNK) {
          const chunk = wanted.slice(start, start + CHUNK);
          const rows: Array<{ id: unknown; externalId: string }> = await tx.query(
            `SELECT id, external_id AS externalId FROM customers WHERE deleted_at IS NULL AND external_id IN (${placeholders(chunk)})`,
            chunk,
          );
          rows.forEach((row) => found.set(row.externalId, Number(row.id)));
        }
        // An external id of a customer merged into another names the survivor, as it does for
        // customerByExternalId and ingestion.
        const unmatched = wanted.filter((externalId) => !found.has(externalId));
        for (let start = 0; start < unmatched.length; start += CHUNK) {
          const { byExternalId } = await mergedSurvivors(
            tx,
            { externalIds: unmatched.slice(start, start + CHUNK) },
            'live',
          );
          byExternalId.forEach((survivorId, externalId) => found.set(externalId, survivorId));
        }
        const customerIds = [...new Set(found.values())];
        const at = sqlInstant(tx, now);
        const changedIds: number[] = [];
        for (let start = 0; start < customerIds.length; start += CHUNK) {
          const chunk = customerIds.slice(start, start + CHUNK);
          const members = new Set(
            await ids(
              tx,
              `SELECT customer_id AS id FROM segment_memberships WHERE segment_id = ? AND customer_id IN (${placeholders(chunk)})`,
              [segmentId, ...chunk],
            ),
          );
          const targets = chunk.filter((id) => members.has(id) === (change === 'REMOVE'));
          if (targets.length > 0) {
            await this.applyStatic(tx, segmentId, targets, change, at);
            changedIds.push(...targets);
          }
        }
        // Live members only, as a refresh counts them: a customer deleted since the last refresh
        // keeps a membership row until the next one.
        const size = parseNumber(
          (
            await tx.query(
              'SELECT COUNT(*) AS n FROM segment_memberships m JOIN customers c ON c.id = m.customer_id ' +
                'WHERE m.segment_id = ? AND c.deleted_at IS NULL',
              [segmentId],
            )
          )[0].n,
        ) as number;
        await tx.getRepository(SegmentEntity).update({ id: segmentId }, { size });

        return {
          size,
          changedIds,
          unknownExternalIds: wanted.filter((externalId) => !found.has(externalId)),
        };
      },
      REFRESH_TRANSACTION,
    );
    this.announce(
      {
        segmentId,
        size: outcome.size,
        enteredIds: change === 'ADD' ? outcome.changedIds : [],
        leftIds: change === 'REMOVE' ? outcome.changedIds : [],
      },
      now,
    );

    return {
      size: outcome.size,
      changed: outcome.changedIds.length,
      unknownExternalIds: outcome.unknownExternalIds,
    };
  }

  /** Boolean SQL over customers `c` that holds for the segment's (new) members. */
  compile(segment: SegmentEntity, now: Date): CompiledRule {
    const definition = definitionOf(segment);
    if (!definition) {
      // A STATIC segment keeps its members; a refresh only drops deleted customers.
      return {
        sql: 'EXISTS (SELECT 1 FROM segment_memberships sm WHERE sm.segment_id = ? AND sm.customer_id = c.id)',
        params: [segment.id],
      };
    }

    return compileDefinition(definition, { now, dialect: ruleDialectOf(this.db) });
  }

  private async applyStatic(
    tx: EntityManager,
    segmentId: number,
    customerIds: number[],
    change: 'ADD' | 'REMOVE',
    at: unknown,
  ): Promise<void> {
    const list = placeholders(customerIds);
    if (change === 'ADD') {
      const rows = customerIds.map(() => '(?, ?, ?)').join(', ');
      const values = customerIds.flatMap((id) => [segmentId, id, at]);
      await runStatement(
        tx,
        `INSERT INTO segment_memberships (segment_id, customer_id, entered_at) VALUES ${rows}`,
        values,
      );
      await runStatement(
        tx,
        `INSERT INTO segment_membership_history (segment_id, customer_id, entered_at) VALUES ${rows}`,
        values,
      );

      return;
    }
    await runStatement(
      tx,
      `UPDATE segment_membership_history SET left_at = ? WHERE segment_id = ? AND left_at IS NULL AND customer_id IN (${list})`,
      [at, segmentId, ...customerIds],
    );
    await runStatement(
      tx,
      `DELETE FROM segment_memberships WHERE segment_id = ? AND customer_id IN (${list})`,
      [segmentId, ...customerIds],
    );
  }

  /**
   * Takes the segment's row lock for the rest of the transaction: an UPDATE locks the row on
   * MySQL (a concurrent refresh of the same segment waits here), and SQLite already runs one
   * write transaction at a time. The same statement works on both, so no dialect branch.
   */
  private async lock(
    tx: EntityManager,
    segmentId: number,
    now: Date,
    field = 'id',
  ): Promise<SegmentEntity> {
    await runStatement(tx, 'UPDATE segments SET last_refreshed_at = ? WHERE id = ?', [
      sqlInstant(tx, now),
      segmentId,
    ]);
    const segment = await tx.getRepository(SegmentEntity).findOneBy({ id: segmentId });
    if (!segment) {
      throw notFound(`Segment ${segmentId}`, field);
    }

    return segment;
  }

  private async record(
    tx: EntityManager,
    refresh: {
      segmentId: number;
      size: number;
      entered: number;
      left: number;
      durationMs: number;
      trigger: RefreshTrigger;
      at: unknown;
    },
  ): Promise<void> {
    await runStatement(
      tx,
      'INSERT INTO segment_refreshes (segment_id, refreshed_at, size, entered_count, left_count, duration_ms, triggered_by) ' +
        'VALUES (?, ?, ?, ?, ?, ?, ?)',
      [
        refresh.segmentId,
        refresh.at,
        refresh.size,
        refresh.entered,
        refresh.left,
        refresh.durationMs,
        refresh.trigger,
      ],
    );
    await runStatement(tx, 'UPDATE segments SET size = ? WHERE id = ?', [
      refresh.size,
      refresh.segmentId,
    ]);
  }

  /** Publishes the change after commit, split so that no event carries more than 1,000 ids. */
  private announce(
    change: { segmentId: number; size: number; enteredIds: number[]; leftIds: number[] },
    now: Date,
  ): void {
    for (const payload of membershipChangedPayloads({ ...change, refreshedAt: now })) {
      this.events.publish(SegmentTopic.MEMBERSHIP_CHANGED, payload);
    }
  }
}

function placeholders(values: unknown[]): string {
  return values.map(() => '?').join(', ');
}

async function ids(tx: EntityManager, sql: string, params: unknown[]): Promise<number[]> {
  const rows: Array<{ id: unknown }> = await tx.query(sql, params);

  return rows.map((row) => Number(row.id));
}
