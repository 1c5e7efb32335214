import type DataLoader from 'dataloader';
import type { ParentKey } from '../db/loaders';
import { type Page, pageWindow, toPage } from '../db/pagination';

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
 */
export async function loadNestedPage<TRow, TFilter>(
  spec: NestedPageSpec<TRow, TFilter>,
): Promise<Page<TRow>> {
  const window = pageWindow({ first: spec.first, after: spec.after }, spec.maxPageSize, 2);
  const before = window.cursor
    ? { at: new Date(String(window.cursor[0])), id: Number(window.cursor[1]) }
    : null;
  const rows = await spec.rows.load({
    parentId: spec.parentId,
    args: { filter: spec.filter, limit: window.size + 1, before },
  });

  return toPage(
    rows,
    window,
    (row) => {
      const key = spec.sortKey(row);

      return [key.at.toISOString(), key.id];
    },
    () => spec.counts.load({ parentId: spec.parentId, args: spec.filter }),
  );
}
