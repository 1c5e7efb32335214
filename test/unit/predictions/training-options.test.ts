import { snapshotPlan, trainingOptions } from '../../../src/predictions/training-options';

describe('trainingOptions', () => {
  it('fills defaults per kind: churn looks 90 days ahead, propensity 30, snapshots step by the horizon', () => {
    const churn = trainingOptions({ kind: 'CHURN', algorithm: 'LOGISTIC_REGRESSION' });
    const propensity = trainingOptions({ kind: 'PROPENSITY', algorithm: 'BOOSTED_TREES' });

    expect([churn.horizonDays, churn.snapshotStepDays, churn.snapshots]).toEqual([90, 90, 3]);
    expect([propensity.horizonDays, propensity.snapshotStepDays]).toEqual([30, 30]);
    expect(propensity).toMatchObject({ trees: 300, maxDepth: 3, learningRate: 0.1, folds: 5 });
  });

  it.each([
    [{ kind: 'CLV', algorithm: 'LOGISTIC_REGRESSION' }, 'input.algorithm'],
    [{ kind: 'CHURN', algorithm: 'BG_NBD_GAMMA_GAMMA' }, 'input.algorithm'],
    [{ kind: 'CHURN', algorithm: 'LOGISTIC_REGRESSION', horizonDays: 3 }, 'input.horizonDays'],
    [{ kind: 'CHURN', algorithm: 'LOGISTIC_REGRESSION', learningRate: 2 }, 'input.learningRate'],
    [
      { kind: 'PROPENSITY', algorithm: 'LOGISTIC_REGRESSION', labelAttribute: 'x' },
      'input.labelAttribute',
    ],
    [
      { kind: 'CHURN', algorithm: 'LOGISTIC_REGRESSION', labelAttribute: 'bad path!' },
      'input.labelAttribute',
    ],
    [
      {
        kind: 'CHURN',
        algorithm: 'LOGISTIC_REGRESSION',
        labelAttribute: 'churned',
        attributes: [{ path: 'churned', kind: 'CATEGORICAL' }],
      },
      'input.attributes[0].path',
    ],
    [
      { kind: 'CHURN', algorithm: 'LOGISTIC_REGRESSION', interactionTypes: ['ok', 'no spaces'] },
      'input.interactionTypes[1]',
    ],
  ])('refuses %j naming %s', (request, field) => {
    expect(() => trainingOptions(request as never)).toThrow(
      expect.objectContaining({ code: 'BAD_USER_INPUT', field }),
    );
  });
});

describe('snapshotPlan', () => {
  it('holds out the latest snapshot whose label window has passed and keeps training labels before it', () => {
    const plan = snapshotPlan(new Date('2026-11-23T15:00:00Z'), {
      horizonDays: 30,
      snapshots: 3,
      snapshotStepDays: 30,
    });

    expect(plan.outOfTime.toISOString()).toBe('2026-10-24T00:00:00.000Z');
    expect(plan.training.map((date) => date.toISOString().slice(0, 10))).toEqual([
      '2026-07-26',
      '2026-08-25',
      '2026-09-24',
    ]);
    // The last training label window [snapshot, snapshot + horizon) ends at the held-out snapshot.
    const last = plan.training[plan.training.length - 1].getTime() + 30 * 86_400_000;
    expect(last).toBe(plan.outOfTime.getTime());
  });
});
