import type { Judgement, RuleCondition } from './evaluate-rule';

/** How the KPI of an alert is named and shown. */
export interface KpiLabel {
  name: string;
  /** The KPI is a share (0.021 = 2.1 %), shown as a percentage. */
  isShare: boolean;
}

/** `value` as people read it: shares as percentages with one decimal, others with up to two. */
export function formatValue(value: number, isShare: boolean): string {
  return isShare ? percent(value) : trim(value.toFixed(2));
}

function percent(share: number): string {
  return `${trim((share * 100).toFixed(1))} %`;
}

function trim(fixed: string): string {
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

/** "Conversion rate 2.1 % is below 3 % for 2 periods". */
export function firedMessage(
  condition: RuleCondition,
  judgement: Judgement,
  kpi: KpiLabel,
  periods: number,
): string {
  const show = (value: number | null | undefined) => formatValue(value ?? 0, kpi.isShare);
  const { details } = judgement;
  const lasting = periods > 1 ? ` for ${periods} periods` : '';
  switch (condition.kind) {
    case 'THRESHOLD':
      return `${kpi.name} ${show(details.value)} is ${condition.operator.toLowerCase()} ${show(condition.value)}${lasting}`;
    case 'CHANGE': {
      const change = details.change ?? 0;

      return `${kpi.name} ${change < 0 ? 'fell' : 'rose'} ${percent(Math.abs(change))} from ${show(details.previous)} to ${show(details.value)}, more than ${percent(condition.bound)}${lasting}`;
    }
    case 'TARGET_MISS':
      return `${kpi.name} ${show(details.value)} is ${percent(details.gap ?? 0)} off its target ${show(details.target)} (tolerance ${percent(details.tolerance ?? 0)})${lasting}`;
    case 'ANOMALY':
      return `${kpi.name} ${show(details.value)} is outside its usual range ${show(details.low)} to ${show(details.high)} (median ${show(details.median)} of the previous ${condition.periods} periods)${lasting}`;
  }
}

/** "Conversion rate is 3.4 % again, back above 3 %". */
export function resolvedMessage(
  condition: RuleCondition,
  judgement: Judgement,
  kpi: KpiLabel,
): string {
  const show = (value: number | null | undefined) => formatValue(value ?? 0, kpi.isShare);
  const { details } = judgement;
  const head = `${kpi.name} is ${show(details.value)} again`;
  switch (condition.kind) {
    case 'THRESHOLD':
      return `${head}, back ${condition.operator === 'BELOW' ? 'above' : 'below'} ${show(condition.value)}`;
    case 'CHANGE':
      return `${head}, ${percent(details.change ?? 0)} from the previous period, within ${percent(condition.bound)}`;
    case 'TARGET_MISS':
      return `${head}, within ${percent(details.tolerance ?? 0)} of its target ${show(details.target)}`;
    case 'ANOMALY':
      return `${head}, inside its usual range ${show(details.low)} to ${show(details.high)}`;
  }
}

/** "Alert "Low conversion" on Conversion rate acknowledged". */
export function acknowledgedMessage(ruleName: string, kpiName: string): string {
  return `Alert "${ruleName}" on ${kpiName} acknowledged`;
}
