import { loadConfig } from '../../../src/config';
import { unitHash } from '../../../src/experiments/assignment';
import {
  checkActionDefinition,
  type ActionDefinition,
} from '../../../src/predictions/action-input';
import {
  actionGain,
  blockingReasons,
  customerReasons,
  effectFromLift,
  type EvaluatedAction,
  type NbaReason,
  inHoldout,
  nextBestAction,
} from '../../../src/predictions/next-best-action';

const retain = { objective: 'RETAIN' as const, effect: 0.3, costPerContact: 1, incentiveCost: 20 };
const purchase = {
  objective: 'PURCHASE' as const,
  effect: 0.5,
  costPerContact: 0.5,
  incentiveCost: 10,
};

describe('actionGain', () => {
  it('computes the RETAIN gain of the README example by hand', () => {
    // Δ = 0.3 × 0.4 = 0.12; P(accept) = 1 − 0.4 + 0.12 = 0.72; cost = 1 + 20 × 0.72 = 15.4;
    // gain = 0.12 × 500 − 14.4 − 1 = 44.6.
    const gain = actionGain(retain, 0.4, 500);
    expect(gain.uplift).toBeCloseTo(0.12, 12);
    expect(gain.acceptProbability).toBeCloseTo(0.72, 12);
    expect(gain.expectedCost).toBeCloseTo(15.4, 12);
    expect(gain.gain).toBeCloseTo(44.6, 12);
  });

  it('computes an uncapped PURCHASE gain as effect × propensity', () => {
    // Δ = 0.5 × 0.2 = 0.1; P(accept) = 0.3; gain = 0.1 × 300 − 3 − 0.5 = 26.5.
    const gain = actionGain(purchase, 0.2, 300);
    expect(gain.uplift).toBeCloseTo(0.1, 12);
    expect(gain.acceptProbability).toBeCloseTo(0.3, 12);
    expect(gain.expectedCost).toBeCloseTo(3.5, 12);
    expect(gain.gain).toBeCloseTo(26.5, 12);
  });

  it('caps the PURCHASE uplift at 1 − p so the purchase probability never passes 1', () => {
    // effect × p = 0.5 × 0.8 = 0.4 > 1 − 0.8 = 0.2: Δ = 0.2, P(accept) = 1.
    const gain = actionGain(purchase, 0.8, 100);
    expect(gain.uplift).toBeCloseTo(0.2, 12);
    expect(gain.acceptProbability).toBeCloseTo(1, 12);
    expect(gain.gain).toBeCloseTo(0.2 * 100 - 10 - 0.5, 12);
  });

  it('gives a negative gain when the incentive costs more than the saved value', () => {
    // Δ = 0.3 × 0.05 = 0.015; P(accept) = 0.965; gain = 1.5 − 19.3 − 1 = −18.8.
    expect(actionGain(retain, 0.05, 100).gain).toBeCloseTo(-18.8, 12);
  });
});

describe('reasons', () => {
  const passing = { hasPrediction: true, eligible: true, hasConsent: true, capped: false, gain: 5 };

  it('lists every check an action fails, in the documented order', () => {
    expect(
      blockingReasons({
        hasPrediction: true,
        eligible: false,
        hasConsent: false,
        capped: true,
        gain: -1,
      }),
    ).toEqual(['NOT_ELIGIBLE', 'NO_CONSENT', 'CONTACT_CAP_REACHED', 'NO_POSITIVE_GAIN']);
    expect(blockingReasons({ ...passing, hasPrediction: false, gain: null })).toEqual([
      'NO_PREDICTION',
    ]);
    expect(blockingReasons({ ...passing, gain: 0 })).toEqual(['NO_POSITIVE_GAIN']);
    expect(blockingReasons(passing)).toEqual([]);
  });

  it('gives RECOMMENDED, HOLDOUT, the union of eligible blocking reasons, or NOT_ELIGIBLE', () => {
    const action = (eligible: boolean, ...reasons: NbaReason[]) => ({ eligible, reasons });
    expect(customerReasons([action(true, 'NO_CONSENT'), action(true)], false)).toEqual([
      'RECOMMENDED',
    ]);
    expect(customerReasons([action(true), action(true, 'NO_CONSENT')], true)).toEqual(['HOLDOUT']);
    expect(
      customerReasons(
        [
          action(true, 'NO_POSITIVE_GAIN'),
          action(true, 'CONTACT_CAP_REACHED', 'NO_CONSENT'),
          action(false, 'NOT_ELIGIBLE', 'NO_PREDICTION'),
        ],
        false,
      ),
    ).toEqual(['NO_CONSENT', 'CONTACT_CAP_REACHED', 'NO_POSITIVE_GAIN']);
    expect(customerReasons([action(false, 'NOT_ELIGIBLE', 'NO_CONSENT')], false)).toEqual([
      'NOT_ELIGIBLE',
    ]);
    expect(customerReasons([], false)).toEqual(['NOT_ELIGIBLE']);
  });

  it('recommends the first ranked action only when it passes, keeping outranked ones reasonless', () => {
    const evaluated = (actionId: number, checks: Partial<EvaluatedAction>): EvaluatedAction => ({
      actionId,
      inHoldout: false,
      baseProbability: 0.4,
      value: 500,
      uplift: 0.1,
      acceptProbability: 0.7,
      expectedCost: 2,
      ...passing,
      ...checks,
    });
    const chosen = nextBestAction([evaluated(7, { gain: 40 }), evaluated(3, { gain: 10 })]);
    expect(chosen.actionId).toBe(7);
    expect(chosen.reasons).toEqual(['RECOMMENDED']);
    expect(chosen.alternatives.map((a) => a.reasons)).toEqual([['RECOMMENDED'], []]);

    const held = nextBestAction([evaluated(7, { gain: 40, inHoldout: true })]);
    expect(held).toMatchObject({ actionId: null, reasons: ['HOLDOUT'] });

    const none = nextBestAction([evaluated(7, { gain: -2, hasConsent: false })]);
    expect(none).toMatchObject({ actionId: null, reasons: ['NO_CONSENT', 'NO_POSITIVE_GAIN'] });
    expect(none.best?.gain).toBe(-2);
  });
});

