import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import type { Config } from '../../../src/config';
import { databaseFault } from '../../../src/db/faults';
import { onReplica } from '../../../src/db/replica';
import { FeatureService } from '../../../src/predictions/feature.service';
import { freePort, freshDatabase } from '../../support/mariadb-server';
import { createCustomers, insertPredictions } from '../support/factories';
import { sample } from '../support/prometheus';
import { mysqlAvailable, startTestPulse, type TestPulse } from '../support/start-pulse';

const describeMysql = mysqlAvailable() ? describe : describe.skip;

// Analytical reads, each answered from live data: a customer count shows which database
// answered, since the replica holds fewer customers than the primary.
const QUALITY = '{ dataQuality { customers } }';
const COMPARE = `query Compare($ids: [ID!]!) {
  compareSegments(ids: $ids) { baseline { size } segments { profile { size } } }
}`;
const PREVIEW = `query Preview($definition: SegmentRuleInput!) {
  previewSegment(definition: $definition, sampleSize: 10) { size sample { id } }
}`;
const KPI = `query Kpi($id: ID!, $period: DateTimeISO!) {
  kpi(id: $id) { breakdown(by: COUNTRY, period: $period) { value } current { value } }
}`;
// Reads that must see what was just written.
const CUSTOMER = 'query Customer($id: ID!) { customer(id: $id) { id } }';
const CUSTOMERS = '{ customers(first: 1) { totalCount } }';

const BEFORE_SNAPSHOT = 3;
const AFTER_SNAPSHOT = 2;

/**
 * Makes `replica` a copy of `primary` as it is now, as a replica that has caught up would be.
 * Both databases live on one server; foreign keys are not copied (CREATE TABLE … LIKE drops
 * them), so tables can be filled in any order.
 */
async function copyDatabase(baseUrl: string, primary: string, replica: string): Promise<void> {
  const connection = await createConnection(baseUrl);
  try {
    const [tables] = await connection.query(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ? AND table_type = 'BASE TABLE'",
      [primary],
    );
    for (const { name } of tables as Array<{ name: string }>) {
      await connection.query(`DROP TABLE IF EXISTS \`${replica}\`.\`${name}\``);
      await connection.query(
        `CREATE TABLE \`${replica}\`.\`${name}\` LIKE \`${primary}\`.\`${name}\``,
      );
      await connection.query(
        `INSERT INTO \`${replica}\`.\`${name}\` SELECT * FROM \`${primary}\`.\`${name}\``,
      );
    }
  } finally {
    await connection.end();
  }
}

function startPulseOn(url: string, replicaUrls: string[], extra: Partial<Config> = {}) {
  return startTestPulse('mysql', {
    database: {
      type: 'mysql',
      flavor: 'mysql',
      url,
      poolSize: 4,
      statementTimeoutMs: 1000,
      replicaUrls,
    },
    // Scheduled jobs would write and read on their own while the test compares databases.
    kpiEvaluationMinutes: 0,
    segmentRefreshMinutes: 0,
    experimentMonitorMinutes: 0,
    scoringMinutes: 0,
    ...extra,
  });
}

async function customerCountInQualityReport(pulse: TestPulse): Promise<number> {
  const response = await pulse.query<{ dataQuality: { customers: number } }>(QUALITY);
  expect(response.errors).toBeUndefined();

  return response.data!.dataQuality.customers;
}

