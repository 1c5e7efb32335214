import { insertSkippingDuplicates, sqlInstant } from '../../../src/db/dialect';
import { createRule, eventsOf, readRule } from '../alerts/alert-support';
import { describeEachDialect } from '../support/dialects';
import { expectError } from '../support/expect-error';
import type { TestPulse } from '../support/start-pulse';

const CREATE = `mutation Create($input: CreateKpiInput!) {
  createKpi(input: $input) { kpi { id } }
}`;
const SERIES = `query Series($id: ID!, $from: DateTimeISO!, $to: DateTimeISO!) {
  kpi(id: $id) { series(from: $from, to: $to) { periodStart value numerator denominator } }
}`;
const BREAKDOWN = `query($id: ID!, $period: DateTimeISO!) {
  kpi(id: $id) { breakdown(period: $period, by: COUNTRY) { value } }
}`;

const DAY = 86_400_000;
/** Day 0 of the test; the evaluations run at noon of day 5, so day 4 is the last closed day. */
const DAY0 = Date.parse('2026-03-01T00:00:00.000Z');
const NOW = new Date(DAY0 + 5 * DAY + 12 * 3_600_000);
const above20 = { kind: 'THRESHOLD', threshold: { operator: 'ABOVE', value: 0.2 } };

interface Run {
  kind: string;
  /** Start, in days after DAY0. */
  day: number;
  finished?: boolean;
  scorePsi: number | null;
  maxFeaturePsi: number | null;
}

async function insertRuns(pulse: TestPulse, runs: Run[]): Promise<void> {
  const db = pulse.app.db;
  const at = (day: number) => sqlInstant(db, new Date(DAY0 + day * DAY));
  await insertSkippingDuplicates(
    db.manager,
    'scoring_runs',
    [
      'kind',
      'model_version_id',
      'started_at',
      'finished_at',
      'scored',
      'score_psi',
      'max_feature_psi',
    ],
    runs.map((run) => [
      run.kind,
      1,
      at(run.day),
      run.finished === false ? null : at(run.day + 0.01),
      100,
      run.scorePsi,
      run.maxFeaturePsi,
    ]),
  );
}

async function createDriftKpi(pulse: TestPulse, key: string, input: Record<string, unknown>) {
  return pulse.query<{ createKpi: { kpi: { id: string } } }>(CREATE, {
    input: { key, name: `Drift ${key}`, granularity: 'DAY', metric: 'PREDICTION_DRIFT', ...input },
  });
}

describeEachDialect('PREDICTION_DRIFT KPI', (pulse) => {
  const ids = new Map<string, string>();

  beforeAll(async () => {
    // CHURN: moderate on day 1 (the feature PSI is the larger), large on day 3 (the score
    // PSI), and a day-4 run still going that must not count yet. PROPENSITY stays stable.
    // CLV runs once without PSI.
    await insertRuns(pulse(), [
      { kind: 'CHURN', day: 1.25, scorePsi: 0.04, maxFeaturePsi: 0.12 },
      { kind: 'CHURN', day: 3.25, scorePsi: 0.35, maxFeaturePsi: 0.3 },
      { kind: 'CHURN', day: 4.25, finished: false, scorePsi: null, maxFeaturePsi: null },
      { kind: 'PROPENSITY', day: 2.5, scorePsi: 0.05, maxFeaturePsi: null },
      { kind: 'CLV', day: 2.5, scorePsi: null, maxFeaturePsi: null },
    ]);
    for (const kind of ['CHURN', 'PROPENSITY', 'CLV']) {
      const response = await createDriftKpi(pulse(), `drift_${kind.toLowerCase()}`, {
        metricConfig: { predictionKind: kind },
      });
      if (!response.data) {
        throw new Error(JSON.stringify(response.errors));
      }
      ids.set(kind, response.data.createKpi.kpi.id);
    }
  });

  it('values each day by the larger PSI of the latest finished run started before its end', async () => {
    await pulse().app.services.kpiEvaluation.evaluate(NOW, { cold: true });
    const series = async (kind: string) => {
      const response = await pulse().query<{ kpi: { series: Array<Record<string, unknown>> } }>(
        SERIES,
        { id: ids.get(kind), from: new Date(DAY0).toISOString(), to: NOW.toISOString() },
      );
      expect(response.errors).toBeUndefined();

      return response.data!.kpi.series.map((row) => row.value);
    };
    //                       day 0  day 1  day 2  day 3  day 4  day 5 (open)
    expect(await series('CHURN')).toEqual([null, 0.12, 0.12, 0.35, 0.35, 0.35]);
    expect(await series('PROPENSITY')).toEqual([null, null, 0.05, 0.05, 0.05, 0.05]);
    expect(await series('CLV')).toEqual([null, null, null, null, null, null]);
  });

  it('fires a threshold alert above 0.2 on a drifting kind and stays quiet on a stable one', async () => {
    const churnRule = await createRule(pulse(), {
      kpiId: ids.get('CHURN'),
      name: 'Churn model drift',
      condition: above20,
    });
    const propensityRule = await createRule(pulse(), {
      kpiId: ids.get('PROPENSITY'),
      name: 'Propensity model drift',
      condition: above20,
    });
    await pulse().app.services.kpiEvaluation.evaluate(NOW);
    const events = await eventsOf(pulse(), churnRule.id);
    expect(events.map((e) => [e.type, e.value, e.periodStart, e.message])).toEqual([
      [
        'FIRED',
        0.35,
        new Date(DAY0 + 4 * DAY).toISOString(),
        'Drift drift_churn 0.35 is above 0.2',
      ],
    ]);
    expect(await eventsOf(pulse(), propensityRule.id)).toEqual([]);
    expect((await readRule(pulse(), propensityRule.id)).state).toBe('OK');
  });

  it.each([
    ['no metricConfig', {}, 'input.metricConfig'],
    [
      'an unknown prediction kind',
      { metricConfig: { predictionKind: 'LTV' } },
      'input.metricConfig.predictionKind',
    ],
    [
      'an unknown option',
      { metricConfig: { predictionKind: 'CHURN', feature: 'recency' } },
      'input.metricConfig.feature',
    ],
    [
      'a country scope',
      { metricConfig: { predictionKind: 'CHURN' }, scope: { country: 'GB' } },
      'input.scope.country',
    ],
  ])('refuses a PREDICTION_DRIFT KPI with %s as BAD_USER_INPUT', async (_title, input, field) => {
    expectError(
      await createDriftKpi(pulse(), `bad_drift_${field.length}`, input),
      'BAD_USER_INPUT',
      field,
    );
  });

  it('refuses a breakdown of a PREDICTION_DRIFT KPI as BAD_USER_INPUT on by', async () => {
    const response = await pulse().query(BREAKDOWN, {
      id: ids.get('CHURN'),
      period: new Date(DAY0 + 4 * DAY).toISOString(),
    });
    expectError(response, 'BAD_USER_INPUT', 'by');
  });
});
