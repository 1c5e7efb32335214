import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { dialectOf, runStatement, utcInstantText } from '../db/dialect';
import { inTransaction } from '../db/transaction';
import { decileBetween, decilesOf } from './deciles';
import { PREDICTION_KINDS, type PredictionKind } from './prediction-kind';
import type { StoredContribution } from './prediction.entity';

/** Rows per INSERT. */
const INSERT_ROWS = 2_000;
/** Customers per UPDATE that corrects a decile. */
const UPDATE_IDS = 1_000;

/** Streaming: batches that may wait to be written before `add` holds the pass back. */
const BATCHES_BEHIND = 2;

/** Some customers' scores, as a pass produces them batch by batch. */
export interface ScoredBatch {
  customerIds: number[];
  scores: number[];
  contributions: Array<StoredContribution[] | null>;
}

/**
 * Replaces a kind's predictions with one pass's in one transaction: readers see the old set or
 * the new, never half.
 *
 * Deciles rank a score among the whole pass's, known only at its end. On MySQL, when the kind
 * was scored before, the rows are not held until then: a connection of the writer's own opens
 * the transaction, deletes the old rows and inserts each batch as it is scored (the database
 * writes while it still reads the next batches), placing each score by the previous pass's
 * decile boundaries; at the end the rows whose decile by rank differs are corrected, which
 * between passes over similar data are few. SQLite has one connection for the whole process,
 * where a transaction open for the whole pass would hold every other writer; there, and on a
 * kind's first pass, the rows are kept and written at the end with their deciles.
 */
export class PredictionWriter {
  private readonly customerIds: number[] = [];
  private readonly scores: number[] = [];
  /** Streaming: the decile each row went in with. */
  private readonly placed: number[] = [];
  /** Not streaming: the batches to write at the end. */
  private readonly kept: ScoredBatch[] = [];
  private writes: Promise<unknown> = Promise.resolve();
  /** Streaming: each batch's write, in order. */
  private readonly batchWrites: Array<Promise<unknown>> = [];
  private done = false;

  private constructor(
    private readonly db: DataSource,
    private readonly kind: PredictionKind,
    private readonly versionId: number,
    /** UTC text (see utcInstantText). */
    private readonly scoredAt: string,
    /** The streaming transaction's connection, or null when rows are written at the end. */
    private readonly runner: QueryRunner | null,
    private readonly lowestOfDeciles2To10: readonly number[],
  ) {}

  static async open(
    db: DataSource,
    kind: PredictionKind,
    versionId: number,
    now: Date,
  ): Promise<PredictionWriter> {
    // The kind stands as a literal in every INSERT (see insert): only a known one is written.
    if (!PREDICTION_KINDS.includes(kind)) {
      throw new Error(`no prediction kind ${JSON.stringify(kind)}`);
    }
    const scoredAt = utcInstantText(now);
    const lows = dialectOf(db) === 'mysql' ? await previousDecileLows(db, kind) : null;
    if (!lows) {
      return new PredictionWriter(db, kind, versionId, scoredAt, null, []);
    }
    const runner = db.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    const writer = new PredictionWriter(db, kind, versionId, scoredAt, runner, lows);
    writer.enqueue((tx) => runStatement(tx, 'DELETE FROM predictions WHERE kind = ?', [kind]));

    return writer;
  }

  /** Customers scored so far. */
  get count(): number {
    return this.customerIds.length;
  }

  /**
   * Takes a batch; streaming, resolves once at most BATCHES_BEHIND batches wait to be written.
   * The pass reads faster than one connection writes, and rows still queued after the last read
   * are written with the database's other cores idle: held back, reads and writes share them.
   */
  async add(batch: ScoredBatch): Promise<void> {
    this.customerIds.push(...batch.customerIds);
    this.scores.push(...batch.scores);
    if (!this.runner) {
      this.kept.push(batch);

      return;
    }
    const deciles = batch.scores.map((score) => decileBetween(score, this.lowestOfDeciles2To10));
    this.placed.push(...deciles);
    this.enqueue((tx) => this.insert(tx, batch, deciles));
    this.batchWrites.push(this.writes);
    const behind = this.batchWrites.length - 1 - BATCHES_BEHIND;
    if (behind >= 0) {
      // A failed write surfaces at commit.
      await this.batchWrites[behind].catch(() => undefined);
    }
  }

