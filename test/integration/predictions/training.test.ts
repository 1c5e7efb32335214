import { fromGlobalId } from '../../../src/graphql/global-id';
import { describeEachDialect } from '../support/dialects';
import { expectError } from '../support/expect-error';
import { generatePredictionData, startTraining, waitForTraining } from '../support/prediction-data';
import type { TestPulse } from '../support/start-pulse';

const CUSTOMERS = 5_000;

const VERSION = `query Version($id: ID!) {
  modelVersion(id: $id) {
    id number status algorithm sampleSize positiveRate retiredAt promotedBy promotionReason
    inTimeMetrics { auc count }
    outOfTimeMetrics {
      auc count
      calibration { bin count meanPredicted observedRate }
    }
    latestScoringRun { scored scorePsi finishedAt }
    referenceScores { upperEdge share }
  }
}`;
const PAGE = `query Page($first: Int!) {
  customers(first: $first) {
    edges { node { id predictions {
      kind score decile scoredAt
      contributions { feature value contribution }
      modelVersion { number }
    } } }
  }
}`;
const DISTRIBUTION = `query Distribution {
  predictionDistribution(kind: PROPENSITY) { count deciles { decile count minScore maxScore } }
}`;
const PROMOTE = `mutation Promote($id: ID!, $force: Boolean!, $reason: String) {
  promoteModel(id: $id, force: $force, reason: $reason) {
    modelVersion { id status promotionReason }
  }
}`;

interface Calibration {
  bin: number;
  count: number;
  meanPredicted: number;
  observedRate: number;
}

interface Version {
  id: string;
  number: number;
  status: string;
  sampleSize: number;
  retiredAt: string | null;
  promotionReason: string | null;
  inTimeMetrics: { auc: number; count: number };
  outOfTimeMetrics: { auc: number; count: number; calibration: Calibration[] };
  latestScoringRun: { scored: number; scorePsi: number | null; finishedAt: string | null } | null;
  referenceScores: Array<{ upperEdge: number | null; share: number }>;
}

async function version(pulse: TestPulse, id: string): Promise<Version> {
  const response = await pulse.query<{ modelVersion: Version }>(VERSION, { id });
  if (!response.data) {
    throw new Error(JSON.stringify(response.errors));
  }

  return response.data.modelVersion;
}

/** Waits for the scoring pass that follows a first model's promotion. */
async function scored(pulse: TestPulse, id: string): Promise<Version> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const current = await version(pulse, id);
    if (current.latestScoringRun?.finishedAt || Date.now() > deadline) {
      return current;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The stored logistic coefficients by feature column, read straight from the table. */
async function coefficients(pulse: TestPulse, id: string): Promise<Map<string, number>> {
  const db = pulse.app.db;
  const [row] = await db.query('SELECT model, features FROM model_versions WHERE id = ?', [
    fromGlobalId(id, 'ModelVersion', 'id'),
  ]);
  const json = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value);
  const model = json(row.model) as { fitted: { logistic: { coefficients: number[] } } };
  const features = json(row.features) as string[];

  return new Map(features.map((name, i) => [name, model.fitted.logistic.coefficients[i]]));
}

