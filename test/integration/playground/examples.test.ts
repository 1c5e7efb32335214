import { createPubSub } from '@graphql-yoga/subscription';
import { parse, validate } from 'graphql';
import { Role } from '../../../src/auth/principal';
import { buildPulseSchema } from '../../../src/graphql/build-schema';
import { readExamples, type ExampleOperation } from '../../../src/playground/examples';
import { packageRoot } from '../../../src/playground/paths';
import type { Services } from '../../../src/services';
import { describeEachDialect } from '../support/dialects';
import { createCustomers } from '../support/factories';
import { createSegment } from '../segments/segment-support';
import { collect, wsClient } from '../support/ws';
import { closeDay, createRule, insertKpi } from '../alerts/alert-support';
import { CREATE_EXPERIMENT, MOVE, purchaseExperiment } from '../experiments/experiment-fixtures';

// The playground's tabs, in order. A feature that adds an example adds its name here.
const EXPECTED = [
  'FindCustomers',
  'Customer360',
  'LookUpNode',
  'IngestInteractions',
  'IngestOrders',
  'InteractionRecorded',
  'ExportCustomerData',
  'AuditLog',
  'ApiKeys',
  'SegmentMembers',
  'PreviewSegment',
  'AlertSubscription',
  'KpiHistory',
  'PlanExperiment',
  'AssignVariant',
  'ExperimentResults',
  'ModelVersions',
  'NextBestActions',
];

const examples = readExamples(packageRoot(__dirname));
const runnable = examples.filter((example) => example.operation !== 'subscription');
const subscriptions = examples.filter((example) => example.operation === 'subscription');

describe('schema/examples.graphql', () => {
  it('holds the expected named operations, in tab order', () => {
    expect(examples.map((example) => example.name)).toEqual(EXPECTED);
  });

  it('validates every operation against the schema the code builds', async () => {
    // Resolvers never run during validation, so no services are needed (as in emit-schema).
    const schema = await buildPulseSchema({} as Services, createPubSub());
    for (const example of examples) {
      expect([example.name, validate(schema, parse(example.query))]).toEqual([example.name, []]);
    }
  });
});

describeEachDialect('example operations', (pulse) => {
  let customer: { id: string; externalId: string };
  let segment: { id: string };
  let kpi: { id: string; dbId: number };
  let experiment: { id: string; key: string };

  beforeAll(async () => {
    [customer] = await createCustomers(pulse(), 1, () => ({ country: 'GB' }));
    segment = await createSegment(pulse(), { kind: 'STATIC', externalIds: [customer.externalId] });
    kpi = await insertKpi(pulse());
    await createRule(pulse(), {
      kpiId: kpi.id,
      severity: 'CRITICAL',
      condition: { kind: 'THRESHOLD', threshold: { operator: 'BELOW', value: 0.03 } },
    });
    const created = await pulse().query<{ createExperiment: { experiment: typeof experiment } }>(
      CREATE_EXPERIMENT,
      { input: purchaseExperiment('playground-banner') },
    );
    experiment = created.data!.createExperiment.experiment;
    await pulse().query(MOVE('startExperiment'), { id: experiment.id });
  });

  // Placeholders in the examples' variables stand for data the reader picks; here the
  // factories' customer fills them.
  function variablesOf(example: ExampleOperation): Record<string, unknown> {
    const values: Record<string, string> = {
      '<a customer id from FindCustomers>': customer.id,
      '<any id>': customer.id,
      '<an externalId>': customer.externalId,
      '<a segment id>': segment.id,
      '<a KPI id>': kpi.id,
      '<a running experiment key>': experiment.key,
      '<an experiment id>': experiment.id,
    };
    const text = (example.variables ?? '{}').replace(/"(<[^>"]+>)"/g, (_match, placeholder) => {
      if (!(placeholder in values)) {
        throw new Error(
          `${example.name}: give the placeholder ${placeholder} a value in this test`,
        );
      }

      return JSON.stringify(values[placeholder]);
    });

    return JSON.parse(text);
  }

  it.each(runnable.map((example) => [example.name, example] as const))(
    'runs %s as ADMIN on factory data without errors',
    async (_name, example) => {
      const response = await pulse().query(example.query, variablesOf(example));
      expect([response.status, response.errors]).toEqual([200, undefined]);
      const rootFields = Object.entries(response.data!);
      expect(rootFields.length).toBeGreaterThan(0);
      expect(rootFields.filter(([, value]) => value === null)).toEqual([]);
    },
  );

  // Ingesting interactions makes the interaction subscriptions deliver; alert events need a rule
  // that fires and resolves, which two closed days of crafted KPI values give.
  async function ingestInteractions(): Promise<void> {
    const ingest = runnable.find((candidate) => candidate.name === 'IngestInteractions')!;
    // New event ids: the example's own ids were stored by the run above.
    const variables = JSON.parse(
      JSON.stringify(variablesOf(ingest)).replace(/playground-/g, 'playground-live-'),
    );
    expect((await pulse().query(ingest.query, variables)).errors).toBeUndefined();
  }
  const triggers: Record<string, () => Promise<void>> = {
    AlertSubscription: async () => {
      await closeDay(pulse(), kpi.dbId, 0, 0.02);
      await closeDay(pulse(), kpi.dbId, 1, 0.05);
    },
  };

  it.each(subscriptions.map((example) => [example.name, example] as const))(
    'delivers two %s events over WebSocket when its trigger runs',
    async (_name, example) => {
      const client = wsClient(pulse(), pulse().keys[Role.ANALYST]);
      const live = collect<{ data?: unknown; errors?: unknown }>(
        client,
        example.query,
        variablesOf(example),
        2,
      );
      await live.ready;
      await (triggers[example.name] ?? ingestInteractions)();
      const results = await live.results;
      await client.dispose();
      expect(results).toHaveLength(2);
      expect(results.filter((result) => result.errors !== undefined)).toEqual([]);
    },
  );
});
