import { Role } from '../../../src/auth/principal';
import { toGlobalId } from '../../../src/graphql/global-id';
import { describeEachDialect } from '../support/dialects';
import { generatePredictionData, startTraining, waitForTraining } from '../support/prediction-data';

const PREDICTIONS = `query Predictions($ids: [ID!]!) {
  nodes(ids: $ids) {
    ... on Customer { attributes predictions { kind contributions { feature value contribution } } }
  }
}`;

interface Scored {
  attributes: Record<string, unknown> | null;
  predictions: Array<{
    kind: string;
    contributions: Array<{ feature: string; value: number | null; contribution: number }>;
  }>;
}

describeEachDialect('prediction explanations for partners', (pulse) => {
  it("masks the level of a text attribute in a partner's view of the contributions", async () => {
    const db = pulse().app.db;
    const data = await generatePredictionData(db, 17, 800);
    // A churn label recorded as an attribute, and a plan that goes with it three times in four.
    for (const [index, customer] of data.customers.entries()) {
      const churned = customer.churnsNext90;
      const gold = index % 4 === 0 ? churned : !churned;
      await db.query('UPDATE customers SET attributes = ? WHERE id = ?', [
        JSON.stringify({ churned, plan: gold ? 'gold' : 'silver' }),
        customer.id,
      ]);
    }
    const id = await startTraining(pulse(), {
      kind: 'CHURN',
      algorithm: 'LOGISTIC_REGRESSION',
      labelAttribute: 'churned',
      attributes: [{ path: 'plan', kind: 'CATEGORICAL' }],
    });
    expect(await waitForTraining(pulse(), id)).toMatchObject({ status: 'ACTIVE', error: null });
    const ids = data.customers.map((customer) => toGlobalId('Customer', customer.id));
    const planOf = (scored: Scored) =>
      scored.predictions
        .flatMap((prediction) => prediction.contributions)
        .filter((contribution) => contribution.feature.startsWith('attribute_plan='));

    const admin = await pulse().query<{ nodes: Scored[] }>(PREDICTIONS, { ids: ids.slice(0, 100) });
    const explained = admin.data!.nodes.map(planOf);
    // The plan moves scores: an analyst sees which level did it.
    expect(explained.some((list) => list.some((c) => /=(gold|silver)$/.test(c.feature)))).toBe(
      true,
    );

    const partner = await pulse().query<{ nodes: Scored[] }>(
      PREDICTIONS,
      { ids: ids.slice(0, 100) },
      { role: Role.PARTNER },
    );
    for (const [index, scored] of partner.data!.nodes.entries()) {
      // The attribute itself is masked for partners; its explanation must not tell it either.
      expect(scored.attributes).toMatchObject({ plan: '***' });
      expect(planOf(scored).map((c) => c.feature)).toEqual(
        explained[index].map(() => 'attribute_plan=***'),
      );
    }
  }, 120_000);
});
