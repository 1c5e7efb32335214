import { withSqlScope } from '../../../src/db/sql-log';
import { decilesOf } from '../../../src/predictions/deciles';
import { PredictionWriter, type ScoredBatch } from '../../../src/predictions/prediction-writer';
import { describeEachDialect } from '../support/dialects';
import { createCustomers } from '../support/factories';
import type { TestPulse } from '../support/start-pulse';

const KIND = 'CHURN';
const VERSION = 1;

type Stored = { customerId: number; score: number; decile: number };

async function stored(pulse: TestPulse): Promise<Stored[]> {
  const rows: Array<Record<string, unknown>> = await pulse.app.db.query(
    'SELECT customer_id, score, decile FROM predictions WHERE kind = ? ORDER BY customer_id',
    [KIND],
  );

  return rows.map((row) => ({
    customerId: Number(row.customer_id),
    score: Number(row.score),
    decile: Number(row.decile),
  }));
}

/** What a pass of `scores` must leave: each customer's score and its decile by rank. */
function expected(ids: number[], scores: number[]): Stored[] {
  const deciles = decilesOf(scores);

  return ids.map((customerId, i) => ({ customerId, score: scores[i], decile: deciles[i] }));
}

/** Splits a pass into batches of 20 customers, as the feature reads deliver them. */
function batches(ids: number[], scores: number[]): ScoredBatch[] {
  const result: ScoredBatch[] = [];
  for (let start = 0; start < ids.length; start += 20) {
    result.push({
      customerIds: ids.slice(start, start + 20),
      scores: scores.slice(start, start + 20),
      contributions: ids.slice(start, start + 20).map(() => [['orders_total', 1, 0.5]]),
    });
  }

  return result;
}

async function addAll(writer: PredictionWriter, all: ScoredBatch[]): Promise<void> {
  for (const batch of all) {
    await writer.add(batch);
  }
}

async function pass(pulse: TestPulse, ids: number[], scores: number[]): Promise<void> {
  const writer = await PredictionWriter.open(pulse.app.db, KIND, VERSION, new Date());
  await addAll(writer, batches(ids, scores));
  await writer.commit();
}

/** Whether `promise` is still pending after `ms`. */
async function pendingAfter(promise: Promise<unknown>, ms: number): Promise<boolean> {
  const waiting = Symbol('pending');
  const first = await Promise.race([
    promise,
    new Promise((resolve) => setTimeout(() => resolve(waiting), ms)),
  ]);

  return first === waiting;
}

describeEachDialect("replacing a kind's predictions with a scoring pass", (pulse) => {
  let ids: number[];
  const first = (i: number) => ((i * 37) % 60) / 60;
  const second = (i: number) => 1 - first(i) + (i % 3) / 1000;

  beforeAll(async () => {
    await createCustomers(pulse(), 60);
    const rows: Array<{ id: number }> = await pulse().app.db.query(
      'SELECT id FROM customers ORDER BY id',
    );
    ids = rows.map((row) => Number(row.id));
  });

  it('writes a first pass with every decile by rank', async () => {
    const scores = ids.map((_, i) => first(i));
    await pass(pulse(), ids, scores);

    expect(await stored(pulse())).toEqual(expected(ids, scores));
  });

  it('replaces the pass whole: readers see the old rows until the commit, then every decile by rank', async () => {
    const before = await stored(pulse());
    // Reversed scores move nearly every customer to another decile than the previous
    // boundaries place them in, so the corrections at the end carry the result.
    const scores = ids.map((_, i) => second(i));
    const writer = await PredictionWriter.open(pulse().app.db, KIND, VERSION, new Date());
    try {
      // Statements the batches' writes run, counted in the scope they were handed over in.
      const { scope, result } = withSqlScope(() => addAll(writer, batches(ids, scores)));
      await result;
      // MySQL inserts each batch while the pass goes on (one INSERT per batch of 20); SQLite
      // keeps them for the commit.
      const streamed = pulse().dialect === 'mysql' ? 3 : 0;
      for (let tries = 0; scope.statements < streamed; tries++) {
        expect(tries).toBeLessThan(100);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(scope.statements).toBe(streamed);
      expect(await stored(pulse())).toEqual(before);
    } catch (error) {
      await writer.abort();
      throw error;
    }
    await writer.commit();
    expect(await stored(pulse())).toEqual(expected(ids, scores));
  });

  it('leaves the previous predictions when a pass is abandoned, and a later pass still commits', async () => {
    const before = await stored(pulse());
    const writer = await PredictionWriter.open(pulse().app.db, KIND, VERSION, new Date());
    await addAll(
      writer,
      batches(
        ids,
        ids.map(() => 0.5),
      ),
    );
    await writer.abort();
    expect(await stored(pulse())).toEqual(before);

    const scores = ids.map((_, i) => first(i));
    await pass(pulse(), ids, scores);
    expect(await stored(pulse())).toEqual(expected(ids, scores));
  });

  it('rolls the whole pass back when one of its writes fails', async () => {
    const before = await stored(pulse());
    const writer = await PredictionWriter.open(pulse().app.db, KIND, VERSION, new Date());
    await writer.add(
      batches(
        ids,
        ids.map(() => 0.25),
      )[0],
    );
    // No such customer: the foreign key refuses the row.
    await writer.add({ customerIds: [2_000_000_000], scores: [0.5], contributions: [null] });
    await expect(writer.commit()).rejects.toThrow();

    expect(await stored(pulse())).toEqual(before);
  });

  it('holds a streaming pass back while more than two batches wait to be written', async () => {
    const all = batches(
      ids,
      ids.map((_, i) => first(i)),
    );
    const mysql = pulse().dialect === 'mysql';
    // On MySQL another transaction locks the kind's rows, so the writer's first statement
    // waits for it. SQLite keeps the rows for the commit: nothing is behind, nothing waits.
    const locker = pulse().app.db.createQueryRunner();
    if (mysql) {
      await locker.startTransaction();
      await locker.query('SELECT customer_id FROM predictions WHERE kind = ? FOR UPDATE', [KIND]);
    }
    const writer = await PredictionWriter.open(pulse().app.db, KIND, VERSION, new Date());
    try {
      await writer.add(all[0]);
      await writer.add(all[1]);
      const third = writer.add(all[2]);
      expect(await pendingAfter(third, 300)).toBe(mysql);
      if (mysql) {
        await locker.commitTransaction();
      }
      await third;
    } finally {
      if (locker.isTransactionActive) {
        await locker.rollbackTransaction();
      }
      await locker.release();
    }
    await writer.commit();
    expect(await stored(pulse())).toEqual(
      expected(
        ids,
        ids.map((_, i) => first(i)),
      ),
    );
  });
});
