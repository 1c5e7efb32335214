import { badInput } from '../errors';
import { type DriftReference } from './drift';
import type { FeatureService, PurchaseDay } from './feature.service';
import { referenceHistogram } from './metrics';
import {
  type BgNbdParams,
  conditionalExpectedPurchases,
  fitBgNbd,
  probabilityAlive,
} from './models/bg-nbd';
import { customerLifetimeValue } from './models/clv';
import { fitGammaGamma, type GammaGammaParams } from './models/gamma-gamma';
import { type PurchaseSummary, summarizePurchases } from './models/purchase-summary';
import type { TrainingOptions } from './training-options';
import type { TrainedModel, TrainingReport } from './trained-model';
import { DAY_MS } from '../time';

// Trains the CLV model: BG/NBD for the number of repeat purchases and Gamma-Gamma for their
// value, in weeks, from purchases merged per customer and day. The out-of-time check fits on
// the history up to one horizon ago and compares the purchases it expected in the horizon with
// those that happened; the stored model is then fitted on the whole history.

const WEEK_DAYS = 7;
const WEEKS_PER_MONTH = 365.25 / 12 / WEEK_DAYS;
const MIN_REPEAT_BUYERS = 20;

/** What scoring needs to value a customer. */
export interface ClvModelState {
  bgNbd: BgNbdParams;
  gammaGamma: GammaGammaParams;
  months: number;
  annualDiscountRate: number;
}

/** One customer's history, with the purchases made after the calibration end. */
interface HeldOut {
  summary: PurchaseSummary;
  laterPurchases: number;
}

/** Customers grouped by repeat purchases in calibration: the classic BG/NBD check. */
export interface FrequencyCheck {
  repeatPurchases: string;
  customers: number;
  expected: number;
  actual: number;
}

/** A 12-month discounted value with the model's settings. */
export function lifetimeValue(state: ClvModelState, summary: PurchaseSummary): number {
  return customerLifetimeValue(state.bgNbd, state.gammaGamma, summary, {
    months: state.months,
    annualDiscountRate: state.annualDiscountRate,
    unitsPerMonth: WEEKS_PER_MONTH,
  });
}

/**
 * Per-customer summaries of one batch of purchase days before the day `endDay` (exclusive). T
 * runs to the last day included, as in Fader, Hardie & Lee's CDNOW summary: a purchase on the
 * last day has t_x = T.
 */
export function summariesOf(
  batch: readonly PurchaseDay[],
  endDay: number,
): Map<string, PurchaseSummary> {
  return summarizePurchases(
    batch
      .filter((purchase) => purchase.day < endDay)
      .map((purchase) => ({
        customer: String(purchase.customerId),
        day: purchase.day,
        value: purchase.value,
      })),
    endDay - 1,
    WEEK_DAYS,
  );
}

export class ClvTrainingService {
  constructor(private readonly features: FeatureService) {}

  async train(options: TrainingOptions, now: Date, report: TrainingReport): Promise<TrainedModel> {
    const today = Math.floor(now.getTime() / DAY_MS);
    const calibrationEnd = today - options.horizonDays;
    const heldOut: HeldOut[] = [];
    const full: PurchaseSummary[] = [];
    await report(0.05, 'reading purchases');
    for await (const batch of this.features.purchaseDayBatches(new Date(today * DAY_MS))) {
      const calibration = summariesOf(batch, calibrationEnd);
      const later = new Map<string, number>();
      for (const purchase of batch) {
        if (purchase.day >= calibrationEnd) {
          const key = String(purchase.customerId);
          later.set(key, (later.get(key) ?? 0) + 1);
        }
      }
      for (const [customer, summary] of calibration) {
        heldOut.push({ summary, laterPurchases: later.get(customer) ?? 0 });
      }
      full.push(...summariesOf(batch, today).values());
    }
    if (full.filter((summary) => summary.x > 0).length < MIN_REPEAT_BUYERS) {
      throw badInput(
        `CLV needs at least ${MIN_REPEAT_BUYERS} customers with a repeat purchase`,
        'input.kind',
      );
    }

    await report(0.3, 'fitting BG/NBD on the calibration period');
    const outOfTime = this.outOfTime(heldOut, options.horizonDays / WEEK_DAYS);
    await report(0.6, 'fitting BG/NBD and Gamma-Gamma on all purchases');
    const bg = fitBgNbd(full);
    const gg = fitGammaGamma(full);
    const state: ClvModelState = {
      bgNbd: bg.params,
      gammaGamma: gg.params,
      months: 12,
      annualDiscountRate: 0.1,
    };
    await report(0.9, 'valuing customers for the drift baseline');
    const values = full.map((summary) => lifetimeValue(state, summary));
    const reference: DriftReference = { scores: referenceHistogram(values), features: {} };
    const repeatBuyers = full.filter((summary) => summary.x > 0).length;

    return {
      features: [
        'repeat_purchases',
        'weeks_to_last_purchase',
        'weeks_since_first_purchase',
        'repeat_purchase_value',
      ],
      featureHash: 'bg-nbd-gamma-gamma-v1',
      trainingFrom: new Date(calibrationEnd * DAY_MS),
      trainingTo: new Date(today * DAY_MS),
      sampleSize: full.length,
      positiveRate: repeatBuyers / full.length,
      metrics: {
        bgNbdLogLikelihood: bg.logLikelihood,
        bgNbdConverged: bg.converged,
        gammaGammaLogLikelihood: gg.logLikelihood,
        gammaGammaConverged: gg.converged,
        outOfTime,
        outOfTimeSnapshot: new Date(calibrationEnd * DAY_MS).toISOString(),
      },
      reference,
      model: state,
    };
  }

  /**
   * Fits on the calibration period and compares expected with actual purchases in the
   * horizon: mean absolute error per customer, totals and the table by repeat purchases.
   */
  private outOfTime(customers: readonly HeldOut[], weeks: number) {
    const fit = fitBgNbd(customers.map((customer) => customer.summary));
    let absoluteError = 0;
    let expectedTotal = 0;
    let actualTotal = 0;
    const groups = new Map<number, { customers: number; expected: number; actual: number }>();
    for (const { summary, laterPurchases } of customers) {
      const expected = conditionalExpectedPurchases(fit.params, weeks, summary);
      absoluteError += Math.abs(expected - laterPurchases);
      expectedTotal += expected;
      actualTotal += laterPurchases;
      const bucket = Math.min(summary.x, 7);
      const group = groups.get(bucket) ?? { customers: 0, expected: 0, actual: 0 };
      group.customers += 1;
      group.expected += expected;
      group.actual += laterPurchases;
      groups.set(bucket, group);
    }
    const byFrequency: FrequencyCheck[] = [...groups.entries()]
      .sort(([a], [b]) => a - b)
      .map(([bucket, group]) => ({
        repeatPurchases: bucket === 7 ? '7+' : String(bucket),
        customers: group.customers,
        expected: group.expected / group.customers,
        actual: group.actual / group.customers,
      }));
    const aliveShare =
      customers.reduce((sum, customer) => sum + probabilityAlive(fit.params, customer.summary), 0) /
      customers.length;

    return {
      customers: customers.length,
      params: fit.params,
      meanAbsoluteError: absoluteError / customers.length,
      expectedPurchases: expectedTotal,
      actualPurchases: actualTotal,
      totalError: actualTotal > 0 ? (expectedTotal - actualTotal) / actualTotal : null,
      meanProbabilityAlive: aliveShare,
      byFrequency,
    };
  }
}
