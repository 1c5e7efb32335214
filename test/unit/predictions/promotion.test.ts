import { promotionCheck } from '../../../src/predictions/promotion';

const binary = (id: number, outOfTimeAuc: number | null, inTimeAuc = 0.7) => ({
  id,
  number: id,
  kind: 'CHURN',
  metrics: {
    inTime: { auc: inTimeAuc },
    outOfTime: outOfTimeAuc === null ? null : { auc: outOfTimeAuc },
  },
});

describe('promotionCheck', () => {
  it('allows the first model of a kind', () => {
    expect(promotionCheck(binary(1, 0.6), null)).toMatchObject({
      allowed: true,
      candidate: 0.6,
      active: null,
    });
  });

  it('allows a candidate at most 0.005 AUC worse than the active model, and refuses beyond', () => {
    expect(promotionCheck(binary(2, 0.7951), binary(1, 0.8)).allowed).toBe(true);
    const refused = promotionCheck(binary(2, 0.7949), binary(1, 0.8));
    expect(refused.allowed).toBe(false);
    expect(refused.explanation).toBe(
      'v2 is worse: out-of-time AUC 0.7949 against 0.8000 for the active v1 (pass force and a reason to promote anyway)',
    );
  });

  it('compares cross-validated AUC when there is no out-of-time set (attribute labels)', () => {
    expect(promotionCheck(binary(2, null, 0.9), binary(1, null, 0.8))).toMatchObject({
      allowed: true,
      metric: 'cross-validated AUC',
    });
  });

  it('compares CLV versions by held-out purchase error, 2 % tolerance, lower is better', () => {
    const clv = (id: number, mae: number) => ({
      id,
      number: id,
      kind: 'CLV',
      metrics: { outOfTime: { meanAbsoluteError: mae } },
    });
    expect(promotionCheck(clv(2, 1.02), clv(1, 1)).allowed).toBe(true);
    expect(promotionCheck(clv(2, 1.03), clv(1, 1)).allowed).toBe(false);
  });
});