describeMysql('read replicas', () => {
  const baseUrl = process.env.TEST_MYSQL_URL as string;
  const suffix = randomBytes(4).toString('hex');
  const primaryName = `pulse_primary_${suffix}`;
  const replicaName = `pulse_replica_${suffix}`;
  let primaryUrl: string;
  let replicaUrl: string;
  let pulse: TestPulse;
  let segmentId: string;
  let kpiId: string;
  let written: Array<{ id: string }>;
  const signedUpAt = new Date(Date.now() - 60_000).toISOString();

  beforeAll(async () => {
    primaryUrl = await freshDatabase(baseUrl, primaryName);
    replicaUrl = await freshDatabase(baseUrl, replicaName);
    pulse = await startPulseOn(primaryUrl, [replicaUrl]);
    const customers = await createCustomers(pulse, BEFORE_SNAPSHOT, () => ({ signedUpAt }));
    const segment = await pulse.query<{ createSegment: { segment: { id: string } } }>(
      `mutation($input: CreateSegmentInput!) { createSegment(input: $input) { segment { id } } }`,
      {
        input: {
          name: 'replica-static',
          kind: 'STATIC',
          externalIds: customers.map((customer) => customer.externalId),
        },
      },
    );
    segmentId = segment.data!.createSegment.segment.id;
    const kpi = await pulse.query<{ createKpi: { kpi: { id: string } } }>(
      `mutation($input: CreateKpiInput!) { createKpi(input: $input) { kpi { id } } }`,
      { input: { key: 'new_customers', metric: 'NEW_CUSTOMERS', granularity: 'MONTH' } },
    );
    kpiId = kpi.data!.createKpi.kpi.id;
    // The replica is a copy as of now; the primary then moves on, as a lagging replica's would.
    await copyDatabase(baseUrl, primaryName, replicaName);
    written = await createCustomers(pulse, AFTER_SNAPSHOT, () => ({ signedUpAt }));
  });

  afterAll(async () => {
    await pulse?.stop();
  });

  it('answers analytical queries from the replica: the data quality report, segment profiles and previews', async () => {
    expect(await customerCountInQualityReport(pulse)).toBe(BEFORE_SNAPSHOT);
    const compared = await pulse.query<{
      compareSegments: {
        baseline: { size: number };
        segments: Array<{ profile: { size: number } }>;
      };
    }>(COMPARE, { ids: [segmentId] });
    expect(compared.data?.compareSegments).toEqual({
      baseline: { size: BEFORE_SNAPSHOT },
      segments: [{ profile: { size: BEFORE_SNAPSHOT } }],
    });
    const preview = await pulse.query<{ previewSegment: { size: number; sample: unknown[] } }>(
      PREVIEW,
      { definition: { profile: { field: 'COUNTRY', operator: 'EQ', value: 'GB' } } },
    );
    expect(preview.data?.previewSegment.size).toBe(BEFORE_SNAPSHOT);
    expect(preview.data?.previewSegment.sample).toHaveLength(BEFORE_SNAPSHOT);
  });

  it('computes KPI values on the replica, stores them on the primary, and reads stored values on the replica', async () => {
    const read = () =>
      pulse.query<{ kpi: { breakdown: { value: number }; current: { value: number } | null } }>(
        KPI,
        { id: kpiId, period: signedUpAt },
      );
    expect((await read()).data?.kpi.breakdown.value).toBe(BEFORE_SNAPSHOT);
    const evaluated = await pulse.query(
      `mutation($input: EvaluateKpisInput) { evaluateKpis(input: $input) { kpis } }`,
      { input: { kpiIds: [kpiId], cold: true } },
    );
    expect(evaluated.errors).toBeUndefined();
    const [stored] = await pulse.app.db.query(
      'SELECT MAX(value) AS value FROM kpi_values WHERE numerator > 0',
    );
    expect(Number(stored.value)).toBe(BEFORE_SNAPSHOT);
    // The replica has not seen the evaluation yet; once it catches up, it has.
    expect((await read()).data?.kpi.current).toBeNull();
    await copyDatabase(baseUrl, primaryName, replicaName);
    expect((await read()).data?.kpi.current?.value).toBe(BEFORE_SNAPSHOT);
    expect(await customerCountInQualityReport(pulse)).toBe(BEFORE_SNAPSHOT + AFTER_SNAPSHOT);
  });

  it("reads on the primary what must see the request's own writes: mutation results, lookups and lists", async () => {
    const fresh = await createCustomers(pulse, 1, () => ({ signedUpAt }));
    expect(fresh).toHaveLength(1);
    const found = await pulse.query<{ customer: { id: string } }>(CUSTOMER, { id: fresh[0].id });
    expect(found.data?.customer.id).toBe(fresh[0].id);
    for (const customer of written) {
      const again = await pulse.query<{ customer: { id: string } }>(CUSTOMER, { id: customer.id });
      expect(again.errors).toBeUndefined();
    }
    const list = await pulse.query<{ customers: { totalCount: number } }>(CUSTOMERS);
    expect(list.data?.customers.totalCount).toBe(BEFORE_SNAPSHOT + AFTER_SNAPSHOT + 1);
  });

  it('reads prediction features and the prediction distribution on the replica, behind the primary', async () => {
    // The replica caught up before the last test created one more customer on the primary.
    const features = new FeatureService(pulse.app.db).snapshotBatches({
      snapshot: new Date(),
      population: 'ALL',
      labelDays: null,
      activeDays: 365,
      interactionTypes: ['page_view'],
      attributes: false,
    });
    let read = 0;
    for await (const batch of features) {
      read += batch.length;
    }
    expect(read).toBe(BEFORE_SNAPSHOT + AFTER_SNAPSHOT);
    const [{ id }] = await pulse.app.db.query('SELECT MAX(id) AS id FROM customers');
    await insertPredictions(pulse, Number(id), { CHURN: 0.4 });
    const distribution = await pulse.query<{ predictionDistribution: { count: number } }>(
      '{ predictionDistribution(kind: CHURN) { count } }',
    );
    expect(distribution.data?.predictionDistribution.count).toBe(0);
  });

  it('applies the statement time limit to replica connections too', async () => {
    const [session] = await onReplica(pulse.app.db, (replica) =>
      replica.query('SELECT DATABASE() AS name, @@SESSION.max_statement_time AS seconds'),
    );
    expect(session).toEqual({ name: replicaName, seconds: 1 });
    const cut = await onReplica(pulse.app.db, (replica) => replica.query('SELECT SLEEP(3)')).then(
      () => null,
      (error: unknown) => databaseFault(error)?.code,
    );
    expect(cut).toBe('STATEMENT_TIMEOUT');
  });

  it("reports the primary's pool in the pool metrics", async () => {
    const text = await (await fetch(pulse.url.replace(/\/graphql$/, '/metrics'))).text();
    expect(sample(text, 'pulse_db_pool_connections', { state: 'size' })).toBe(4);
  });

  it('reads everything on the primary when no replica is configured', async () => {
    const primaryOnly = await startPulseOn(primaryUrl, []);
    try {
      const total = BEFORE_SNAPSHOT + AFTER_SNAPSHOT + 1;
      // The replica caught up in an earlier test; the primary has one customer more since.
      expect(await customerCountInQualityReport(primaryOnly)).toBe(total);
      expect(await customerCountInQualityReport(pulse)).toBe(total - 1);
    } finally {
      await primaryOnly.stop();
    }
  });

  it('falls back to the primary when no replica can be reached', async () => {
    const closed = `mysql://root@127.0.0.1:${await freePort()}/${replicaName}`;
    const unreachable = await startPulseOn(primaryUrl, [closed]);
    try {
      expect(await customerCountInQualityReport(unreachable)).toBe(
        BEFORE_SNAPSHOT + AFTER_SNAPSHOT + 1,
      );
    } finally {
      await unreachable.stop();
    }
  });
});
