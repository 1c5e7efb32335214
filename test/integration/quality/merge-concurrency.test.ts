import { fromGlobalId } from '../../../src/graphql/global-id';
import { createPersonWithHistory } from '../privacy/privacy-support';
import { describeEachDialect } from '../support/dialects';

const MERGE = `mutation Merge($input: MergeCustomersInput!) {
  mergeCustomers(input: $input) { survivor { id } mergedIds }
}`;

// Concurrent merges over the same customers: on MySQL each runs in its own transaction, so
// these show races that SQLite (one writer at a time) hides.
describeEachDialect('mergeCustomers run concurrently', (pulse) => {
  const dbId = (id: string) => fromGlobalId(id, 'Customer', 'id');
  const merge = (survivorId: string, duplicateId: string) =>
    pulse().query<{ mergeCustomers: { survivor: { id: string } } }>(MERGE, {
      input: { survivorId, duplicateIds: [duplicateId] },
    });
  const interactionsOf = async (ids: string[]): Promise<number> =>
    Number(
      (
        await pulse().app.db.query(
          `SELECT COUNT(*) AS n FROM interactions WHERE customer_id IN (${ids.map(() => '?').join(', ')})`,
          ids.map(dbId),
        )
      )[0].n,
    );
  const codes = (responses: Array<{ errors?: Array<{ extensions?: Record<string, unknown> }> }>) =>
    responses.flatMap((response) => (response.errors ?? []).map((e) => e.extensions?.code));

  it('merges A into B and B into A at once: one wins, the other is refused by name', async () => {
    for (let round = 0; round < 6; round++) {
      const a = await createPersonWithHistory(pulse(), 2);
      const b = await createPersonWithHistory(pulse(), 2);

      const responses = await Promise.all([merge(a.id, b.id), merge(b.id, a.id)]);

      const failed = codes(responses);
      expect(failed).toHaveLength(1);
      expect(['CONFLICT', 'NOT_FOUND']).toContain(failed[0]);
      expect(await interactionsOf([a.id, b.id])).toBe(4);
    }
  });

  it('keeps the history merged into a survivor that another merge takes away meanwhile', async () => {
    for (let round = 0; round < 6; round++) {
      const a = await createPersonWithHistory(pulse(), 2);
      const b = await createPersonWithHistory(pulse(), 2);
      const c = await createPersonWithHistory(pulse(), 2);

      // C into A while A goes into B: C's history must end up on a live customer, or the
      // merge into A must be refused and leave C as it was.
      const responses = await Promise.all([merge(a.id, c.id), merge(b.id, a.id)]);

      console.log(await interactionsOf([a.id, b.id, c.id]));
      for (const code of codes(responses)) {
        expect(['CONFLICT', 'NOT_FOUND']).toContain(code);
      }
      expect(await interactionsOf([a.id, b.id, c.id])).toBe(6);
    }
  });
});
