import { setTimeout as sleep } from 'node:timers/promises';
import { describeEachDialect } from '../support/dialects';
import { createCustomers, unique } from '../support/factories';
import { CREATE_EXPERIMENT, MOVE, purchaseExperiment } from './experiment-fixtures';

const ASSIGN_ALL = `mutation AssignAll($key: String!) { assignSegment(experimentKey: $key) { newlyExposed } }`;
const ASSIGN_ONE = `mutation Assign($key: String!, $customerId: ID!) {
  assignVariant(experimentKey: $key, customerId: $customerId) { newlyExposed firstExposedAt }
}`;

// Assignment racing stopExperiment: on MySQL they run side by side, which SQLite (one writer at
// a time) hides.
describeEachDialect('experiments: assignment racing a stop', (pulse) => {
  it('records no exposure after the experiment stopped', async () => {
    const customers = await createCustomers(pulse(), 120);
    for (let round = 0; round < 3; round++) {
      const key = unique('race').toLowerCase().replace(/-/g, '_');
      const created = await pulse().query<{ createExperiment: { experiment: { id: string } } }>(
        CREATE_EXPERIMENT,
        { input: purchaseExperiment(key) },
      );
      const id = created.data!.createExperiment.experiment.id;
      await pulse().query(MOVE('startExperiment'), { id });
      const batch = customers.slice(round * 40, round * 40 + 40);

      const [stopped] = await Promise.all([
        pulse().query<{ stopExperiment: { experiment: { stoppedAt: string } } }>(
          MOVE('stopExperiment'),
          { id },
        ),
        ...batch.map(async (customer, i) => {
          await sleep(i % 10);

          return pulse().query(ASSIGN_ONE, { key, customerId: customer.id });
        }),
      ]);

      const stoppedAt = stopped.data!.stopExperiment.experiment.stoppedAt;
      const [late] = await pulse().app.db.query(
        `SELECT COUNT(*) AS n FROM experiment_exposures e JOIN experiments x ON x.id = e.experiment_id
         WHERE x.\`key\` = ? AND e.first_exposed_at > x.stopped_at`,
        [key],
      );
      expect({ stoppedAt, late: Number(late.n) }).toEqual({ stoppedAt, late: 0 });
    }
  });

  it('records no exposure of a whole population after the experiment stopped', async () => {
    await createCustomers(pulse(), 20);
    for (let round = 0; round < 5; round++) {
      const key = unique('race_all').toLowerCase().replace(/-/g, '_');
      const created = await pulse().query<{ createExperiment: { experiment: { id: string } } }>(
        CREATE_EXPERIMENT,
        { input: purchaseExperiment(key) },
      );
      const id = created.data!.createExperiment.experiment.id;
      await pulse().query(MOVE('startExperiment'), { id });

      await Promise.all([
        pulse().query(MOVE('stopExperiment'), { id }),
        ...[0, 1, 2, 3].map(async (delay) => {
          await sleep(delay);

          return pulse().query(ASSIGN_ALL, { key });
        }),
      ]);

      const [late] = await pulse().app.db.query(
        `SELECT COUNT(*) AS n FROM experiment_exposures e JOIN experiments x ON x.id = e.experiment_id
         WHERE x.\`key\` = ? AND e.first_exposed_at > x.stopped_at`,
        [key],
      );
      expect(Number(late.n)).toBe(0);
    }
  });
});
