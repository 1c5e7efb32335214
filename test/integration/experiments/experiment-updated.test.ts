import { fromGlobalId } from '../../../src/graphql/global-id';
import { describeEachDialect } from '../support/dialects';
import { unique } from '../support/factories';
import { collect, wsClient } from '../support/ws';
import { CREATE_EXPERIMENT, MOVE, purchaseExperiment } from './experiment-fixtures';

const UPDATED = `subscription Updated($ids: [ID!]) {
  experimentUpdated(experimentIds: $ids) {
    kind status decision message occurredAt experiment { id key status startedAt stoppedAt }
  }
}`;

interface Update {
  kind: string;
  status: string;
  decision: string | null;
  message: string;
  occurredAt: string;
  experiment: { id: string; key: string; status: string; startedAt: string; stoppedAt: string };
}

describeEachDialect('experimentUpdated', (pulse) => {
  async function create() {
    const response = await pulse().query<{
      createExperiment: { experiment: { id: string; key: string } };
    }>(CREATE_EXPERIMENT, { input: purchaseExperiment(unique('sub').toLowerCase()) });

    return response.data!.createExperiment.experiment;
  }

  async function move(mutation: Parameters<typeof MOVE>[0], id: string) {
    const response = await pulse().query(MOVE(mutation), { id });
    expect(response.errors).toBeUndefined();
  }

  function subscribe(key: string, ids: string[] | null, count: number) {
    const client = wsClient(pulse(), key);
    const { ready, results } = collect<{ data: { experimentUpdated: Update } }>(
      client,
      UPDATED,
      { ids },
      count,
      3000,
    );

    return {
      ready,
      events: async () => {
        const received = (await results).map((event) => event.data.experimentUpdated);
        await client.dispose();

        return received;
      },
    };
  }

  it('sends STATUS_CHANGED for start and stop of the watched experiment only, with the experiment as it is now', async () => {
    const watched = await create();
    const other = await create();
    const subscription = subscribe(pulse().keys.ANALYST, [watched.id], 3);
    await subscription.ready;
    const before = Date.now();
    await move('startExperiment', other.id);
    await move('startExperiment', watched.id);
    await move('stopExperiment', watched.id);
    await move('stopExperiment', other.id);
    const events = await subscription.events();
    expect(events).toEqual([
      {
        kind: 'STATUS_CHANGED',
        status: 'RUNNING',
        decision: null,
        message: `Experiment "${watched.key}" is now RUNNING`,
        occurredAt: expect.any(String),
        // Read when the event is delivered, so it may already be STOPPED.
        experiment: expect.objectContaining({ id: watched.id, key: watched.key }),
      },
      expect.objectContaining({
        kind: 'STATUS_CHANGED',
        status: 'STOPPED',
        message: `Experiment "${watched.key}" is now STOPPED`,
      }),
    ]);
    for (const event of events) {
      expect(Date.parse(event.occurredAt)).toBeGreaterThanOrEqual(before - 1000);
    }
    expect(events[1].experiment).toMatchObject({
      status: 'STOPPED',
      stoppedAt: expect.any(String),
    });
  });

  it.each([
    ['absent', null],
    ['empty', []],
  ])(
    'sends the changes of every experiment when experimentIds is %s, to a PARTNER too',
    async (_label, ids) => {
      const first = await create();
      const second = await create();
      const subscription = subscribe(pulse().keys.PARTNER, ids, 3);
      await subscription.ready;
      await move('startExperiment', first.id);
      await move('archiveExperiment', second.id);
      await move('stopExperiment', first.id);
      const events = await subscription.events();
      expect(events.map((event) => [event.experiment.key, event.kind, event.status])).toEqual([
        [first.key, 'STATUS_CHANGED', 'RUNNING'],
        [second.key, 'STATUS_CHANGED', 'ARCHIVED'],
        [first.key, 'STATUS_CHANGED', 'STOPPED'],
      ]);
    },
  );

  it('passes on the monitor kinds (SRM_DETECTED with its decision) published through the service', async () => {
    const watched = await create();
    await move('startExperiment', watched.id);
    const subscription = subscribe(pulse().keys.ADMIN, [watched.id], 1);
    await subscription.ready;
    pulse().app.services.experiments.announce({
      experimentId: fromGlobalId(watched.id, 'Experiment', 'id'),
      kind: 'SRM_DETECTED',
      status: 'RUNNING',
      decision: 'REVIEW',
      message: 'sample ratio mismatch',
      occurredAt: '2026-11-23T10:00:00.000Z',
    });
    expect(await subscription.events()).toEqual([
      {
        kind: 'SRM_DETECTED',
        status: 'RUNNING',
        decision: 'REVIEW',
        message: 'sample ratio mismatch',
        occurredAt: '2026-11-23T10:00:00.000Z',
        experiment: expect.objectContaining({ id: watched.id, status: 'RUNNING' }),
      },
    ]);
  });
});
