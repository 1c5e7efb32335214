import { insertSkippingDuplicates, runStatement, sqlInstant } from '../../../src/db/dialect';
import { fromGlobalId } from '../../../src/graphql/global-id';
import { createRandom } from '../../../src/seed/random';
import { describeEachDialect } from '../support/dialects';
import { expectError } from '../support/expect-error';
import { createCustomers } from '../support/factories';
import type { TestPulse } from '../support/start-pulse';
import { CREATE_SEGMENT, countryIs, createSegment, refresh } from './segment-support';

const CUSTOMERS = 40;
const KINDS = ['CHURN', 'PROPENSITY', 'CLV'] as const;
type Kind = (typeof KINDS)[number];
type Scores = Partial<Record<Kind, { score: number; decile: number }>>;

const MEMBERS = `query($id: ID!) { segment(id: $id) { size members(first: 100) { edges { node { id } } } } }`;
const EXPLAIN = `query($segmentId: ID!, $customerId: ID!) {
  explainMembership(segmentId: $segmentId, customerId: $customerId) {
    holds conditions { path kind description holds valueSeen }
  }
}`;

const churnTop = { prediction: { kind: 'CHURN', decile: { min: 9 } } };
const clvAtLeast100 = { prediction: { kind: 'CLV', score: { min: 100 } } };
const propensityMid = { prediction: { kind: 'PROPENSITY', score: { min: 0.2, max: 0.5 } } };

/**
 * Seeded scores for each customer; about one in five misses each kind, and scores on the bounds
 * (0.2, 0.5, CLV 100, deciles 8 and 9) are frequent so that both ends of each range are tested.
 */
function generateScores(count: number): Scores[] {
  const random = createRandom(20_260_701);

  return Array.from({ length: count }, () => {
    const scores: Scores = {};
    for (const kind of KINDS) {
      if (random.chance(0.8)) {
        const edge = random.chance(0.3);
        const score =
          kind === 'CLV'
            ? edge
              ? random.pick([99.99, 100])
              : random.int(0, 30_000) / 100
            : edge
              ? random.pick([0.2, 0.5, 0.19, 0.51])
              : random.int(0, 1000) / 1000;
        scores[kind] = {
          score,
          decile: random.chance(0.3) ? random.pick([8, 9]) : random.int(1, 10),
        };
      }
    }

    return scores;
  });
}

/** Writes the scores as the lead's scoring job would, replacing earlier rows. */
async function storeScores(pulse: TestPulse, ids: number[], scores: Scores[]): Promise<void> {
  const db = pulse.app.db;
  await runStatement(db.manager, 'DELETE FROM predictions', []);
  await insertSkippingDuplicates(
    db.manager,
    'predictions',
    ['customer_id', 'kind', 'model_version_id', 'score', 'decile', 'scored_at'],
    ids.flatMap((id, i) =>
      KINDS.flatMap((kind) => {
        const p = scores[i][kind];

        return p ? [[id, kind, 1, p.score, p.decile, sqlInstant(db, new Date())]] : [];
      }),
    ),
  );
}

