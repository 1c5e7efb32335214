import type { TrainingOptions } from '../../../src/predictions/training-options';
import { describeEachDialect } from '../support/dialects';

// Promotions of one kind racing each other: on MySQL they run side by side, which SQLite (one
// writer at a time) hides.
describeEachDialect('promoteModel run concurrently', (pulse) => {
  const candidate = async (): Promise<number> => {
    const registry = pulse().app.services.modelRegistry;
    const version = await registry.create(
      { kind: 'CHURN', algorithm: 'LOGISTIC_REGRESSION' } as TrainingOptions,
      null,
    );
    await registry.finish(version.id, {
      features: [],
      featureHash: 'hash',
      trainingFrom: new Date(),
      trainingTo: new Date(),
      sampleSize: 1,
      positiveRate: 0.5,
      metrics: {},
      reference: {},
      model: {},
    } as never);

    return version.id;
  };
  const promote = (id: number) =>
    pulse().app.services.modelRegistry.promote(id, { force: true, reason: 'race', by: 'test' });

  it('leaves one ACTIVE version of a kind when two candidates are promoted at once', async () => {
    await promote(await candidate());
    for (let round = 0; round < 6; round++) {
      const [a, b] = [await candidate(), await candidate()];

      await Promise.allSettled([promote(a), promote(b)]);

      const [active] = await pulse().app.db.query(
        "SELECT COUNT(*) AS n FROM model_versions WHERE kind = 'CHURN' AND status = 'ACTIVE'",
      );
      expect(Number(active.n)).toBe(1);
    }
  });
});
