import { compilePrediction, describePrediction } from '../../../src/segments/prediction-condition';
import { parseDefinition } from '../../../src/segments/rule-tree';

const parse = (prediction: unknown) =>
  parseDefinition({ version: 1, root: { prediction } }, 'definition');

describe('prediction conditions', () => {
  it('keeps a valid condition as given, bounds included', () => {
    expect(parse({ kind: 'PROPENSITY', score: { min: 0, max: 1 } }).root).toEqual({
      prediction: { kind: 'PROPENSITY', score: { min: 0, max: 1 } },
    });
    expect(parse({ kind: 'CLV', score: { min: -5, max: 1e6 } }).root).toEqual({
      prediction: { kind: 'CLV', score: { min: -5, max: 1e6 } },
    });
  });

  it.each<[string, unknown, string, string]>([
    [
      'an unknown kind',
      { kind: 'LTV', decile: { min: 1 } },
      'kind',
      'must be one of CHURN, PROPENSITY, CLV',
    ],
    [
      'an unknown field',
      { kind: 'CLV', decile: { min: 1 }, top: 1 },
      'top',
      'unknown field "top"; expected one of kind, score, decile',
    ],
    [
      'a fractional decile',
      { kind: 'CHURN', decile: { max: 9.5 } },
      'decile.max',
      'must be an integer from 1 to 10',
    ],
    ['a text bound', { kind: 'CLV', score: { min: '100' } }, 'score.min', 'must be a number'],
    ['an infinite CLV', { kind: 'CLV', score: { max: Infinity } }, 'score.max', 'must be a number'],
    [
      'an unknown bound',
      { kind: 'CHURN', score: { above: 0.5 } },
      'score.above',
      'unknown field "above"; expected one of min, max',
    ],
    ['a range that is not an object', { kind: 'CHURN', decile: 9 }, 'decile', 'must be an object'],
  ])('refuses %s, naming the field', (_title, prediction, field, message) => {
    expect(() => parse(prediction)).toThrow(
      expect.objectContaining({
        code: 'BAD_USER_INPUT',
        field: `definition.prediction.${field}`,
        message,
      }),
    );
  });

  it('compiles to an EXISTS on the kind with one bound per given end', () => {
    expect(compilePrediction({ kind: 'CHURN', decile: { min: 9 } }).holds).toEqual({
      sql: 'EXISTS (SELECT 1 FROM predictions p WHERE p.customer_id = c.id AND p.kind = ? AND p.decile >= ?)',
      params: ['CHURN', 9],
    });
    expect(compilePrediction({ kind: 'CLV', score: { min: 1, max: 2 } }).holds.params).toEqual([
      'CLV',
      1,
      2,
    ]);
  });

  it.each([
    [{ kind: 'CHURN', decile: { min: 9 } }, 'churn probability decile is at least 9'],
    [{ kind: 'CLV', score: { max: 50 } }, 'CLV is at most 50'],
    [
      { kind: 'PROPENSITY', score: { min: 0.2, max: 0.5 } },
      'purchase propensity is between 0.2 and 0.5',
    ],
  ] as const)('describes %j as "%s"', (condition, words) => {
    expect(describePrediction(condition)).toBe(words);
  });
});
