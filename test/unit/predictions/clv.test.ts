import {
  type BgNbdParams,
  conditionalExpectedPurchases,
} from '../../../src/predictions/models/bg-nbd';
import { customerLifetimeValue } from '../../../src/predictions/models/clv';
import {
  conditionalExpectedSpend,
  type GammaGammaParams,
} from '../../../src/predictions/models/gamma-gamma';

// Published CDNOW parameters (Fader, Hardie & Lee 2005) in weeks and dollars.
const BG: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const GG: GammaGammaParams = { p: 6.25, q: 3.74, v: 15.44 };
const CUSTOMER = { x: 2, tx: 30.43, T: 38.86, meanValue: 22.35 };
const WEEKS_PER_MONTH = 4.345;

describe('customerLifetimeValue', () => {
  it('equals E[X(u) | c] × expected spend for one month without discount', () => {
    const clv = customerLifetimeValue(BG, GG, CUSTOMER, {
      months: 1,
      annualDiscountRate: 0,
      unitsPerMonth: WEEKS_PER_MONTH,
    });
    // 6.25 · (15.44 + 44.7) / 15.24 dollars per purchase, by hand.
    const expected =
      conditionalExpectedPurchases(BG, WEEKS_PER_MONTH, CUSTOMER) * 24.663713910761153;
    expect(clv).toBeCloseTo(expected, 10);
  });

  it('telescopes to E[X(12u) | c] × spend over 12 months without discount', () => {
    const clv = customerLifetimeValue(BG, GG, CUSTOMER, {
      annualDiscountRate: 0,
      unitsPerMonth: WEEKS_PER_MONTH,
    });
    const purchases = conditionalExpectedPurchases(BG, 12 * WEEKS_PER_MONTH, CUSTOMER);
    expect(clv).toBeCloseTo(purchases * conditionalExpectedSpend(GG, CUSTOMER), 10);
  });

  it('discounts month m by (1 + d)^m with d the monthly rate equivalent to 10 % a year', () => {
    const clv = customerLifetimeValue(BG, GG, CUSTOMER, {
      months: 2,
      unitsPerMonth: WEEKS_PER_MONTH,
    });
    const monthly = 1.1 ** (1 / 12);
    const first = conditionalExpectedPurchases(BG, WEEKS_PER_MONTH, CUSTOMER);
    const both = conditionalExpectedPurchases(BG, 2 * WEEKS_PER_MONTH, CUSTOMER);
    const spend = 24.663713910761153;
    expect(clv).toBeCloseTo(
      (first * spend) / monthly + ((both - first) * spend) / monthly ** 2,
      10,
    );
  });

  it('gives a one-time buyer a positive value from the population mean spend', () => {
    const oneTime = { x: 0, tx: 0, T: 38.86, meanValue: 0 };
    const clv = customerLifetimeValue(BG, GG, oneTime, {
      months: 1,
      annualDiscountRate: 0,
      unitsPerMonth: WEEKS_PER_MONTH,
    });
    const expected = conditionalExpectedPurchases(BG, WEEKS_PER_MONTH, oneTime) * (96.5 / 2.74);
    expect(clv).toBeCloseTo(expected, 10);
    expect(clv).toBeGreaterThan(0);
  });
});
