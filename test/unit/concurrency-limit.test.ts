import { concurrencyLimit } from '../../src/concurrency-limit';

/** A call that runs until `finish` is called; records when it started. */
function controlled(started: number[], n: number) {
  let finish: (value: number) => void = () => undefined;
  const work = () =>
    new Promise<number>((resolve) => {
      started.push(n);
      finish = resolve;
    });

  return { work, finish: () => finish(n) };
}

describe('concurrencyLimit', () => {
  it('runs at most max calls at once, the others in the order they came', async () => {
    const limit = concurrencyLimit(2);
    const started: number[] = [];
    const calls = [0, 1, 2, 3].map((n) => controlled(started, n));
    const results = calls.map((call) => limit(call.work));
    await Promise.resolve();
    expect(started).toEqual([0, 1]);

    calls[1].finish();
    await results[1];
    await new Promise(setImmediate);
    expect(started).toEqual([0, 1, 2]);

    calls[0].finish();
    calls[2].finish();
    await new Promise(setImmediate);
    expect(started).toEqual([0, 1, 2, 3]);
    calls[3].finish();
    expect(await Promise.all(results)).toEqual([0, 1, 2, 3]);
  });

  it('frees the place of a call that fails', async () => {
    const limit = concurrencyLimit(1);
    await expect(limit(() => Promise.reject(new Error('failed')))).rejects.toThrow('failed');

    expect(await limit(() => Promise.resolve('next'))).toBe('next');
  });
});