  /** Writes what is left, gives every row its decile by rank, and commits. */
  async commit(): Promise<void> {
    this.done = true;
    const deciles = decilesOf(this.scores);
    if (!this.runner) {
      await inTransaction(this.db, async (tx) => {
        await runStatement(tx, 'DELETE FROM predictions WHERE kind = ?', [this.kind]);
        let offset = 0;
        for (const batch of this.kept) {
          await this.insert(tx, batch, deciles.subarray(offset, offset + batch.scores.length));
          offset += batch.scores.length;
        }
      });

      return;
    }
    const runner = this.runner;
    try {
      await this.writes;
      await this.correct(runner.manager, deciles);
      await runner.commitTransaction();
    } catch (error) {
      await runner.rollbackTransaction();
      throw error;
    } finally {
      await runner.release();
    }
  }

  /** Leaves the kind's predictions as they were (a pass that failed before its commit). */
  async abort(): Promise<void> {
    if (this.done || !this.runner) {
      return;
    }
    this.done = true;
    await this.writes.catch(() => undefined);
    try {
      await this.runner.rollbackTransaction();
    } finally {
      await this.runner.release();
    }
  }

  /** Runs `write` on the transaction after the writes queued before it. */
  private enqueue(write: (tx: EntityManager) => Promise<unknown>): void {
    const runner = this.runner as QueryRunner;
    this.writes = this.writes.then(() => write(runner.manager));
    // A failure surfaces at commit; until then it must not count as unhandled.
    this.writes.catch(() => undefined);
  }

  private async insert(
    tx: EntityManager,
    batch: ScoredBatch,
    deciles: ArrayLike<number>,
  ): Promise<void> {
    // Only the contributions are bound; the rest are finite numbers and the pass's constants,
    // written as literals: a pass writes every customer, and formatting seven parameters a row
    // cost mysql2 more CPU than scoring the row.
    const constants = `'${this.kind}', ${numberLiteral(this.versionId)}, '${this.scoredAt}'`;
    for (let start = 0; start < batch.customerIds.length; start += INSERT_ROWS) {
      const end = Math.min(start + INSERT_ROWS, batch.customerIds.length);
      const rows: string[] = [];
      const params: string[] = [];
      for (let i = start; i < end; i++) {
        const contributions = batch.contributions[i];
        if (contributions) {
          params.push(JSON.stringify(contributions));
        }
        rows.push(
          `(${numberLiteral(batch.customerIds[i])}, ${numberLiteral(batch.scores[i])}, ${numberLiteral(deciles[i])}, ${contributions ? '?' : 'NULL'}, ${constants})`,
        );
      }
      await runStatement(
        tx,
        `INSERT INTO predictions (customer_id, score, decile, contributions, kind, model_version_id, scored_at)
         VALUES ${rows.join(', ')}`,
        params,
      );
    }
  }

  /** Updates the rows placed in another decile than their rank gives. */
  private async correct(tx: EntityManager, deciles: Uint8Array): Promise<void> {
    const moved = new Map<number, number[]>();
    deciles.forEach((decile, index) => {
      if (decile !== this.placed[index]) {
        const ids = moved.get(decile) ?? [];
        ids.push(this.customerIds[index]);
        moved.set(decile, ids);
      }
    });
    for (const [decile, ids] of moved) {
      for (let start = 0; start < ids.length; start += UPDATE_IDS) {
        const chunk = ids.slice(start, start + UPDATE_IDS);
        await runStatement(
          tx,
          `UPDATE predictions SET decile = ? WHERE kind = ? AND customer_id IN (${chunk.map(() => '?').join(', ')})`,
          [decile, this.kind, ...chunk],
        );
      }
    }
  }
}

/** A number as an SQL literal; both dialects read JavaScript's number text. */
function numberLiteral(value: number): string {
  if (!Number.isFinite(value)) {
    throw new Error(`a prediction is written with finite numbers only, got ${value}`);
  }

  return String(value);
}

/**
 * The lowest stored score of deciles 2 to 10, or null when the kind has no full set of
 * deciles (never scored, or fewer than ten customers).
 */
async function previousDecileLows(db: DataSource, kind: PredictionKind): Promise<number[] | null> {
  const rows: Array<{ decile: number; low: number }> = await db.query(
    'SELECT decile, MIN(score) AS low FROM predictions WHERE kind = ? GROUP BY decile ORDER BY decile',
    [kind],
  );

  return rows.length === 10 ? rows.slice(1).map((row) => Number(row.low)) : null;
}
