import { Role } from '../../../src/auth/principal';
import { insertSkippingDuplicates, sqlInstant } from '../../../src/db/dialect';
import { CHANNELS } from '../../../src/interactions/channel';
import { FeatureService, type SnapshotRow } from '../../../src/predictions/feature.service';
import { describeEachDialect } from '../support/dialects';
import { expectError } from '../support/expect-error';
import {
  generatePredictionData,
  type PredictionData,
  startTraining,
  waitForTraining,
} from '../support/prediction-data';
import type { TestPulse } from '../support/start-pulse';
import { insertOrderRows } from '../support/factories';

const DAY = 86_400_000;
const WEB = CHANNELS.indexOf('WEB' as never);
const TRAIN = `mutation Train($input: TrainModelInput!) {
  trainModel(input: $input) { modelVersion { id status } }
}`;
const VERSIONS = `query { modelVersions(first: 5) { edges { node { id } } } }`;

/** Every customer's aggregates as of `snapshot`, in id order. */
async function snapshotRows(
  pulse: TestPulse,
  snapshot: Date,
  sizes?: ConstructorParameters<typeof FeatureService>[1],
  attributes = true,
): Promise<SnapshotRow[]> {
  const rows: SnapshotRow[] = [];
  for await (const batch of new FeatureService(pulse.app.db, sizes).snapshotBatches({
    snapshot,
    population: 'ALL',
    labelDays: null,
    activeDays: 365,
    interactionTypes: ['page_view', 'ticket'],
    attributes,
  })) {
    rows.push(...batch);
  }

  return rows;
}