describeEachDialect('training, registry and scoring of a PROPENSITY model', (pulse) => {
  let logistic: Version;

  beforeAll(async () => {
    await generatePredictionData(pulse().app.db, 7, CUSTOMERS);
  }, 60_000);

  it('trains a first LOGISTIC_REGRESSION model in the background and makes it ACTIVE', async () => {
    const id = await startTraining(pulse(), {
      kind: 'PROPENSITY',
      algorithm: 'LOGISTIC_REGRESSION',
    });
    const state = await waitForTraining(pulse(), id);
    expect(state).toMatchObject({ status: 'ACTIVE', progress: 1, error: null });
    logistic = await scored(pulse(), id);
    expect(logistic.number).toBe(1);
    // Four snapshots of every customer signed up before them; the out-of-time one is the last.
    expect(logistic.sampleSize).toBe(3 * CUSTOMERS);
    expect(logistic.outOfTimeMetrics.count).toBe(CUSTOMERS);
  }, 90_000);

  it('recovers the planted signs: more web interactions raise propensity, support lowers it', async () => {
    const fitted = await coefficients(pulse(), logistic.id);
    expect(fitted.get('web_interactions_90d')).toBeGreaterThan(0);
    expect(fitted.get('support_interactions_90d')).toBeLessThan(0);
  });

  it('evaluates out of time within 0.03 AUC of the in-time cross-validation', () => {
    expect(logistic.inTimeMetrics.auc).toBeGreaterThan(0.6);
    expect(
      Math.abs(logistic.outOfTimeMetrics.auc - logistic.inTimeMetrics.auc),
    ).toBeLessThanOrEqual(0.03);
  });

  it('is calibrated out of time: each decile observed rate within 0.05 of the mean predicted', () => {
    const bins = logistic.outOfTimeMetrics.calibration;
    expect(bins).toHaveLength(10);
    expect(bins.reduce((sum, bin) => sum + bin.count, 0)).toBe(CUSTOMERS);
    // Listing the bins that miss shows them all when the test fails.
    const misses = bins.filter((bin) => Math.abs(bin.observedRate - bin.meanPredicted) > 0.05);
    expect(misses).toEqual([]);
  });

  it('scores every customer with a decile, contributions and the version, in constant SQL per page', async () => {
    const page = async (first: number) =>
      pulse().countStatements(() =>
        pulse().query<{
          customers: { edges: Array<{ node: { predictions: Array<Record<string, any>> } }> };
        }>(PAGE, { first }),
      );
    // The first read warms what a request reads once in a while (the API key, whose cached
    // entry may have expired while the model trained).
    await page(5);
    const small = await page(5);
    const large = await page(20);
    expect(large.statements).toBe(small.statements);
    const nodes = large.result.data!.customers.edges.map((edge) => edge.node);
    expect(nodes).toHaveLength(20);
    for (const node of nodes) {
      expect(node.predictions).toHaveLength(1);
      const [prediction] = node.predictions;
      expect(prediction).toMatchObject({ kind: 'PROPENSITY', modelVersion: { number: 1 } });
      expect(prediction.score).toBeGreaterThan(0);
      expect(prediction.score).toBeLessThan(1);
      expect(prediction.decile).toBeGreaterThanOrEqual(1);
      expect(prediction.decile).toBeLessThanOrEqual(10);
      expect(prediction.contributions.length).toBeGreaterThan(0);
      expect(prediction.contributions[0]).toEqual({
        feature: expect.any(String),
        value: expect.any(Number),
        contribution: expect.any(Number),
      });
    }
  });

  it('spreads the predictions over ten deciles of about a tenth each, with the drift run', async () => {
    const response = await pulse().query<{
      predictionDistribution: { count: number; deciles: Array<{ decile: number; count: number }> };
    }>(DISTRIBUTION);
    const [{ stored }] = await pulse().app.db.query(
      "SELECT COUNT(*) AS stored FROM predictions WHERE kind = 'PROPENSITY'",
    );
    const { count, deciles } = response.data!.predictionDistribution;
    expect(count).toBe(Number(stored));
    expect(count).toBe(CUSTOMERS);
    expect(deciles.map((d) => d.decile)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(deciles.reduce((sum, d) => sum + d.count, 0)).toBe(count);
    for (const decile of deciles) {
      expect(decile.count / count).toBeGreaterThanOrEqual(0.08);
      expect(decile.count / count).toBeLessThanOrEqual(0.12);
    }
    expect(logistic.latestScoringRun).toMatchObject({
      scored: CUSTOMERS,
      scorePsi: expect.any(Number),
    });
    // The drift baseline: ten quantile bins of the out-of-time scores, edges rising, the last open.
    const reference = logistic.referenceScores;
    expect(reference).toHaveLength(10);
    expect(reference.reduce((sum, bin) => sum + bin.share, 0)).toBeCloseTo(1, 9);
    expect(reference[9].upperEdge).toBeNull();
    const edges = reference.slice(0, 9).map((bin) => bin.upperEdge as number);
    expect(edges).toEqual([...edges].sort((a, b) => a - b));
  });

  describe('a BOOSTED_TREES challenger', () => {
    let trees: Version;

    beforeAll(async () => {
      const id = await startTraining(pulse(), {
        kind: 'PROPENSITY',
        algorithm: 'BOOSTED_TREES',
        trees: 60,
      });
      await waitForTraining(pulse(), id);
      trees = await version(pulse(), id);
    }, 90_000);

    it('stays CANDIDATE next to the ACTIVE first version', async () => {
      expect(trees).toMatchObject({ number: 2, status: 'CANDIDATE' });
      expect((await version(pulse(), logistic.id)).status).toBe('ACTIVE');
    });

    it('refuses a forced promotion without a reason on the reason field', async () => {
      const response = await pulse().query(PROMOTE, { id: trees.id, force: true, reason: '  ' });
      expectError(response, 'BAD_USER_INPUT', 'reason');
      expect((await version(pulse(), trees.id)).status).toBe('CANDIDATE');
    });

    it('promotes or refuses by the out-of-time AUC rule, and force with a reason overrides it', async () => {
      const allowed = trees.outOfTimeMetrics.auc >= logistic.outOfTimeMetrics.auc - 0.005;
      const plain = await pulse().query(PROMOTE, { id: trees.id, force: false });
      if (allowed) {
        expect(plain.errors).toBeUndefined();
        expect((await version(pulse(), trees.id)).status).toBe('ACTIVE');
        expect((await version(pulse(), logistic.id)).status).toBe('RETIRED');
      } else {
        expectError(plain, 'BAD_USER_INPUT', 'id');
        expect(plain.errors![0].message).toContain('v2 is worse: out-of-time AUC');
        expect((await version(pulse(), trees.id)).status).toBe('CANDIDATE');
      }
      // Force the version the rule left out (or roll back to the retired one) with a reason.
      const [target, other] = allowed ? [logistic, trees] : [trees, logistic];
      const forced = await pulse().query<{
        promoteModel: { modelVersion: { status: string; promotionReason: string } };
      }>(PROMOTE, { id: target.id, force: true, reason: 'challenger review' });
      expect(forced.data?.promoteModel.modelVersion).toMatchObject({
        status: 'ACTIVE',
        promotionReason: 'challenger review',
      });
      const retired = await version(pulse(), other.id);
      expect(retired.status).toBe('RETIRED');
      expect(retired.retiredAt).not.toBeNull();
    });
  });
});
