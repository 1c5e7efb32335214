import {
  type BinaryModelState,
  fourDigits,
  topContributions,
} from '../../../src/predictions/binary-training.service';

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
      const top = topContributions(state, encoded, {}, count);
      expect(top.map(([feature]) => feature)).toEqual(expected.slice(0, count));
    }
  });

  it('shows raw numeric values where it has them, else the encoded one, to four digits', () => {
    const state = logistic([1.23456789, -0.000123456789]);
    const top = topContributions(state, Float64Array.from([1, 1]), { column_0: 12.3456789 });
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
