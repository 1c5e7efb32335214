import { setImmediate as nextTurn } from 'node:timers/promises';
import { GroupedWriter } from '../../../src/db/grouped-writer';

/** A write that records its rows and settles only when the test says so. */
function controlledWrite() {
  const calls: Array<{ rows: string[]; succeed: () => void; fail: (error: Error) => void }> = [];
  const write = (rows: string[]) =>
    new Promise<void>((resolve, reject) => calls.push({ rows, succeed: resolve, fail: reject }));

  return { calls, write };
}

/** Whether `promise` has settled, and how. */
function watch(promise: Promise<void>) {
  const state = { settled: false, error: null as unknown };
  promise.then(
    () => (state.settled = true),
    (error: unknown) => Object.assign(state, { settled: true, error }),
  );

  return state;
}

describe('GroupedWriter', () => {
  it('writes the rows added in one turn with one call, in order', async () => {
    const { calls, write } = controlledWrite();
    const writer = new GroupedWriter(write, 10);
    const added = ['a', 'b', 'c'].map((row) => watch(writer.add(row)));
    await nextTurn();

    expect(calls.map((call) => call.rows)).toEqual([['a', 'b', 'c']]);
    expect(added.some((state) => state.settled)).toBe(false);

    calls[0].succeed();
    await nextTurn();
    expect(added.map((state) => state.settled)).toEqual([true, true, true]);
  });

  it('writes rows of a later turn with a call of their own', async () => {
    const { calls, write } = controlledWrite();
    const writer = new GroupedWriter(write, 10);
    void writer.add('a');
    await nextTurn();
    void writer.add('b');
    void writer.add('c');
    await nextTurn();

    expect(calls.map((call) => call.rows)).toEqual([['a'], ['b', 'c']]);
  });

  it('splits a turn into calls of at most maxRows rows', async () => {
    const { calls, write } = controlledWrite();
    const writer = new GroupedWriter(write, 2);
    for (const row of ['a', 'b', 'c', 'd', 'e']) {
      void writer.add(row);
    }
    await nextTurn();

    expect(calls.map((call) => call.rows)).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('fails exactly the rows of the call that failed', async () => {
    const { calls, write } = controlledWrite();
    const writer = new GroupedWriter(write, 2);
    const added = ['a', 'b', 'c'].map((row) => watch(writer.add(row)));
    await nextTurn();
    const refused = new Error('database unavailable');
    calls[0].fail(refused);
    calls[1].succeed();
    await nextTurn();

    expect(added.map((state) => state.error)).toEqual([refused, refused, null]);
    expect(added.every((state) => state.settled)).toBe(true);
  });

  it('fails the callers of a write that throws before it returns a promise', async () => {
    const refused = new Error('no such column');
    const writer = new GroupedWriter<string>(() => {
      throw refused;
    }, 10);

    await expect(Promise.all([writer.add('a'), writer.add('b')])).rejects.toBe(refused);
  });
});
