import {
  judge,
  type Judgement,
  type KpiFacts,
  type RuleCondition,
  type RuleStanding,
  targetGap,
  transition,
} from '../../../src/alerts/evaluate-rule';
import { statusOf } from '../../../src/kpis/kpi-status';

const facts = (value: number | null, trailing: Array<number | null> = []): KpiFacts => ({
  value,
  trailing,
  target: null,
  direction: 'HIGHER_IS_BETTER',
  tolerance: 0,
});

/** Runs a rule over a sequence of values, one judged period each, from OK. */
function run(
  condition: RuleCondition,
  values: Array<number | null>,
  options: { forCount: number; hysteresis?: number; muted?: boolean },
) {
  let standing: RuleStanding = { state: 'OK', consecutive: 0 };

  return values.map((value) => {
    const judgement = judge(condition, options.hysteresis ?? 0, facts(value));
    const next = transition(standing, judgement, options.forCount, options.muted ?? false);
    standing = next;

    return [value, next.state, next.consecutive, next.event];
  });
}

describe('rule state machine', () => {
  it('goes OK → PENDING → FIRING after `for` periods, fires once, resolves past the hysteresis', () => {
    const below3 = { kind: 'THRESHOLD', operator: 'BELOW', value: 3 } as const;
    expect(
      run(below3, [4, 2.5, 2.8, 2.0, 3.2, 3.6, 2.9, null, 4], { forCount: 2, hysteresis: 0.5 }),
    ).toEqual([
      [4, 'OK', 0, null],
      [2.5, 'PENDING', 1, null],
      [2.8, 'FIRING', 2, 'FIRED'],
      [2.0, 'FIRING', 3, null],
      // Back above 3 but not above 3.5: inside the hysteresis band, still firing.
      [3.2, 'FIRING', 0, null],
      [3.6, 'OK', 0, 'RESOLVED'],
      [2.9, 'PENDING', 1, null],
      // A period without a value changes nothing.
      [null, 'PENDING', 1, null],
      // A pending rule whose condition stops holding returns to OK without an event.
      [4, 'OK', 0, null],
    ]);
  });

  it('fires on the first breach with for = 1 and resolves as soon as the condition clears without hysteresis', () => {
    const above10 = { kind: 'THRESHOLD', operator: 'ABOVE', value: 10 } as const;
    expect(run(above10, [11, 12, 10, 11], { forCount: 1 })).toEqual([
      [11, 'FIRING', 1, 'FIRED'],
      [12, 'FIRING', 2, null],
      // Equal to the threshold is not above it.
      [10, 'OK', 0, 'RESOLVED'],
      [11, 'FIRING', 1, 'FIRED'],
    ]);
  });

  it('moves a muted rule through the same states but emits no event', () => {
    const above10 = { kind: 'THRESHOLD', operator: 'ABOVE', value: 10 } as const;
    expect(run(above10, [11, 9], { forCount: 1, muted: true })).toEqual([
      [11, 'FIRING', 1, null],
      [9, 'OK', 0, null],
    ]);
  });
});

describe('conditions', () => {
  it('measures CHANGE as the relative change against the previous period in the chosen direction', () => {
    const fell = (direction: 'UP' | 'DOWN' | 'EITHER') =>
      judge({ kind: 'CHANGE', direction, bound: 0.2 }, 0, facts(75, [100]));
    expect(fell('DOWN')).toMatchObject({ measure: 0.25, limit: 0.2, breached: true });
    expect(fell('UP')).toMatchObject({ measure: -0.25, breached: false, cleared: true });
    expect(fell('EITHER')).toMatchObject({ measure: 0.25, breached: true });
    expect(fell('DOWN')!.details).toEqual({ value: 75, previous: 100, change: -0.25 });
  });

  it('cannot judge CHANGE without a previous value or with a previous value of 0', () => {
    const change = { kind: 'CHANGE', direction: 'EITHER', bound: 0.2 } as const;
    expect(judge(change, 0, facts(75, []))).toBeNull();
    expect(judge(change, 0, facts(75, [null]))).toBeNull();
    expect(judge(change, 0, facts(75, [0]))).toBeNull();
  });

  it('flags ANOMALY outside median ± k · 1.4826 · MAD of the trailing periods only', () => {
    const anomaly = { kind: 'ANOMALY', periods: 7, k: 3 } as const;
    const trailing = [10, 12, 11, 13, 50, 12, 11, 1000];
    // Band 12 ± 4.4478 = [7.5522, 16.4478]; the eighth trailing value is outside the window.
    const at = (value: number) => judge(anomaly, 0, facts(value, trailing)) as Judgement;
    expect(at(16.4)).toMatchObject({ breached: false });
    expect(at(16.5)).toMatchObject({ breached: true });
    expect(at(7.5)).toMatchObject({ breached: true });
    expect(at(17).measure).toBeCloseTo(5 / 1.4826, 10);
    expect(at(17).details.high).toBeCloseTo(16.4478, 10);
  });

  it('treats any other value as anomalous after a flat history and needs `periods` values', () => {
    const anomaly = { kind: 'ANOMALY', periods: 3, k: 3 } as const;
    expect(judge(anomaly, 0, facts(5, [5, 5, 5]))).toMatchObject({ measure: 0, breached: false });
    expect(judge(anomaly, 0, facts(5.1, [5, 5, 5]))).toMatchObject({ breached: true });
    expect(judge(anomaly, 0, facts(5, [5, 5]))).toBeNull();
    expect(judge(anomaly, 0, facts(5, [5, null, 5]))).toBeNull();
  });

  it('breaches TARGET_MISS exactly when the KPI status is OFF_TRACK', () => {
    for (const direction of ['HIGHER_IS_BETTER', 'LOWER_IS_BETTER'] as const) {
      for (const value of [0.03, 0.035, 0.036, 0.04, 0.044, 0.045, 0.05]) {
        const judgement = judge({ kind: 'TARGET_MISS' }, 0, {
          ...facts(value),
          target: 0.04,
          direction,
          tolerance: 0.1,
        });
        expect([direction, value, judgement?.breached]).toEqual([
          direction,
          value,
          statusOf(value, 0.04, direction, 0.1) === 'OFF_TRACK',
        ]);
      }
    }
  });

  it('measures the target gap relative to the target, positive when worse', () => {
    expect(targetGap(0.035, 0.04, 'HIGHER_IS_BETTER')).toBeCloseTo(0.125, 10);
    expect(targetGap(120, 100, 'LOWER_IS_BETTER')).toBeCloseTo(0.2, 10);
    expect(targetGap(80, 100, 'LOWER_IS_BETTER')).toBeCloseTo(-0.2, 10);
    expect(targetGap(1, null, 'HIGHER_IS_BETTER')).toBeNull();
    expect(targetGap(1, 0, 'HIGHER_IS_BETTER')).toBeNull();
  });
});
