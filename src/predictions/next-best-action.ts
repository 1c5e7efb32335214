import { unitHash } from '../experiments/assignment';

// The next-best-action rule, pure. The SQL builder (next-best-action-sql.ts) computes the same
// figures in the database for whole pages of customers; this module is the reference the tests
// and the README check it against, and turns the flags SQL returns into reason codes.

/** What an action tries to change: churn (RETAIN) or purchase (PURCHASE) probability. */
export type ActionObjective = 'RETAIN' | 'PURCHASE';

/** Why a customer gets (or does not get) an action; the order is the order reasons are listed. */
export const NBA_REASONS = [
  'RECOMMENDED',
  'HOLDOUT',
  'NO_PREDICTION',
  'NOT_ELIGIBLE',
  'NO_CONSENT',
  'CONTACT_CAP_REACHED',
  'NO_POSITIVE_GAIN',
  'OVER_BUDGET',
] as const;

export type NbaReason = (typeof NBA_REASONS)[number];

/** Salt and purpose of the holdout hash (`unitHash`), fixed so the holdout never moves. */
export const HOLDOUT_SALT = 'next-best-action';
export const HOLDOUT_PURPOSE = 'holdout';

/** The economics of one action, as stored. */
export interface ActionTerms {
  objective: ActionObjective;
  /** RETAIN: save rate (share of would-be churners kept); PURCHASE: relative uplift. (0, 1]. */
  effect: number;
  costPerContact: number;
  incentiveCost: number;
}

/** The expected outcome of offering one action to one customer. */
export interface ActionGain {
  /** Δ: the change in retention (RETAIN) or purchase (PURCHASE) probability. */
  uplift: number;
  /** Probability that the customer takes the incentive. */
  acceptProbability: number;
  /** costPerContact + incentiveCost × acceptProbability. */
  expectedCost: number;
  /** uplift × value − incentiveCost × acceptProbability − costPerContact. */
  gain: number;
}

/**
 * Expected gain of an action for a customer with base probability `p` (P(churn) for RETAIN,
 * purchase propensity for PURCHASE) and value `value` (the CLV prediction):
 *
 * - RETAIN: Δ = effect·p; P(accept) = 1 − p + Δ (everyone who stays uses the incentive, the
 *   saved churners included).
 * - PURCHASE: Δ = min(effect·p, 1 − p) (a probability cannot pass 1); P(accept) = p + Δ.
 *
 * gain = Δ·value − incentiveCost·P(accept) − costPerContact. Example: RETAIN, effect 0.3,
 * p 0.4, value 500, incentive 20, contact 1 → Δ 0.12, P(accept) 0.72, gain 60 − 14.4 − 1 = 44.6.
 */
export function actionGain(terms: ActionTerms, p: number, value: number): ActionGain {
  const uplift =
    terms.objective === 'RETAIN' ? terms.effect * p : Math.min(terms.effect * p, 1 - p);
  const acceptProbability = terms.objective === 'RETAIN' ? 1 - p + uplift : p + uplift;
  const incentive = terms.incentiveCost * acceptProbability;

  return {
    uplift,
    acceptProbability,
    expectedCost: terms.costPerContact + incentive,
    gain: uplift * value - incentive - terms.costPerContact,
  };
}

/** What the database found about one customer and one action. */
export interface ActionChecks {
  hasPrediction: boolean;
  eligible: boolean;
  hasConsent: boolean;
  capped: boolean;
  /** null without predictions. */
  gain: number | null;
}

/** Every reason one action cannot be recommended to one customer; empty when it can. */
export function blockingReasons(checks: ActionChecks): NbaReason[] {
  const reasons: NbaReason[] = [];
  if (!checks.hasPrediction) {
    reasons.push('NO_PREDICTION');
  }
  if (!checks.eligible) {
    reasons.push('NOT_ELIGIBLE');
  }
  if (!checks.hasConsent) {
    reasons.push('NO_CONSENT');
  }
  if (checks.capped) {
    reasons.push('CONTACT_CAP_REACHED');
  }
  if (checks.hasPrediction && !(checks.gain !== null && checks.gain > 0)) {
    reasons.push('NO_POSITIVE_GAIN');
  }

  return reasons;
}

