import type DataLoader from 'dataloader';
import type { ParentKey } from '../db/loaders';
import { cursorInstant, type Page, pageWindow, toPage } from '../db/pagination';

/** What a nested list (a customer's interactions, orders) needs to build one page. */
export interface NestedPageSpec<TRow, TFilter> {
  parentId: number;
  filter: TFilter;
  first: number | null | undefined;
  after: string | null | undefined;
  maxPageSize: number;
  rows: DataLoader<
    ParentKey<{ filter: TFilter; limit: number; before: { at: Date; id: number } | null }>,
    TRow[],
    string
  >;
  counts: DataLoader<ParentKey<TFilter>, number, string>;
  /** The row's time and id: its sort key, newest first. */
  sortKey: (row: TRow) => { at: Date; id: number };
}

/**
 * One page of a parent's children, newest first, through per-request loaders: every parent
 * on the page above asks with the same arguments, so all of them are served by one query.
 *
 * Promise chains, not async functions: a page of 50 customers calls this 100 times, and with the
 * statement count's AsyncLocalStorage every promise (an `await` makes one more) runs Node's
 * promise hooks.
 */
export function loadNestedPage<TRow, TFilter, TResult>(
  spec: NestedPageSpec<TRow, TFilter>,
  /** Turns the page into what the resolver returns. */
  finish: (page: Page<TRow>) => TResult,
): Promise<TResult> {
  const window = pageWindow({ first: spec.first, after: spec.after }, spec.maxPageSize, 2, [1]);
  const before = window.cursor
    ? { at: cursorInstant(window.cursor[0], 'after'), id: Number(window.cursor[1]) }
    : null;

  return spec.rows
    .load({
      parentId: spec.parentId,
      args: { filter: spec.filter, limit: window.size + 1, before },
    })
    .then((rows) =>
      finish(
        toPage(
          rows,
          window,
          (row) => {
            const key = spec.sortKey(row);

            return [key.at.toISOString(), key.id];
          },
          () => spec.counts.load({ parentId: spec.parentId, args: spec.filter }),
        ),
      ),
    );
}
