import { describeEachDialect } from '../support/dialects';
import { unique } from '../support/factories';

const UPSERT = `mutation Upsert($input: UpsertCustomersInput!) {
  upsertCustomers(input: $input) { created updated unchanged }
}`;

// Concurrent upserts of new external ids: on MySQL each call runs in its own transaction, so
// these show races that SQLite (one writer at a time) hides.
describeEachDialect('upsertCustomers run concurrently', (pulse) => {
  const upsert = (externalIds: string[], name = 'Ada') =>
    pulse().query<{ upsertCustomers: { created: number } }>(UPSERT, {
      input: { customers: externalIds.map((externalId) => ({ externalId, name })) },
    });
  const stored = async (externalIds: string[]): Promise<number> =>
    Number(
      (
        await pulse().app.db.query(
          `SELECT COUNT(*) AS n FROM customers WHERE external_id IN (${externalIds.map(() => '?').join(', ')})`,
          externalIds,
        )
      )[0].n,
    );
  const codes = (responses: Array<{ errors?: Array<{ extensions?: Record<string, unknown> }> }>) =>
    responses.flatMap((response) => (response.errors ?? []).map((e) => e.extensions?.code));

  it('creates one customer when two calls bring the same new external id', async () => {
    for (let round = 0; round < 8; round++) {
      const id = unique('same-new');

      const responses = await Promise.all([upsert([id]), upsert([id])]);

      for (const code of codes(responses)) {
        expect(code).toBe('CONFLICT');
      }
      expect(await stored([id])).toBe(1);
    }
  });

  it('creates each customer once when two calls bring the same new ids in opposite orders', async () => {
    for (let round = 0; round < 8; round++) {
      const ids = [unique('pair-a'), unique('pair-b')];

      const responses = await Promise.all([upsert(ids), upsert([...ids].reverse())]);

      for (const code of codes(responses)) {
        expect(code).toBe('CONFLICT');
      }
      expect(await stored(ids)).toBe(2);
    }
  });

  it('updates existing customers when two calls bring them in opposite orders', async () => {
    for (let round = 0; round < 8; round++) {
      const ids = [unique('sync-a'), unique('sync-b'), unique('sync-c')];
      await upsert(ids);

      const responses = await Promise.all([
        upsert(ids, `Grace ${round}`),
        upsert([...ids].reverse(), `Edith ${round}`),
      ]);

      expect(codes(responses)).toEqual([]);
      expect(responses.map((response) => response.data?.upsertCustomers)).toEqual([
        { created: 0, updated: 3, unchanged: 0 },
        { created: 0, updated: 3, unchanged: 0 },
      ]);
      // Each call read what the other wrote: two updates, two versions.
      const versions = await pulse().app.db.query(
        'SELECT version FROM customers WHERE external_id IN (?, ?, ?)',
        ids,
      );
      expect(versions.map((row: { version: unknown }) => Number(row.version))).toEqual([3, 3, 3]);
    }
  });
});
