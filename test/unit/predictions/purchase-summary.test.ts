import { summarizePurchases } from '../../../src/predictions/models/purchase-summary';
import { cdnowSummaryWithSpend, readCdnowFixture } from './cdnow-fixtures';

const DAY_MS = 86_400_000;

function dayOf(yyyymmdd: string): number {
  const [year, month, day] = [yyyymmdd.slice(0, 4), yyyymmdd.slice(4, 6), yyyymmdd.slice(6, 8)];

  return Date.UTC(Number(year), Number(month) - 1, Number(day)) / DAY_MS;
}

describe('summarizePurchases', () => {
  it('reproduces the published CDNOW summary (x, t_x, T, zbar) for all 2,357 customers', () => {
    // CDNOW_sample.txt columns: old id, new id, yyyymmdd, CDs, dollars.
    const purchases = readCdnowFixture('CDNOW_sample.txt')
      .trim()
      .split('\n')
      .map((line) => {
        const [, id, date, , dollars] = line.trim().split(/\s+/);

        return { customer: String(Number(id)), day: dayOf(date), value: Number(dollars) };
      });
    const summaries = summarizePurchases(purchases, dayOf('19970930'), 7);
    const expected = cdnowSummaryWithSpend();
    expect(summaries.size).toBe(2357);
    expect([...summaries.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [id, want] of expected) {
      const got = summaries.get(id)!;
      expect({ id, x: got.x }).toEqual({ id, x: want.x });
      expect(Math.abs(got.tx - want.tx)).toBeLessThanOrEqual(0.01);
      expect(Math.abs(got.T - want.T)).toBeLessThanOrEqual(0.01);
      expect(Math.abs(got.meanValue - want.meanValue)).toBeLessThanOrEqual(0.01);
    }
  });

  it('merges same-day purchases, ignores later ones and averages only repeat purchases', () => {
    const purchases = [
      { customer: 'a', day: 100, value: 10 },
      { customer: 'a', day: 114, value: 5 },
      { customer: 'a', day: 114, value: 7 },
      { customer: 'a', day: 128, value: 30 },
      { customer: 'a', day: 200, value: 999 },
      { customer: 'b', day: 120, value: 8 },
      { customer: 'b', day: 120, value: 2 },
      { customer: 'c', day: 150, value: 4 },
    ];
    const summaries = summarizePurchases(purchases, 142, 7);
    expect(Object.fromEntries(summaries)).toEqual({
      a: { x: 2, tx: 4, T: 6, meanValue: 21 },
      b: { x: 0, tx: 0, T: 22 / 7, meanValue: 0 },
    });
  });
});
