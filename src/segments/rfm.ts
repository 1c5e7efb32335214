import { RfmGroup } from './rfm-group';

/** A closed range of scores, both ends included. */
export type ScoreRange = readonly [low: number, high: number];

/** One rectangle of the RFM grid: customers whose R and FM scores fall in it get `group`. */
export interface RfmGridCell {
  group: RfmGroup;
  r: ScoreRange;
  fm: ScoreRange;
}

/**
 * The usual RFM grid over the recency score R and the combined score FM = ⌈(F + M) / 2⌉,
 * with LOST split off the bottom-left corner of HIBERNATING. The rectangles tile the 5 × 5
 * grid exactly once (a unit test checks it):
 *
 * | R \ FM | 1              | 2                  | 3                  | 4                | 5                |
 * | ------ | -------------- | ------------------ | ------------------ | ---------------- | ---------------- |
 * | 5      | NEW            | POTENTIAL_LOYALIST | POTENTIAL_LOYALIST | CHAMPIONS        | CHAMPIONS        |
 * | 4      | PROMISING      | POTENTIAL_LOYALIST | POTENTIAL_LOYALIST | LOYAL            | LOYAL            |
 * | 3      | ABOUT_TO_SLEEP | ABOUT_TO_SLEEP     | NEED_ATTENTION     | LOYAL            | LOYAL            |
 * | 2      | HIBERNATING    | HIBERNATING        | AT_RISK            | AT_RISK          | CANNOT_LOSE_THEM |
 * | 1      | LOST           | HIBERNATING        | AT_RISK            | AT_RISK          | CANNOT_LOSE_THEM |
 */
export const RFM_GRID: readonly RfmGridCell[] = [
  { group: RfmGroup.CHAMPIONS, r: [5, 5], fm: [4, 5] },
  { group: RfmGroup.LOYAL, r: [3, 4], fm: [4, 5] },
  { group: RfmGroup.POTENTIAL_LOYALIST, r: [4, 5], fm: [2, 3] },
  { group: RfmGroup.NEW, r: [5, 5], fm: [1, 1] },
  { group: RfmGroup.PROMISING, r: [4, 4], fm: [1, 1] },
  { group: RfmGroup.NEED_ATTENTION, r: [3, 3], fm: [3, 3] },
  { group: RfmGroup.ABOUT_TO_SLEEP, r: [3, 3], fm: [1, 2] },
  { group: RfmGroup.AT_RISK, r: [1, 2], fm: [3, 4] },
  { group: RfmGroup.CANNOT_LOSE_THEM, r: [1, 2], fm: [5, 5] },
  { group: RfmGroup.HIBERNATING, r: [2, 2], fm: [1, 2] },
  { group: RfmGroup.HIBERNATING, r: [1, 1], fm: [2, 2] },
  { group: RfmGroup.LOST, r: [1, 1], fm: [1, 1] },
];

/** The combined frequency–monetary score, ⌈(F + M) / 2⌉, from 1 to 5. */
export function fmScore(f: number, m: number): number {
  return Math.ceil((f + m) / 2);
}

/** The RFM group of scores r, f and m (each 1–5), by RFM_GRID. */
export function rfmGroupOf(r: number, f: number, m: number): RfmGroup {
  const fm = fmScore(f, m);
  const cell = RFM_GRID.find((c) => within(r, c.r) && within(fm, c.fm));
  if (!cell) {
    throw new RangeError(`RFM scores must be integers from 1 to 5, got ${r}, ${f}, ${m}`);
  }

  return cell.group;
}

/**
 * A SQL CASE giving the RFM group of the score expressions `r`, `f` and `m`, with the grid's
 * bounds and group names as `?` parameters. FM ranges become ranges of F + M (FM = k exactly
 * when F + M is 2k − 1 or 2k), so no division is needed and both dialects agree.
 */
export function rfmGroupCaseSql(
  r: string,
  f: string,
  m: string,
): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const branches = RFM_GRID.map((cell) => {
    params.push(cell.r[0], cell.r[1], 2 * cell.fm[0] - 1, 2 * cell.fm[1], cell.group);

    return `WHEN ${r} BETWEEN ? AND ? AND ${f} + ${m} BETWEEN ? AND ? THEN ?`;
  });

  return { sql: `CASE ${branches.join(' ')} END`, params };
}

function within(score: number, [low, high]: ScoreRange): boolean {
  return score >= low && score <= high;
}