/**
 * A customer's reasons, from the blocking reasons of each action (`perAction`, in rank order)
 * and whether each is eligible: RECOMMENDED when an action passes every check, HOLDOUT when one
 * would but the customer is held out, otherwise every distinct reason that blocked an action
 * the customer is eligible for (in NBA_REASONS order; actions for other segments are not the
 * customer's concern), or NOT_ELIGIBLE when there is none.
 */
export function customerReasons(
  perAction: ReadonlyArray<{ reasons: readonly NbaReason[]; eligible: boolean }>,
  holdout: boolean,
): NbaReason[] {
  if (perAction.some((action) => action.reasons.length === 0)) {
    return [holdout ? 'HOLDOUT' : 'RECOMMENDED'];
  }
  const eligible = perAction.filter((action) => action.eligible);
  if (eligible.length === 0) {
    return ['NOT_ELIGIBLE'];
  }
  const seen = new Set(eligible.flatMap((action) => action.reasons));

  return NBA_REASONS.filter((reason) => seen.has(reason));
}

/** Whether a customer is in the measurement holdout for a share in [0, 1] (unitHash < share). */
export function inHoldout(customerId: number, share: number): boolean {
  return unitHash(HOLDOUT_SALT, HOLDOUT_PURPOSE, customerId) < share;
}

/** What an experiment measured for an action's metric and treatment variant. */
export interface MeasuredLift {
  /** Relative lift, treatment / control − 1, of the metric. */
  lift: number;
  /** The control's mean of the metric (a rate for PROPORTION metrics). */
  controlMean: number;
  /** True when lower is better for the metric (it counts churn rather than retention). */
  inverse: boolean;
}

/**
 * The effect an experiment measured, in the action's terms, or null when it is not positive.
 *
 * - PURCHASE: the relative lift of the purchase metric.
 * - RETAIN on a churn metric (`inverse`): the relative drop in churn, −lift (churn 10 % → 8 %
 *   is lift −0.2, save rate 0.2).
 * - RETAIN on a retention metric: the share of the control's churners kept,
 *   (r_t − r_c) / (1 − r_c) = lift · r_c / (1 − r_c) (retention 80 % → 84 %: save rate 0.2).
 */
export function effectFromLift(objective: ActionObjective, measured: MeasuredLift): number | null {
  let effect: number;
  if (objective === 'PURCHASE') {
    effect = measured.inverse ? -measured.lift : measured.lift;
  } else if (measured.inverse) {
    effect = -measured.lift;
  } else {
    effect =
      measured.controlMean < 1
        ? (measured.lift * measured.controlMean) / (1 - measured.controlMean)
        : Number.NaN;
  }

  return Number.isFinite(effect) && effect > 0 ? effect : null;
}

/** One action evaluated for one customer, as the database returns it (ranked best first). */
export interface EvaluatedAction extends ActionChecks {
  actionId: number;
  inHoldout: boolean;
  baseProbability: number | null;
  value: number | null;
  uplift: number | null;
  acceptProbability: number | null;
  expectedCost: number | null;
}

/** An evaluated action with the reasons it is (not) recommended. */
export interface ActionOption extends EvaluatedAction {
  reasons: NbaReason[];
}

/** The next best action of one customer. */
export interface NextBestActionResult {
  /** The recommended action; null when none passes, or the customer is held out. */
  actionId: number | null;
  /** The best evaluated action (recommended or not); null without active actions. */
  best: ActionOption | null;
  reasons: NbaReason[];
  /** Every active action evaluated, best first. */
  alternatives: ActionOption[];
}

/** Assembles a customer's result from their evaluated actions, in the database's rank order. */
export function nextBestAction(ranked: readonly EvaluatedAction[]): NextBestActionResult {
  const blocked = ranked.map((evaluated) => blockingReasons(evaluated));
  const reasons = customerReasons(
    ranked.map((evaluated, i) => ({ reasons: blocked[i], eligible: evaluated.eligible })),
    ranked[0]?.inHoldout ?? false,
  );
  // Ranking puts passing actions first, so only the first can be the one recommended; a
  // passing action behind it keeps no reasons (a higher gain outranks it).
  const alternatives = ranked.map((evaluated, i) => ({
    ...evaluated,
    reasons: i === 0 && blocked[0].length === 0 ? reasons : blocked[i],
  }));

  return {
    actionId: reasons[0] === 'RECOMMENDED' ? alternatives[0].actionId : null,
    best: alternatives[0] ?? null,
    reasons,
    alternatives,
  };
}