describeEachDialect('predictive segments', (pulse) => {
  let customers: string[];
  let scores: Scores[];

  /** The global ids of the customers whose scores pass `test`, written independently of SQL. */
  const expected = (test: (s: Scores) => boolean) =>
    customers.filter((_, i) => test(scores[i])).sort();

  async function members(id: string): Promise<string[]> {
    const response = await pulse().query<{
      segment: { size: number; members: { edges: Array<{ node: { id: string } }> } };
    }>(MEMBERS, { id });
    expect(response.errors).toBeUndefined();
    const ids = response.data!.segment.members.edges.map((edge) => edge.node.id).sort();
    expect(response.data!.segment.size).toBe(ids.length);

    return ids;
  }

  async function ruleSegment(definition: Record<string, unknown>): Promise<string> {
    const { id } = await createSegment(pulse(), { kind: 'RULE', definition });
    await refresh(pulse(), id);

    return id;
  }

  beforeAll(async () => {
    customers = (await createCustomers(pulse(), CUSTOMERS)).map((c) => c.id);
    scores = generateScores(CUSTOMERS);
    const ids = customers.map((id) => fromGlobalId(id, 'Customer', 'id'));
    await storeScores(pulse(), ids, scores);
  });

  it.each([
    ['churn decile ≥ 9', churnTop, (s: Scores) => (s.CHURN?.decile ?? 0) >= 9],
    ['CLV ≥ 100', clvAtLeast100, (s: Scores) => s.CLV !== undefined && s.CLV.score >= 100],
    [
      'propensity between 0.2 and 0.5',
      propensityMid,
      (s: Scores) =>
        s.PROPENSITY !== undefined && s.PROPENSITY.score >= 0.2 && s.PROPENSITY.score <= 0.5,
    ],
  ])('has exactly the customers whose scores match for %s', async (_title, rule, test) => {
    const want = expected(test);
    // Neither empty nor everybody: the rule must separate customers to prove anything.
    expect(want.length).toBeGreaterThan(2);
    expect(want.length).toBeLessThan(CUSTOMERS - 2);
    expect(await members(await ruleSegment(rule))).toEqual(want);
  });

  it('includes customers without a churn prediction under not(churn decile ≥ 9)', async () => {
    const want = expected((s) => !((s.CHURN?.decile ?? 0) >= 9));
    expect(want.some((id) => scores[customers.indexOf(id)].CHURN === undefined)).toBe(true);
    expect(await members(await ruleSegment({ not: churnTop }))).toEqual(want);
  });

  it('combines a prediction with other conditions and recomputes members on refresh', async () => {
    const id = await ruleSegment({ all: [countryIs('GB'), churnTop, clvAtLeast100] });
    const both = (s: Scores) => (s.CHURN?.decile ?? 0) >= 9 && (s.CLV?.score ?? -1) >= 100;
    expect(await members(id)).toEqual(expected(both));
    // A new scoring run moves every churn decile one down (and gives everybody a CLV of 150).
    const before = expected(both);
    scores = scores.map((s) => ({
      ...s,
      CHURN: s.CHURN && { ...s.CHURN, decile: Math.max(1, s.CHURN.decile - 1) },
      CLV: { score: 150, decile: 5 },
    }));
    await storeScores(
      pulse(),
      customers.map((c) => fromGlobalId(c, 'Customer', 'id')),
      scores,
    );
    const after = expected(both);
    expect(after).not.toEqual(before);
    const changes = await refresh(pulse(), id);
    expect(await members(id)).toEqual(after);
    expect(changes.size).toBe(after.length);
    expect(changes.entered).toBe(after.filter((c) => !before.includes(c)).length);
    expect(changes.left).toBe(before.filter((c) => !after.includes(c)).length);
  });

  it('explains a prediction condition with the score and decile seen', async () => {
    const id = await ruleSegment({ not: propensityMid });
    const index = scores.findIndex(
      (s) => s.PROPENSITY && s.PROPENSITY.score >= 0.2 && s.PROPENSITY.score <= 0.5,
    );
    const missing = scores.findIndex((s) => s.PROPENSITY === undefined);
    const explain = (customer: number) =>
      pulse().query<{ explainMembership: Record<string, unknown> }>(EXPLAIN, {
        segmentId: id,
        customerId: customers[customer],
      });
    expect((await explain(index)).data!.explainMembership).toEqual({
      holds: false,
      conditions: [
        {
          path: 'definition',
          kind: 'NOT',
          description: 'not the following rule',
          holds: false,
          valueSeen: null,
        },
        {
          path: 'definition.not',
          kind: 'PREDICTION',
          description: 'purchase propensity is between 0.2 and 0.5',
          holds: true,
          valueSeen: scores[index].PROPENSITY,
        },
      ],
    });
    const absent = (await explain(missing)).data!.explainMembership;
    expect(absent.holds).toBe(true);
    expect((absent.conditions as unknown[])[1]).toMatchObject({ holds: false, valueSeen: null });
  });

  it.each([
    [
      'both score and decile',
      { prediction: { kind: 'CHURN', score: { min: 0.5 }, decile: { min: 9 } } },
      'input.definition.prediction',
      'a prediction condition sets exactly one of score, decile',
    ],
    [
      'neither score nor decile',
      { prediction: { kind: 'CLV' } },
      'input.definition.prediction',
      'a prediction condition sets exactly one of score, decile',
    ],
    [
      'a churn probability above 1',
      { all: [countryIs('GB'), { prediction: { kind: 'CHURN', score: { max: 1.5 } } }] },
      'input.definition.all[1].prediction.score.max',
      'must be a number from 0 to 1',
    ],
    [
      'a negative propensity',
      { not: { prediction: { kind: 'PROPENSITY', score: { min: -0.1 } } } },
      'input.definition.not.prediction.score.min',
      'must be a number from 0 to 1',
    ],
    [
      'decile 0',
      { prediction: { kind: 'CHURN', decile: { min: 0 } } },
      'input.definition.prediction.decile.min',
      'must be an integer from 1 to 10',
    ],
    [
      'decile 11',
      { prediction: { kind: 'CLV', decile: { max: 11 } } },
      'input.definition.prediction.decile.max',
      'must be an integer from 1 to 10',
    ],
    [
      'min above max',
      { prediction: { kind: 'CLV', score: { min: 200, max: 100 } } },
      'input.definition.prediction.score',
      'min must not be above max',
    ],
    [
      'an empty range',
      { prediction: { kind: 'CHURN', decile: {} } },
      'input.definition.prediction.decile',
      'a range needs min or max',
    ],
  ])(
    'refuses a prediction condition with %s as BAD_USER_INPUT',
    async (_t, rule, field, message) => {
      const response = await pulse().query(CREATE_SEGMENT, {
        input: { name: `bad-${field}`, kind: 'RULE', definition: rule },
      });
      expectError(response, 'BAD_USER_INPUT', field);
      expect(response.errors?.[0]?.message).toBe(message);
    },
  );
});
