import { fitBinary, scoreBinary } from '../../../src/predictions/binary-model';
import { BinaryScorer, fourDigits, topContributions } from '../../../src/predictions/binary-scorer';
import type { BinaryModelState } from '../../../src/predictions/binary-training.service';
import {
  type FeatureChoice,
  featureSpecs,
  modelInputs,
  rawFeatures,
  type SnapshotAggregates,
} from '../../../src/predictions/feature-set';
import { encodeRow, fitEncoder } from '../../../src/predictions/models/encoders';
import { seededRandom } from '../../../src/predictions/models/random';
import { trainingOptions } from '../../../src/predictions/training-options';
import { DAY_MS } from '../../../src/time';

/** A logistic model over `columns` whose contribution for column j is coefficient[j] × row[j]. */
function logistic(coefficients: number[]): BinaryModelState {
  const columns = coefficients.map((_, index) => `column_${index}`);

  return {
    choice: { interactionTypes: [], attributes: [] },
    encoder: {
      features: columns.map((name) => ({
        kind: 'NUMERIC' as const,
        name,
        mean: 0,
        sd: 1,
        missingIndicator: false,
      })),
      columns,
    },
    fitted: {
      algorithm: 'LOGISTIC_REGRESSION',
      logistic: { intercept: 0, coefficients, iterations: 1, converged: true, l2: 0 },
    },
  };
}

describe('topContributions', () => {
  it('keeps the largest magnitudes in order, ties in column order, and skips zeros', () => {
    const state = logistic([0.5, -3, 0, 2, -2, 1, 0.25]);
    const encoded = Float64Array.from([1, 1, 1, 1, 1, 1, 1]);
    // Whatever sorting by magnitude (stable) and cutting after `count` gives, for every count.
    const expected = [1, 3, 4, 5, 0, 6].map((index) => `column_${index}`);
    for (const count of [1, 2, 3, 5, 7]) {
      const top = topContributions(state, encoded, () => undefined, count);
      expect(top.map(([feature]) => feature)).toEqual(expected.slice(0, count));
    }
  });

  it('shows raw numeric values where it has them, else the encoded one, to four digits', () => {
    const state = logistic([1.23456789, -0.000123456789]);
    const top = topContributions(state, Float64Array.from([1, 1]), (column) =>
      column === 0 ? 12.3456789 : undefined,
    );
    expect(top).toEqual([
      ['column_0', 12.35, 1.235],
      ['column_1', 1, -0.0001235],
    ]);
  });
});

describe('fourDigits', () => {
  it('rounds like toPrecision(4) across magnitudes and signs', () => {
    const values = [
      0,
      1,
      -1,
      12345.678,
      0.000123456,
      -987654321,
      1.23449,
      99995,
      0.1 + 0.2,
      5e-324,
    ];
    for (let i = 0; i < 2000; i++) {
      values.push((Math.sin(i) * 10 ** ((i % 17) - 8)) / 3);
    }
    for (const value of values) {
      expect([value, fourDigits(value)]).toEqual([value, Number(value.toPrecision(4))]);
    }
  });
});

describe('BinaryScorer', () => {
  const snapshot = new Date('2026-06-01T00:00:00Z');
  const choice: FeatureChoice = {
    interactionTypes: ['page_view', 'purchase'],
    attributes: [
      { path: 'plan', kind: 'CATEGORICAL' },
      { path: 'profile.age', kind: 'NUMERIC' },
    ],
  };
  const random = seededRandom(11);
  const count = (mean: number) => Math.floor(random() * 2 * mean);
  const daysAgo = (days: number) => new Date(snapshot.getTime() - days * DAY_MS);
  /** Customers with every kind of value: counts, money, missing dates, levels and ages. */
  const customers: SnapshotAggregates[] = Array.from({ length: 400 }, (_, index) => {
    const buyer = random() < 0.7;

    return {
      customerId: index + 1,
      signedUpAt: daysAgo(30 + count(400)),
      attributes:
        random() < 0.1
          ? null
          : {
              plan: ['basic', 'gold', 'rare-' + index][count(1.4)],
              profile: random() < 0.2 ? {} : { age: 18 + count(25) },
            },
      ordersTotal: buyer ? 1 + count(4) : 0,
      orders90: buyer ? count(2) : 0,
      ordersPrevious90: buyer ? count(2) : 0,
      orders365: buyer ? count(3) : 0,
      revenueTotal: buyer ? random() * 900 : 0,
      revenue365: buyer ? random() * 400 : 0,
      firstOrderAt: buyer ? daysAgo(200 + count(100)) : null,
      lastOrderAt: buyer ? daysAgo(count(150)) : null,
      events30: count(6),
      eventsPrevious30: count(6),
      events90: count(15),
      lastEventAt: random() < 0.1 ? null : daysAgo(count(60)),
      channels90: Array.from({ length: 10 }, () => count(2)),
      types90: [count(8), count(1)],
      surveyScore: random() < 0.5 ? null : 1 + count(2),
      consentedChannels: count(2),
    };
  });
  const raws = customers.map((customer) => rawFeatures(customer, snapshot, choice));
  const encoder = fitEncoder(featureSpecs(choice), raws.map(modelInputs));
  const rows = raws.map((raw) => encodeRow(encoder, modelInputs(raw)));
  const labels = customers.map((customer) => (customer.orders90 > 0 ? 1 : 0));

  it.each(['LOGISTIC_REGRESSION', 'BOOSTED_TREES'] as const)(
    'scores a %s model exactly as encoding each customer by feature name does',
    (algorithm) => {
      const fitted = fitBinary(
        { rows, labels },
        encoder.columns.length,
        trainingOptions({ kind: 'PROPENSITY', algorithm }),
      );
      const state: BinaryModelState = { choice, encoder, fitted };
      const scorer = new BinaryScorer(state);
      expect(scorer.featureNames).toEqual(Object.keys(raws[0]));
      customers.forEach((customer, index) => {
        const scored = scorer.score(customer, snapshot);
        expect(scored.values).toEqual(Object.values(raws[index]));
        expect(scored.score).toBe(scoreBinary(fitted, rows[index]));
        expect(scored.contributions).toEqual(
          topContributions(state, rows[index], (column) => raws[index][encoder.columns[column]]),
        );
      });
    },
  );

  it('refuses a model whose encoder does not read its feature choice', () => {
    const fitted = fitBinary(
      { rows, labels },
      encoder.columns.length,
      trainingOptions({ kind: 'PROPENSITY', algorithm: 'LOGISTIC_REGRESSION' }),
    );
    const fewerTypes = { ...choice, interactionTypes: ['page_view'] };
    expect(() => new BinaryScorer({ choice: fewerTypes, encoder, fitted })).toThrow(
      /encodes features \[tenure_days, .*type_purchase_90d.*\] but its choice reads/,
    );
  });
});
