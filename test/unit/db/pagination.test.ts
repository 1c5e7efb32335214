import {
  decodeCursor,
  encodeCursor,
  keysetCondition,
  pageWindow,
  toPage,
} from '../../../src/db/pagination';

describe('pagination', () => {
  it('round-trips cursors and refuses foreign ones naming the argument', () => {
    expect(decodeCursor(encodeCursor(['2025-01-01T00:00:00.000Z', 7]), 'after', 2)).toEqual([
      '2025-01-01T00:00:00.000Z',
      7,
    ]);
    expect(() => decodeCursor('not-a-cursor', 'after', 2)).toThrow(
      expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'after' }),
    );
    expect(() => decodeCursor(encodeCursor([1]), 'before', 2)).toThrow(
      expect.objectContaining({ field: 'before' }),
    );
  });

  it('refuses cursors holding anything but text and integers, as no Pulse cursor does', () => {
    for (const value of [{ a: 1 }, [1], null, true, 1.5, 1e300, Number.MAX_SAFE_INTEGER + 1]) {
      expect(() => decodeCursor(encodeCursor(['x', value]), 'after', 2)).toThrow(
        expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'after' }),
      );
    }
    expect(decodeCursor(encodeCursor(['', -3]), 'after', 2)).toEqual(['', -3]);
  });

  it('defaults to 20 items, refuses sizes over the cap, and refuses mixed directions', () => {
    expect(pageWindow({}, 100, 2)).toEqual({ size: 20, backward: false, cursor: null });
    expect(() => pageWindow({ first: 101 }, 100, 2)).toThrow(
      expect.objectContaining({ field: 'first' }),
    );
    expect(() => pageWindow({ last: -1 }, 100, 2)).toThrow(
      expect.objectContaining({ field: 'last' }),
    );
    expect(() => pageWindow({ first: 1, last: 1 }, 100, 2)).toThrow(
      expect.objectContaining({ code: 'BAD_USER_INPUT' }),
    );
  });

  it('builds the keyset condition "after (a, b)" as nested comparisons', () => {
    expect(keysetCondition(['c.a', 'c.id'], ['x', 3], '>')).toEqual({
      sql: '((c.a > :k0) OR (c.a = :k0 AND c.id > :k1))',
      params: { k0: 'x', k1: 3 },
    });
  });

  it('uses the extra fetched row only to tell that a next page exists', async () => {
    const page = toPage(
      [1, 2, 3],
      { size: 2, backward: false, cursor: null },
      (n) => [n],
      async () => 3,
    );
    expect(page.items).toEqual([1, 2]);
    expect(page.hasNextPage).toBe(true);
    expect(page.hasPreviousPage).toBe(false);
    expect(decodeCursor(page.cursorAt(1), 'after', 1)).toEqual([2]);
  });

  it('returns a backward page in display order', () => {
    const page = toPage(
      [5, 4, 3],
      { size: 2, backward: true, cursor: [6] },
      (n) => [n],
      async () => 6,
    );
    expect(page.items).toEqual([4, 5]);
    expect(page.hasPreviousPage).toBe(true);
    expect(page.hasNextPage).toBe(true);
  });
});
