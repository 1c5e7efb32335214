/**
 * A gate that lets at most `max` of the calls given to it run at once; the others wait their
 * turn, first come first served. For bursts that would otherwise all ask for a database
 * connection at the same moment and overflow the pool's bounded queue.
 */
export function concurrencyLimit(max: number): <T>(work: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: Array<() => void> = [];

  return async <T>(work: () => Promise<T>): Promise<T> => {
    if (running < max) {
      running += 1;
    } else {
      // A finishing call hands its place over directly: `running` stays as it is.
      await new Promise<void>((resolve) => waiting.push(resolve));
    }
    try {
      return await work();
    } finally {
      const next = waiting.shift();
      if (next) {
        next();
      } else {
        running -= 1;
      }
    }
  };
}
