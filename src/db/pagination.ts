import { badInput } from '../errors';

/** Relay-style page request; exactly one direction may be used. */
export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

/** One page of a list, in display order, with the cursor of each item. */
export interface Page<T> {
  items: T[];
  /**
   * The cursor of the item at `index`, made when asked for: most clients read `endCursor`
   * only, and a page of 50 customers with their interactions and orders holds 450 items.
   */
  cursorAt: (index: number) => string;
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  /** Counts the whole filtered list; only called when a client asks for `totalCount`. */
  totalCount: () => Promise<number>;
}

/** A page request checked against the cap and decoded into one direction of travel. */
export interface PageWindow {
  size: number;
  /** True when paging backwards (`last`/`before`). */
  backward: boolean;
  /** Sort-key values of the cursor to start after (or before), if any. */
  cursor: unknown[] | null;
}

export const DEFAULT_PAGE_SIZE = 20;

export function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

/**
 * The sort-key values of a cursor this list made: `arity` values, each text or an integer, as
 * every Pulse cursor holds (instants as ISO text, names, keys, ids). Anything else was made by
 * hand, and would reach SQL as a parameter the column cannot be compared with: an internal
 * error, or a silently wrong page. It is refused like any foreign cursor, and so is a value at
 * one of the `integers` positions (ids the list turns into numbers) that is not an integer.
 */
export function decodeCursor(
  cursor: string,
  field: string,
  arity: number,
  integers: readonly number[] = [],
): unknown[] {
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(values) &&
      values.length === arity &&
      values.every(
        (value, index) =>
          Number.isSafeInteger(value) || (typeof value === 'string' && !integers.includes(index)),
      )
    ) {
      return values;
    }
  } catch {
    // falls through to the error below
  }
  throw badInput(`"${cursor}" is not a cursor of this list`, field);
}

/**
 * The instant at a cursor position that holds one (ISO text, as the list wrote it). Other text
 * is refused like any foreign cursor: a cursor of the same list in another order (a name where
 * a sign-up time goes) would reach SQL as an invalid date, a silently wrong page.
 */
export function cursorInstant(value: unknown, field: string): Date {
  const instant = new Date(String(value));
  if (Number.isNaN(instant.getTime())) {
    throw badInput(`"${String(value)}" in the cursor is not an instant of this list`, field);
  }

  return instant;
}

/**
 * Checks a page request: sizes between 0 and `maxSize` (larger ones are refused rather than
 * silently cut, so a client never mistakes a short page for the end of the list), and no mix
 * of forward and backward arguments.
 */
export function pageWindow(
  args: PageArgs,
  maxSize: number,
  arity: number,
  /** Cursor positions that hold integers (see decodeCursor). */
  integers: readonly number[] = [],
): PageWindow {
  const backward = args.last != null || args.before != null;
  if (backward && (args.first != null || args.after != null)) {
    throw badInput(
      'Use first/after or last/before, not both',
      args.first != null ? 'first' : 'after',
    );
  }
  const sizeField = backward ? 'last' : 'first';
  const size = (backward ? args.last : args.first) ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 0 || size > maxSize) {
    throw badInput(`${sizeField} must be between 0 and ${maxSize}, got ${size}`, sizeField);
  }
  const cursorField = backward ? 'before' : 'after';
  const cursorText = backward ? args.before : args.after;
  const cursor = cursorText ? decodeCursor(cursorText, cursorField, arity, integers) : null;

  return { size, backward, cursor };
}

/**
 * Turns `size + 1` rows fetched in travel order into a page in display order. The extra row
 * only tells whether another page exists.
 */
export function toPage<T>(
  rows: T[],
  window: PageWindow,
  sortKey: (row: T) => unknown[],
  totalCount: () => Promise<number>,
): Page<T> {
  const more = rows.length > window.size;
  const items = rows.slice(0, window.size);
  if (window.backward) {
    items.reverse();
  }

  return {
    items,
    cursorAt: (index) => encodeCursor(sortKey(items[index])),
    hasNextPage: window.backward ? window.cursor !== null : more,
    hasPreviousPage: window.backward ? more : window.cursor !== null,
    totalCount,
  };
}

/**
 * The keyset condition "strictly after this cursor" for a list sorted by `columns` (all in one
 * direction): `(a > :a) OR (a = :a AND b > :b) …`, with named parameters for TypeORM.
 */
export function keysetCondition(
  columns: string[],
  values: unknown[],
  operator: '>' | '<',
  prefix = 'k',
): { sql: string; params: Record<string, unknown> } {
  const params: Record<string, unknown> = {};
  const alternatives = columns.map((column, i) => {
    const equalities = columns.slice(0, i).map((earlier, j) => `${earlier} = :${prefix}${j}`);

    return [...equalities, `${column} ${operator} :${prefix}${i}`].join(' AND ');
  });
  values.forEach((value, i) => {
    params[`${prefix}${i}`] = value;
  });

  return { sql: `((${alternatives.join(') OR (')}))`, params };
}
