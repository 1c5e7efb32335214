import { loadConfig } from '../../../src/config';
import { Role } from '../../../src/auth/principal';
import { toGlobalId } from '../../../src/graphql/global-id';
import { closeDay, createRule, insertKpi } from '../alerts/alert-support';
import { describeEachDialect } from '../support/dialects';
import { startTestPulse, type TestPulse } from '../support/start-pulse';
import { sample } from '../support/prometheus';
import { collect, wsClient } from '../support/ws';

const NAMED = 'query CustomerPage { customers(first: 1) { edges { node { id } } } }';
const ANONYMOUS = '{ customers(first: 1) { edges { node { id } } } }';
const BAD_ID = 'query BadLookup { customer(id: "not-an-id") { id } }';
const RECORDED = `subscription Live($ids: [ID!]!) { interactionRecorded(customerIds: $ids) { id } }`;

async function scrape(pulse: TestPulse, token?: string): Promise<Response> {
  return fetch(pulse.url.replace(/\/graphql$/, '/metrics'), {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
}

async function metricsText(pulse: TestPulse): Promise<string> {
  const response = await scrape(pulse);
  expect(response.status).toBe(200);

  return response.text();
}

describeEachDialect(
  'GET /metrics',
  (pulse) => {
    it('serves the Prometheus text format with process figures', async () => {
      const response = await scrape(pulse());
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await response.text();
      expect(text).toContain('# TYPE pulse_graphql_operations_total counter');
      expect(sample(text, 'pulse_process_resident_memory_bytes')).toBeGreaterThan(0);
    });

    it('counts and times operations by name, with anonymous ones apart', async () => {
      const before = await metricsText(pulse());
      await pulse().query(NAMED);
      await pulse().query(NAMED);
      await pulse().query(ANONYMOUS);
      const after = await metricsText(pulse());
      const ops = (operation: string, text: string) =>
        sample(text, 'pulse_graphql_operations_total', {
          operation,
          transport: 'http',
          outcome: 'success',
        });
      expect(ops('CustomerPage', after) - ops('CustomerPage', before)).toBe(2);
      expect(ops('anonymous', after) - ops('anonymous', before)).toBe(1);
      const timed = (text: string) =>
        sample(text, 'pulse_graphql_operation_duration_seconds_count', {
          operation: 'CustomerPage',
          transport: 'http',
        });
      expect(timed(after) - timed(before)).toBe(2);
    });

    it('counts an operation that fails as an error, with its code', async () => {
      const before = await metricsText(pulse());
      const response = await pulse().query(BAD_ID);
      expect(response.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      const after = await metricsText(pulse());
      const labels = { operation: 'BadLookup', transport: 'http', outcome: 'error' };
      expect(sample(after, 'pulse_graphql_operations_total', labels)).toBe(
        sample(before, 'pulse_graphql_operations_total', labels) + 1,
      );
      const code = { code: 'BAD_USER_INPUT' };
      expect(sample(after, 'pulse_graphql_errors_total', code)).toBe(
        sample(before, 'pulse_graphql_errors_total', code) + 1,
      );
    });

    it('counts at least the statements a request ran, and times them', async () => {
      const before = await metricsText(pulse());
      const { statements } = await pulse().countStatements(() => pulse().query(NAMED));
      const after = await metricsText(pulse());
      expect(statements).toBeGreaterThan(0);
      const sent = (text: string) => sample(text, 'pulse_sql_statements_total');
      expect(sent(after) - sent(before)).toBeGreaterThanOrEqual(statements);
      const timed = (text: string) => sample(text, 'pulse_sql_statement_duration_seconds_count');
      expect(timed(after) - timed(before)).toBeGreaterThanOrEqual(statements);
    });

    it('shows open subscriptions and counts WebSocket operations', async () => {
      const client = wsClient(pulse(), pulse().keys[Role.ADMIN]);
      try {
        const before = await metricsText(pulse());
        const answer = await new Promise<unknown>((resolve, reject) => {
          client.subscribe(
            { query: NAMED },
            { next: resolve, error: reject, complete: () => undefined },
          );
        });
        expect(answer).toHaveProperty('data.customers');
        const live = collect(client, RECORDED, { ids: [toGlobalId('Customer', 1)] }, 1, 800);
        await live.ready;
        const open = await metricsText(pulse());
        expect(sample(open, 'pulse_ws_subscriptions_active')).toBe(
          sample(before, 'pulse_ws_subscriptions_active') + 1,
        );
        const ws = { operation: 'CustomerPage', transport: 'ws', outcome: 'success' };
        expect(sample(open, 'pulse_graphql_operations_total', ws)).toBe(
          sample(before, 'pulse_graphql_operations_total', ws) + 1,
        );
        await live.results;
        // The client completes the subscription; the server hears of it a moment later.
        await new Promise((resolve) => setTimeout(resolve, 200));
        const closed = await metricsText(pulse());
        expect(sample(closed, 'pulse_ws_subscriptions_active')).toBe(
          sample(before, 'pulse_ws_subscriptions_active'),
        );
      } finally {
        await client.dispose();
      }
    });

    it('counts the alert rules an evaluation judged', async () => {
      const kpi = await insertKpi(pulse());
      await createRule(pulse(), {
        kpiId: kpi.id,
        condition: { kind: 'THRESHOLD', threshold: { operator: 'BELOW', value: 0.5 } },
      });
      const before = await metricsText(pulse());
      await closeDay(pulse(), kpi.dbId, 0, 0.2);
      const after = await metricsText(pulse());
      expect(sample(after, 'pulse_alert_rule_evaluations_total')).toBe(
        sample(before, 'pulse_alert_rule_evaluations_total') + 1,
      );
    });

    it('counts background job runs and their duration', async () => {
      const job = { job: 'segments.refresh', outcome: 'success' };
      const before = await metricsText(pulse());
      pulse().app.services.dataChanges.notify('interactions');
      let after = before;
      for (let waited = 0; waited < 10_000; waited += 250) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        after = await metricsText(pulse());
        if (
          sample(after, 'pulse_job_runs_total', job) > sample(before, 'pulse_job_runs_total', job)
        ) {
          break;
        }
      }
      expect(sample(after, 'pulse_job_runs_total', job)).toBe(
        sample(before, 'pulse_job_runs_total', job) + 1,
      );
      expect(
        sample(after, 'pulse_job_duration_seconds_count', { job: 'segments.refresh' }),
      ).toBeGreaterThan(0);
    });
  },
  // An ingestion starts a segment refresh a second later: the job test waits for it.
  { segmentIngestionDebounceSeconds: 1 },
);

describe('GET /metrics on MySQL', () => {
  it('reports the connection pool', async () => {
    if (!process.env.TEST_MYSQL_URL) {
      throw new Error('TEST_MYSQL_URL is not set: the integration setup starts MariaDB');
    }
    const pulse = await startTestPulse('mysql');
    try {
      const text = await metricsText(pulse);
      expect(sample(text, 'pulse_db_pool_connections', { state: 'size' })).toBe(10);
      expect(sample(text, 'pulse_db_pool_connections', { state: 'idle' })).toBeGreaterThan(0);
    } finally {
      await pulse.stop();
    }
  });
});

describe('GET /metrics settings', () => {
  it('needs the bearer token when PULSE_METRICS_TOKEN is set', async () => {
    const token = 'metrics-token-0123456789';
    const pulse = await startTestPulse('sqlite', { metricsToken: token });
    try {
      expect((await scrape(pulse)).status).toBe(401);
      expect((await scrape(pulse, `${token}x`)).status).toBe(401);
      expect((await scrape(pulse, pulse.keys[Role.ADMIN])).status).toBe(401);
      expect((await scrape(pulse, token)).status).toBe(200);
    } finally {
      await pulse.stop();
    }
  });

  it('counts names past PULSE_METRICS_MAX_OPERATIONS as other', async () => {
    const pulse = await startTestPulse('sqlite', { metricsMaxOperations: 2 });
    try {
      for (const name of ['First', 'Second', 'Third', 'Fourth']) {
        await pulse.query(`query ${name} { customers(first: 1) { edges { node { id } } } }`);
      }
      const text = await metricsText(pulse);
      const ops = (operation: string) =>
        sample(text, 'pulse_graphql_operations_total', { operation, transport: 'http' });
      expect([ops('First'), ops('Second'), ops('Third'), ops('other')]).toEqual([1, 1, 0, 2]);
    } finally {
      await pulse.stop();
    }
  });

  // Anyone who can reach /graphql can send a name; with no key they must not take the slots of
  // the operations that key holders run.
  it('gives names of requests without a valid key no label of their own', async () => {
    const pulse = await startTestPulse('sqlite', { metricsMaxOperations: 2 });
    try {
      for (const [name, key] of [
        ['Spam1', null],
        ['Spam2', 'pulse_not-a-key'],
        ['First', undefined],
        ['Second', undefined],
        ['First', null],
      ] as const) {
        await pulse.query(`query ${name} { __typename }`, {}, { key });
      }
      const text = await metricsText(pulse);
      const ops = (operation: string) =>
        sample(text, 'pulse_graphql_operations_total', { operation, transport: 'http' });
      expect([ops('First'), ops('Second'), ops('Spam1'), ops('other')]).toEqual([2, 1, 0, 2]);
    } finally {
      await pulse.stop();
    }
  });

  // A name can be as long as the body allows (5 MiB): kept as a label, each one would be
  // held for the life of the process and repeated on ~30 lines of every scrape.
  it('counts an operation name longer than 100 characters as other', async () => {
    const pulse = await startTestPulse('sqlite');
    try {
      const long = `Q${'x'.repeat(100)}`;
      await pulse.query(`query ${long} { __typename }`);
      await pulse.query(`query ${long.slice(0, 100)} { __typename }`);
      const text = await metricsText(pulse);
      expect(text).not.toContain(long);
      const ops = (operation: string) =>
        sample(text, 'pulse_graphql_operations_total', { operation, transport: 'http' });
      expect([ops(long.slice(0, 100)), ops('other')]).toEqual([1, 1]);
    } finally {
      await pulse.stop();
    }
  });

  it('counts rate-limit refusals', async () => {
    const pulse = await startTestPulse('sqlite', {
      rateLimits: {
        ...loadConfig({}).rateLimits,
        [Role.PARTNER]: { capacity: 10, periodSeconds: 86_400 },
      },
    });
    try {
      const asPartner = { role: Role.PARTNER };
      const page = 'query Page { customers(first: 5) { edges { node { id } } } }';
      const answers = [];
      for (let i = 0; i < 4; i++) {
        answers.push(await pulse.query(page, {}, asPartner));
      }
      const refused = answers.filter(
        (answer) => answer.errors?.[0]?.extensions?.code === 'RATE_LIMITED',
      );
      expect(refused.length).toBeGreaterThan(0);
      const text = await metricsText(pulse);
      expect(sample(text, 'pulse_rate_limit_refusals_total', { transport: 'http' })).toBe(
        refused.length,
      );
    } finally {
      await pulse.stop();
    }
  });
});
