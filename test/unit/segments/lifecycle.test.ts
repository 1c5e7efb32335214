import { LifecycleStage } from '../../../src/segments/lifecycle-stage';
import {
  lifecycleCutoffs,
  lifecycleStageCaseSql,
  lifecycleStageOf,
  type PurchaseHistory,
} from '../../../src/segments/lifecycle';

const DAY = 86_400_000;
const NOW = new Date('2026-06-01T12:00:00.000Z');
const THRESHOLDS = { newDays: 30, activeDays: 90, lapsedDays: 180 };
const ago = (days: number) => new Date(NOW.getTime() - days * DAY);
const history = (
  first: number | null,
  last: number | null,
  previous: number | null = null,
): PurchaseHistory => ({
  firstAt: first === null ? null : ago(first),
  lastAt: last === null ? null : ago(last),
  previousAt: previous === null ? null : ago(previous),
});

describe('lifecycleStageOf', () => {
  it.each<[string, PurchaseHistory, LifecycleStage]>([
    ['no paid order', history(null, null), LifecycleStage.PROSPECT],
    ['first order 29.9 days ago', history(29.9, 29.9), LifecycleStage.NEW],
    ['first order exactly 30 days ago', history(30, 30), LifecycleStage.ACTIVE],
    ['first order 10 days ago, last today (still new)', history(10, 0, 10), LifecycleStage.NEW],
    ['last order 89 days ago', history(400, 89, 120), LifecycleStage.ACTIVE],
    ['last order exactly 90 days ago', history(400, 90, 120), LifecycleStage.AT_RISK],
    ['last order 179 days ago', history(400, 179), LifecycleStage.AT_RISK],
    ['last order exactly 180 days ago', history(400, 180), LifecycleStage.LAPSED],
    ['bought 5 days ago after a 180-day gap', history(400, 5, 185), LifecycleStage.REACTIVATED],
    ['bought 5 days ago after a 179.9-day gap', history(400, 5, 184.9), LifecycleStage.ACTIVE],
    [
      'bought 91 days ago after a long gap (no longer recent)',
      history(800, 91, 500),
      LifecycleStage.AT_RISK,
    ],
    ['only one order, 60 days ago', history(60, 60), LifecycleStage.ACTIVE],
  ])('gives %s → %s', (_title, purchases, stage) => {
    expect(lifecycleStageOf(purchases, NOW, THRESHOLDS)).toBe(stage);
  });
});

describe('lifecycleCutoffs', () => {
  it('turns the day thresholds into instants before now', () => {
    expect(lifecycleCutoffs(NOW, THRESHOLDS)).toEqual({
      newAfter: new Date('2026-05-02T12:00:00.000Z'),
      activeAfter: new Date('2026-03-03T12:00:00.000Z'),
      lapsedAfter: new Date('2025-12-03T12:00:00.000Z'),
    });
  });
});

describe('lifecycleStageCaseSql', () => {
  it('binds every stage and cutoff as a parameter, in placeholder order', () => {
    const { sql, params } = lifecycleStageCaseSql(
      { firstAt: 'h.f', lastAt: 'h.l', gapDays: 'g' },
      NOW,
      THRESHOLDS,
      (date) => date.toISOString(),
    );
    expect(sql.match(/\?/g)).toHaveLength(params.length);
    expect(sql).not.toMatch(/'|\d/);
    expect(params).toEqual([
      'PROSPECT',
      '2026-05-02T12:00:00.000Z',
      'NEW',
      '2026-03-03T12:00:00.000Z',
      180,
      'REACTIVATED',
      '2026-03-03T12:00:00.000Z',
      'ACTIVE',
      '2025-12-03T12:00:00.000Z',
      'AT_RISK',
      'LAPSED',
    ]);
  });
});
