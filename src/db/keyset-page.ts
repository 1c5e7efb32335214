import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { keysetCondition, type Page, type PageArgs, pageWindow, toPage } from './pagination';

/** How a list is ordered for keyset paging: its columns (all one direction) and a row's key. */
export interface KeysetOrder<T> {
  /** SQL columns, most significant first; the last must make the order unique (an id). */
  columns: string[];
  direction: 'ASC' | 'DESC';
  /** The values of `columns` for a row, as its cursor carries them. */
  key: (row: T) => unknown[];
  /** Turns cursor values back into parameters (e.g. ISO strings into Dates); as-is by default. */
  fromCursor?: (values: unknown[]) => unknown[];
}

/**
 * One page of the rows `base()` selects, in `order`, after or before a cursor. `base` builds a
 * fresh filtered query each time: once for the page, once more only if `totalCount` is asked.
 */
export async function keysetPage<T extends ObjectLiteral>(
  base: () => SelectQueryBuilder<T>,
  order: KeysetOrder<T>,
  pageArgs: PageArgs,
  maxPageSize: number,
): Promise<Page<T>> {
  const window = pageWindow(pageArgs, maxPageSize, order.columns.length);
  const query = base();
  // Paging backwards walks the list in reverse and toPage() flips the page back.
  const descending = (order.direction === 'DESC') !== window.backward;
  if (window.cursor) {
    const values = order.fromCursor ? order.fromCursor(window.cursor) : window.cursor;
    const condition = keysetCondition(order.columns, values, descending ? '<' : '>');
    query.andWhere(condition.sql, condition.params);
  }
  const direction = descending ? 'DESC' : 'ASC';
  order.columns.forEach((column, i) =>
    i === 0 ? query.orderBy(column, direction) : query.addOrderBy(column, direction),
  );
  const rows = await query.limit(window.size + 1).getMany();

  return toPage(rows, window, order.key, () => base().getCount());
}
