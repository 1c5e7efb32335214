import type { Signal } from '../../../../src/experiments/analysis/decision';
import { decide } from '../../../../src/experiments/analysis/decision';
import type { HealthChecks } from '../../../../src/experiments/analysis/health';
import { checkHealth } from '../../../../src/experiments/analysis/health';

const variants = ['control', 'b', 'c'].map((key, i) => ({
  key,
  name: key,
  weight: 1,
  isControl: i === 0,
  costPerCustomer: null,
}));
const healthy = checkHealth(
  variants,
  variants.map((v) => ({ variantKey: v.key, n: 1000 })),
  0,
  100,
);
const signal = (
  variantKey: string,
  metricKey: string,
  role: Signal['role'],
  verdict: Signal['verdict'],
  improvement = verdict === 'BETTER' ? 1 : verdict === 'WORSE' ? -1 : 0,
): Signal => ({ variantKey, metricKey, role, verdict, improvement });

describe('the decision rules', () => {
  it.each<
    [
      string,
      Signal[],
      HealthChecks,
      { decision: string; variantKey: string | null; reasons: string[] },
    ]
  >([
    [
      'REVIEW on a sample ratio mismatch, whatever the metrics say',
      [signal('b', 'buy', 'GOAL', 'BETTER')],
      checkHealth(
        variants,
        [
          { variantKey: 'control', n: 1000 },
          { variantKey: 'b', n: 1300 },
          { variantKey: 'c', n: 1000 },
        ],
        0,
        100,
      ),
      {
        decision: 'REVIEW',
        variantKey: null,
        reasons: [
          expect.stringMatching(/^Sample ratio mismatch: exposures 1000\/1300\/1000/),
        ] as never,
      },
    ],
    [
      'KEEP_RUNNING while a variant is below the minimum sample',
      [signal('b', 'buy', 'GOAL', 'BETTER')],
      checkHealth(
        variants,
        [
          { variantKey: 'control', n: 50 },
          { variantKey: 'b', n: 50 },
          { variantKey: 'c', n: 50 },
        ],
        0,
        100,
      ),
      {
        decision: 'KEEP_RUNNING',
        variantKey: null,
        reasons: ['Fewer than 100 exposed customers in control, b, c'],
      },
    ],
    [
      'SHIP the clean winner with the largest improvement',
      [
        signal('b', 'buy', 'GOAL', 'BETTER', 0.02),
        signal('c', 'buy', 'GOAL', 'BETTER', 0.05),
        signal('c', 'refunds', 'GUARDRAIL', 'INCONCLUSIVE'),
      ],
      healthy,
      {
        decision: 'SHIP',
        variantKey: 'c',
        reasons: [
          'b wins on goal metric buy',
          'c wins on goal metric buy',
          'no goal or guardrail metric loses for it',
        ],
      },
    ],
    [
      'SHIP a clean winner even when another treatment loses a guardrail',
      [signal('b', 'buy', 'GOAL', 'BETTER'), signal('c', 'refunds', 'GUARDRAIL', 'WORSE')],
      healthy,
      {
        decision: 'SHIP',
        variantKey: 'b',
        reasons: ['b wins on goal metric buy', 'no goal or guardrail metric loses for it'],
      },
    ],
    [
      'REVIEW when the only winner loses a guardrail',
      [signal('b', 'buy', 'GOAL', 'BETTER'), signal('b', 'refunds', 'GUARDRAIL', 'WORSE')],
      healthy,
      {
        decision: 'REVIEW',
        variantKey: null,
        reasons: [
          'conflicting signals:',
          'b wins on goal metric buy',
          'b loses on guardrail metric refunds',
        ],
      },
    ],
    [
      'ROLLBACK when a goal loses and nothing wins',
      [signal('b', 'buy', 'GOAL', 'WORSE'), signal('c', 'buy', 'GOAL', 'INCONCLUSIVE')],
      healthy,
      { decision: 'ROLLBACK', variantKey: 'b', reasons: ['b loses on goal metric buy'] },
    ],
    [
      'ROLLBACK when a guardrail loses and nothing wins',
      [signal('c', 'latency', 'GUARDRAIL', 'WORSE')],
      healthy,
      { decision: 'ROLLBACK', variantKey: 'c', reasons: ['c loses on guardrail metric latency'] },
    ],
    [
      'KEEP_RUNNING when only a secondary metric moves',
      [signal('b', 'clicks', 'SECONDARY', 'WORSE'), signal('b', 'buy', 'GOAL', 'INCONCLUSIVE')],
      healthy,
      {
        decision: 'KEEP_RUNNING',
        variantKey: null,
        reasons: ['no goal or guardrail metric differs significantly yet'],
      },
    ],
  ])('%s', (_title, signals, health, expected) => {
    expect(decide(signals, health)).toEqual(expected);
  });
});