describeEachDialect('trainModel refusals, conflicts, leaks and roles', (pulse) => {
  let data: PredictionData;

  beforeAll(async () => {
    data = await generatePredictionData(pulse().app.db, 11, 1_500);
  }, 60_000);

  it.each([
    [
      'CLV with LOGISTIC_REGRESSION',
      { kind: 'CLV', algorithm: 'LOGISTIC_REGRESSION' },
      'input.algorithm',
      'CLV models are trained with BG_NBD_GAMMA_GAMMA',
    ],
    [
      'a horizon of 3 days',
      { kind: 'PROPENSITY', algorithm: 'LOGISTIC_REGRESSION', horizonDays: 3 },
      'input.horizonDays',
      'must be a whole number from 7 to 730',
    ],
    [
      'a label attribute on PROPENSITY',
      { kind: 'PROPENSITY', algorithm: 'LOGISTIC_REGRESSION', labelAttribute: 'churned' },
      'input.labelAttribute',
      'only CHURN can be labelled by a customer attribute',
    ],
    [
      'the label attribute also listed as a feature',
      {
        kind: 'CHURN',
        algorithm: 'LOGISTIC_REGRESSION',
        labelAttribute: 'churned',
        attributes: [{ path: 'churned', kind: 'CATEGORICAL' }],
      },
      'input.attributes[0].path',
      'the label attribute cannot also be a feature',
    ],
  ])('refuses %s with BAD_USER_INPUT on its field', async (_, input, field, message) => {
    const response = await pulse().query(TRAIN, { input });
    expectError(response, 'BAD_USER_INPUT', field);
    expect(response.errors![0].message).toContain(message);
  });

  it('answers CONFLICT to a second trainModel of a kind while the first runs', async () => {
    const first = await startTraining(pulse(), {
      kind: 'PROPENSITY',
      algorithm: 'LOGISTIC_REGRESSION',
    });
    const second = await pulse().query(TRAIN, {
      input: { kind: 'PROPENSITY', algorithm: 'BOOSTED_TREES' },
    });
    expectError(second, 'CONFLICT', 'input.kind');
    expect(second.errors![0].message).toBe('a PROPENSITY model is already training');
    expect((await waitForTraining(pulse(), first)).status).toBe('ACTIVE');
  }, 60_000);

  describe('a churn label recorded as a customer attribute', () => {
    beforeAll(async () => {
      const db = pulse().app.db;
      // The attribute records each customer's future (their churn in the next 90 days), which
      // no behaviour feature as of today can know; the copy is a feature that does.
      for (const churned of [true, false]) {
        const ids = data.customers.filter((c) => c.churnsNext90 === churned).map((c) => c.id);
        await db.query(
          `UPDATE customers SET attributes = ? WHERE id IN (${ids.map(() => '?').join(', ')})`,
          [JSON.stringify({ churned, churn_flag_copy: churned ? 'yes' : 'no' }), ...ids],
        );
      }
    });

    it('refuses a feature that copies the label: training ends FAILED naming it', async () => {
      const id = await startTraining(pulse(), {
        kind: 'CHURN',
        algorithm: 'LOGISTIC_REGRESSION',
        labelAttribute: 'churned',
        attributes: [{ path: 'churn_flag_copy', kind: 'CATEGORICAL' }],
      });
      const state = await waitForTraining(pulse(), id);
      expect(state.status).toBe('FAILED');
      expect(state.error).toMatch(
        /^feature attribute_churn_flag_copy\S* predicts the label almost perfectly on its own \(AUC 1\.000\): it likely sees the outcome, so it is refused$/,
      );
    }, 60_000);

    it('trains the same label without the copy: the leak check does not refuse honest features', async () => {
      const id = await startTraining(pulse(), {
        kind: 'CHURN',
        algorithm: 'LOGISTIC_REGRESSION',
        labelAttribute: 'churned',
      });
      expect(await waitForTraining(pulse(), id)).toMatchObject({ status: 'ACTIVE', error: null });
    }, 60_000);
  });

  it('reads features as of a snapshot: later orders and interactions change none of them', async () => {
    const db = pulse().app.db;
    const snapshot = new Date(data.today.getTime() - 60 * DAY);
    const planned = data.customers.slice(-3).map((c) => c.id);
    await db.query(
      `UPDATE customers SET attributes = ? WHERE id IN (${planned.map(() => '?').join(', ')})`,
      [JSON.stringify({ plan: 'gold' }), ...planned],
    );
    const before = await snapshotRows(pulse(), snapshot);
    expect(before).toHaveLength(data.customers.length);
    const at = (offset: number) => sqlInstant(db, new Date(snapshot.getTime() + offset));
    const chosen = data.customers.slice(0, 50);
    const later = [0, 1, DAY, 30 * DAY];
    await insertOrderRows(
      db.manager,
      chosen.flatMap((c) =>
        later.map((offset) => ({
          customerId: c.id,
          clientOrderId: `asof-${c.id}-${offset}`,
          orderedAt: at(offset),
          amount: 99,
          status: 'PAID',
          writtenAt: at(0),
        })),
      ),
    );
    await insertSkippingDuplicates(
      db.manager,
      'interactions',
      ['customer_id', 'channel', 'type', 'occurred_at', 'client_event_id', 'created_at'],
      chosen.flatMap((c) =>
        later.flatMap((offset) => [
          [c.id, 'WEB', 'page_view', at(offset), `asof-w-${c.id}-${offset}`, at(0)],
          [c.id, 'SUPPORT', 'ticket', at(offset), `asof-s-${c.id}-${offset}`, at(0)],
        ]),
      ),
    );
    expect(await snapshotRows(pulse(), snapshot)).toEqual(before);
    // Batches of 7 customers whose type counts are read 20 at a time (so some batches straddle
    // two of those reads) give every customer the same aggregates.
    expect(await snapshotRows(pulse(), snapshot, { batch: 7, typeCountBatch: 20 })).toEqual(before);
    // A model with no attribute feature or label reads the same aggregates without attributes.
    expect(
      before
        .filter((row) => row.aggregates.attributes?.plan === 'gold')
        .map((row) => row.aggregates.customerId),
    ).toEqual(planned);
    expect(await snapshotRows(pulse(), snapshot, undefined, false)).toEqual(
      before.map((row) => ({ ...row, aggregates: { ...row.aggregates, attributes: null } })),
    );

    // One millisecond earlier is before the snapshot: the same rows then do count.
    const earlier = await snapshotRows(pulse(), new Date(snapshot.getTime() + 2));
    const first = earlier.find((row) => row.aggregates.customerId === chosen[0].id)!;
    const was = before.find((row) => row.aggregates.customerId === chosen[0].id)!;
    expect(first.aggregates.ordersTotal).toBe(was.aggregates.ordersTotal + 2);
    expect(
      first.aggregates.channels90[WEB] - was.aggregates.channels90[WEB],
    ).toBeGreaterThanOrEqual(2);
  });

  it('forbids PARTNER to train and ALERTS to read model versions', async () => {
    const train = await pulse().query(
      TRAIN,
      { input: { kind: 'CHURN', algorithm: 'LOGISTIC_REGRESSION' } },
      { role: Role.PARTNER },
    );
    expectError(train, 'FORBIDDEN');
    const read = await pulse().query(VERSIONS, {}, { role: Role.ALERTS });
    expectError(read, 'FORBIDDEN');
  });
});
