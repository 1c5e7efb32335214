import { fromGlobalId } from '../../../src/graphql/global-id';
import type { FeatureService } from '../../../src/predictions/feature.service';
import { describeEachDialect } from '../support/dialects';
import { generatePredictionData, startTraining, waitForTraining } from '../support/prediction-data';
import type { TestPulse } from '../support/start-pulse';

const PROMOTE = `mutation Promote($id: ID!) {
  promoteModel(id: $id, force: true, reason: "roll forward") { modelVersion { status } }
}`;

/** The model versions the stored PROPENSITY predictions came from. */
async function scoredBy(pulse: TestPulse): Promise<number[]> {
  const rows: Array<{ id: unknown }> = await pulse.app.db.query(
    "SELECT DISTINCT model_version_id AS id FROM predictions WHERE kind = 'PROPENSITY'",
  );

  return rows.map((row) => Number(row.id));
}

describeEachDialect('scoring around a promotion', (pulse) => {
  beforeAll(async () => {
    await generatePredictionData(pulse().app.db, 13, 600);
  }, 60_000);

  it('scores with the promoted version when the promotion comes while a pass of the old one runs', async () => {
    const first = await startTraining(pulse(), {
      kind: 'PROPENSITY',
      algorithm: 'LOGISTIC_REGRESSION',
    });
    expect((await waitForTraining(pulse(), first)).status).toBe('ACTIVE');
    const second = await startTraining(pulse(), {
      kind: 'PROPENSITY',
      algorithm: 'BOOSTED_TREES',
      trees: 5,
    });
    expect((await waitForTraining(pulse(), second)).status).toBe('CANDIDATE');
    const firstId = fromGlobalId(first, 'ModelVersion', 'id');
    const secondId = fromGlobalId(second, 'ModelVersion', 'id');
    expect(await scoredBy(pulse())).toEqual([firstId]);

    // A pass of the active first version (the schedule's, say) holds before its first batch.
    const scoring = pulse().app.services.scoring;
    const features = (scoring as unknown as { features: FeatureService }).features;
    const original = features.snapshotBatches;
    let reached: () => void = () => undefined;
    const atGate = new Promise<void>((resolve) => {
      reached = resolve;
    });
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    features.snapshotBatches = async function* (this: FeatureService, ...args) {
      features.snapshotBatches = original;
      reached();
      await gate;
      yield* original.apply(this, args);
    } as typeof original;
    const pass = scoring.score('PROPENSITY');
    await atGate;

    // The promotion's own pass finds the lease taken while the old pass runs.
    const promoted = await pulse().query<any>(PROMOTE, { id: second });
    expect(promoted.data.promoteModel.modelVersion.status).toBe('ACTIVE');
    await new Promise((resolve) => setTimeout(resolve, 200));
    open();
    await pass;

    // Whatever instance ran it, the scores end up being the active version's.
    const deadline = Date.now() + 20_000;
    let versions = await scoredBy(pulse());
    while (!(versions.length === 1 && versions[0] === secondId) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      versions = await scoredBy(pulse());
    }
    expect(versions).toEqual([secondId]);
  }, 120_000);
});