describe('inHoldout', () => {
  it('holds out exactly the customers whose holdout hash falls under the share', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => i + 1);
    const held = ids.filter((id) => inHoldout(id, 0.5));
    expect(held).toEqual(ids.filter((id) => unitHash('next-best-action', 'holdout', id) < 0.5));
    expect(held.length / ids.length).toBeGreaterThan(0.45);
    expect(held.length / ids.length).toBeLessThan(0.55);
    expect(ids.some((id) => inHoldout(id, 0))).toBe(false);
    expect(ids.every((id) => inHoldout(id, 1))).toBe(true);
  });
});

describe('effectFromLift', () => {
  it('turns a drop in a churn metric into a save rate of −lift', () => {
    expect(effectFromLift('RETAIN', { lift: -0.2, controlMean: 0.1, inverse: true })).toBeCloseTo(
      0.2,
      12,
    );
  });

  it('turns a rise in a retention metric into the share of the control churners kept', () => {
    // Retention 80 % → 84 %: lift 0.05; churn 20 % → 16 %: save rate 0.2.
    expect(effectFromLift('RETAIN', { lift: 0.05, controlMean: 0.8, inverse: false })).toBeCloseTo(
      0.2,
      12,
    );
  });

  it('uses the relative lift of a purchase metric as the PURCHASE uplift', () => {
    expect(effectFromLift('PURCHASE', { lift: 0.35, controlMean: 0.1, inverse: false })).toBe(0.35);
  });

  it('gives null when the measured change is not an improvement', () => {
    expect(effectFromLift('RETAIN', { lift: 0.1, controlMean: 0.1, inverse: true })).toBeNull();
    expect(effectFromLift('PURCHASE', { lift: -0.1, controlMean: 0.1, inverse: false })).toBeNull();
    expect(effectFromLift('RETAIN', { lift: 0.1, controlMean: 1, inverse: false })).toBeNull();
  });
});

describe('checkActionDefinition', () => {
  const valid: ActionDefinition = {
    name: 'Win-back voucher',
    description: null,
    objective: 'RETAIN',
    channel: 'EMAIL',
    costPerContact: 0.1,
    incentiveCost: 10,
    effect: 0.2,
    segmentId: null,
    contactType: null,
    maxContacts: null,
    contactWindowDays: null,
    experimentId: null,
    variantKey: null,
    metricKey: null,
  };

  it.each([
    ['a negative contact cost', { costPerContact: -1 }, 'input.costPerContact'],
    ['a negative incentive', { incentiveCost: -0.01 }, 'input.incentiveCost'],
    ['an effect of 0', { effect: 0 }, 'input.effect'],
    ['an effect above 1', { effect: 1.01 }, 'input.effect'],
    ['a cap without its type', { maxContacts: 2, contactWindowDays: 7 }, 'input.contactType'],
    [
      'a cap of 0 contacts',
      { contactType: 'email_sent', maxContacts: 0, contactWindowDays: 7 },
      'input.maxContacts',
    ],
    [
      'a cap window over 365 days',
      { contactType: 'email_sent', maxContacts: 1, contactWindowDays: 366 },
      'input.contactWindowDays',
    ],
    ['a variant without an experiment', { variantKey: 'b' }, 'input.experimentId'],
    ['an experiment without a variant', { experimentId: 1, metricKey: 'm' }, 'input.variantKey'],
    ['an experiment without a metric', { experimentId: 1, variantKey: 'b' }, 'input.metricKey'],
  ])('refuses %s with BAD_USER_INPUT naming the field', (_title, patch, field) => {
    expect(() => checkActionDefinition({ ...valid, ...patch })).toThrow(
      expect.objectContaining({ code: 'BAD_USER_INPUT', field }),
    );
  });

  it('accepts a complete definition with a cap and an experiment', () => {
    expect(() =>
      checkActionDefinition({
        ...valid,
        effect: 1,
        contactType: 'email_sent',
        maxContacts: 3,
        contactWindowDays: 30,
        experimentId: 4,
        variantKey: 'voucher',
        metricKey: 'churned',
      }),
    ).not.toThrow();
  });
});

describe('PULSE_NBA_HOLDOUT_SHARE', () => {
  it('defaults to 0.05 and reads a share between 0 and 1', () => {
    expect(loadConfig({}).nbaHoldoutShare).toBe(0.05);
    expect(loadConfig({ PULSE_NBA_HOLDOUT_SHARE: '0.5' }).nbaHoldoutShare).toBe(0.5);
    expect(loadConfig({ PULSE_NBA_HOLDOUT_SHARE: '0' }).nbaHoldoutShare).toBe(0);
  });

  it.each(['1.5', '-0.1', 'half'])('refuses %s naming the variable', (raw) => {
    expect(() => loadConfig({ PULSE_NBA_HOLDOUT_SHARE: raw })).toThrow(
      `PULSE_NBA_HOLDOUT_SHARE must be a number between 0 and 1, got "${raw}"`,
    );
  });
});
