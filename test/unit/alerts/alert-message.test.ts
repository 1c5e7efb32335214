import {
  acknowledgedMessage,
  firedMessage,
  formatValue,
  resolvedMessage,
} from '../../../src/alerts/alert-message';
import { judge, type Judgement, type RuleCondition } from '../../../src/alerts/evaluate-rule';

const conversion = { name: 'Conversion rate', isShare: true };
const revenue = { name: 'Revenue', isShare: false };

function judged(condition: RuleCondition, value: number, trailing: number[] = []): Judgement {
  return judge(condition, 0, {
    value,
    trailing,
    target: 0.04,
    direction: 'HIGHER_IS_BETTER',
    tolerance: 0.05,
  })!;
}

describe('alert messages', () => {
  it('formats shares as percentages with one decimal and other values with up to two', () => {
    expect(formatValue(0.021, true)).toBe('2.1 %');
    expect(formatValue(0.03, true)).toBe('3 %');
    expect(formatValue(1234.5, false)).toBe('1234.5');
    expect(formatValue(10, false)).toBe('10');
  });

  it('says which value crossed which threshold, and for how many periods', () => {
    const below = { kind: 'THRESHOLD', operator: 'BELOW', value: 0.03 } as const;
    expect(firedMessage(below, judged(below, 0.021), conversion, 2)).toBe(
      'Conversion rate 2.1 % is below 3 % for 2 periods',
    );
    expect(resolvedMessage(below, judged(below, 0.034), conversion)).toBe(
      'Conversion rate is 3.4 % again, back above 3 %',
    );
  });

  it('describes a change, a target miss and an anomaly with their numbers', () => {
    const change = { kind: 'CHANGE', direction: 'DOWN', bound: 0.2 } as const;
    expect(firedMessage(change, judged(change, 750, [1000]), revenue, 1)).toBe(
      'Revenue fell 25 % from 1000 to 750, more than 20 %',
    );
    const miss = { kind: 'TARGET_MISS' } as const;
    expect(firedMessage(miss, judged(miss, 0.035), conversion, 1)).toBe(
      'Conversion rate 3.5 % is 12.5 % off its target 4 % (tolerance 5 %)',
    );
    const anomaly = { kind: 'ANOMALY', periods: 3, k: 2 } as const;
    expect(firedMessage(anomaly, judged(anomaly, 20, [10, 12, 11]), revenue, 1)).toBe(
      'Revenue 20 is outside its usual range 8.03 to 13.97 (median 11 of the previous 3 periods)',
    );
  });

  it('names the rule and the KPI of an acknowledgement', () => {
    expect(acknowledgedMessage('Low conversion', 'Conversion rate')).toBe(
      'Alert "Low conversion" on Conversion rate acknowledged',
    );
  });
});
