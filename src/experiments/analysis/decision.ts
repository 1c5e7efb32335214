import type { MetricRole } from '../experiment-definition';
import type { Verdict } from './compare-metric';
import type { HealthChecks } from './health';

/** What to do with the experiment now. */
export type Decision = 'SHIP' | 'ROLLBACK' | 'KEEP_RUNNING' | 'REVIEW';

export interface DecisionResult {
  decision: Decision;
  /** SHIP: the variant to roll out; ROLLBACK: the losing variant; else null. */
  variantKey: string | null;
  reasons: string[];
}

/** One treatment's verdict on one metric, as the decision reads it. */
export interface Signal {
  metricKey: string;
  role: MetricRole;
  variantKey: string;
  verdict: Verdict;
  /** Signed so that > 0 is better; ranks winners. */
  improvement: number | null;
}

/**
 * The decision rules, in order (README "Decision rules"):
 * 1. REVIEW when the sample ratio mismatches: no effect can be trusted.
 * 2. KEEP_RUNNING while a variant has fewer exposed customers than the minimum.
 * 3. SHIP the treatment that wins a goal with no goal or guardrail losing for it (the largest
 *    improvement on its first winning goal when several do).
 * 4. REVIEW when a treatment wins a goal but loses a goal or guardrail (conflicting signals).
 * 5. ROLLBACK when a treatment loses a goal or a guardrail and none wins.
 * 6. KEEP_RUNNING otherwise: no significant difference yet.
 */
export function decide(signals: readonly Signal[], health: HealthChecks): DecisionResult {
  if (health.sampleRatio.flagged) {
    return { decision: 'REVIEW', variantKey: null, reasons: health.warnings.slice(0, 1) };
  }
  if (health.lowDataVariants.length) {
    return {
      decision: 'KEEP_RUNNING',
      variantKey: null,
      reasons: health.warnings.filter((w) => w.startsWith('Fewer than')),
    };
  }
  const describe = (s: Signal, what: string) =>
    `${s.variantKey} ${what} on ${s.role.toLowerCase()} metric ${s.metricKey}`;
  const wins = signals.filter((s) => s.role === 'GOAL' && s.verdict === 'BETTER');
  const losses = signals.filter((s) => s.role !== 'SECONDARY' && s.verdict === 'WORSE');
  const lossesOf = (variantKey: string) => losses.filter((s) => s.variantKey === variantKey);
  const clean = wins.filter((s) => lossesOf(s.variantKey).length === 0);
  if (clean.length) {
    const best = clean.reduce((x, y) => ((y.improvement ?? 0) > (x.improvement ?? 0) ? y : x));

    return {
      decision: 'SHIP',
      variantKey: best.variantKey,
      reasons: [
        ...clean.map((s) => describe(s, 'wins')),
        'no goal or guardrail metric loses for it',
      ],
    };
  }
  if (wins.length) {
    return {
      decision: 'REVIEW',
      variantKey: null,
      reasons: [
        'conflicting signals:',
        ...wins.map((s) => describe(s, 'wins')),
        ...wins.flatMap((s) => lossesOf(s.variantKey)).map((s) => describe(s, 'loses')),
      ],
    };
  }
  if (losses.length) {
    return {
      decision: 'ROLLBACK',
      variantKey: losses[0].variantKey,
      reasons: losses.map((s) => describe(s, 'loses')),
    };
  }

  return {
    decision: 'KEEP_RUNNING',
    variantKey: null,
    reasons: ['no goal or guardrail metric differs significantly yet'],
  };
}
