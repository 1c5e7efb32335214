import { RfmGroup } from '../../../src/segments/rfm-group';
import { fmScore, RFM_GRID, rfmGroupCaseSql, rfmGroupOf } from '../../../src/segments/rfm';

const SCORES = [1, 2, 3, 4, 5];

describe('RFM grid', () => {
  it('covers every (R, FM) cell of the 5 × 5 grid exactly once', () => {
    for (const r of SCORES) {
      for (const fm of SCORES) {
        const cells = RFM_GRID.filter(
          (cell) => r >= cell.r[0] && r <= cell.r[1] && fm >= cell.fm[0] && fm <= cell.fm[1],
        );
        expect({ r, fm, cells: cells.length }).toEqual({ r, fm, cells: 1 });
      }
    }
  });

  it('uses every named group', () => {
    expect(new Set(RFM_GRID.map((cell) => cell.group))).toEqual(new Set(Object.values(RfmGroup)));
  });

  it('combines F and M as the rounded-up mean', () => {
    expect([fmScore(1, 1), fmScore(1, 2), fmScore(2, 2), fmScore(4, 5), fmScore(5, 5)]).toEqual([
      1, 2, 2, 5, 5,
    ]);
  });

  // The README table, row by row (R from 5 down to 1; columns FM 1..5).
  const TABLE: Record<number, RfmGroup[]> = {
    5: ['NEW', 'POTENTIAL_LOYALIST', 'POTENTIAL_LOYALIST', 'CHAMPIONS', 'CHAMPIONS'] as RfmGroup[],
    4: ['PROMISING', 'POTENTIAL_LOYALIST', 'POTENTIAL_LOYALIST', 'LOYAL', 'LOYAL'] as RfmGroup[],
    3: ['ABOUT_TO_SLEEP', 'ABOUT_TO_SLEEP', 'NEED_ATTENTION', 'LOYAL', 'LOYAL'] as RfmGroup[],
    2: ['HIBERNATING', 'HIBERNATING', 'AT_RISK', 'AT_RISK', 'CANNOT_LOSE_THEM'] as RfmGroup[],
    1: ['LOST', 'HIBERNATING', 'AT_RISK', 'AT_RISK', 'CANNOT_LOSE_THEM'] as RfmGroup[],
  };

  it.each(SCORES)('maps R = %i to the documented row for every FM', (r) => {
    // F = M = FM gives that FM exactly.
    expect(SCORES.map((fm) => rfmGroupOf(r, fm, fm))).toEqual(TABLE[r]);
  });

  it.each([
    [5, 5, 4, RfmGroup.CHAMPIONS],
    [5, 1, 2, RfmGroup.POTENTIAL_LOYALIST],
    [3, 1, 4, RfmGroup.NEED_ATTENTION],
    [1, 1, 2, RfmGroup.HIBERNATING],
    [2, 5, 4, RfmGroup.CANNOT_LOSE_THEM],
  ])('puts R=%i F=%i M=%i in %s', (r, f, m, group) => {
    expect(rfmGroupOf(r, f, m)).toBe(group);
  });

  it('refuses scores outside 1–5 with a message naming them', () => {
    expect(() => rfmGroupOf(0, 1, 1)).toThrow(
      'RFM scores must be integers from 1 to 5, got 0, 1, 1',
    );
  });

  it('compiles the grid to a CASE whose bounds and groups are all parameters', () => {
    const { sql, params } = rfmGroupCaseSql('x.r', 'x.f', 'x.m');
    expect(sql).toMatch(
      /^CASE WHEN x\.r BETWEEN \? AND \? AND x\.f \+ x\.m BETWEEN \? AND \? THEN \? /,
    );
    expect(sql).not.toMatch(/\d|'/);
    expect(params).toHaveLength(RFM_GRID.length * 5);
    // CHAMPIONS: R 5–5, FM 4–5 = F + M from 7 to 10.
    expect(params.slice(0, 5)).toEqual([5, 5, 7, 10, RfmGroup.CHAMPIONS]);
  });

  it('gives the same group from its CASE bounds as from rfmGroupOf for all 125 scores', () => {
    const { params } = rfmGroupCaseSql('r', 'f', 'm');
    const branches = Array.from({ length: params.length / 5 }, (_, i) =>
      params.slice(i * 5, i * 5 + 5),
    );
    for (const r of SCORES) {
      for (const f of SCORES) {
        for (const m of SCORES) {
          const branch = branches.find(
            ([rLow, rHigh, sLow, sHigh]) =>
              r >= (rLow as number) &&
              r <= (rHigh as number) &&
              f + m >= (sLow as number) &&
              f + m <= (sHigh as number),
          );
          expect(branch?.[4]).toBe(rfmGroupOf(r, f, m));
        }
      }
    }
  });
});
