import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { insertEntity } from '../../../src/db/entity-insert';
import { AuditEntryEntity } from '../../../src/privacy/audit-entry.entity';
import { describeEachDialect } from '../support/dialects';
import { unique } from '../support/factories';

// Audit entries are written with insertEntity on every read of personal data: every column type
// they hold (an instant with milliseconds, JSON arrays and objects, nulls) must come back as
// TypeORM's own insert stores it.
describeEachDialect('rows written with insertEntity', (pulse) => {
  const entry = (requestId: string): Partial<AuditEntryEntity> => ({
    occurredAt: new Date('2026-11-24T09:15:30.123Z'),
    apiKeyId: null,
    action: 'READ_PERSONAL_DATA',
    customerId: null,
    customerCount: 3,
    customerIds: [7, 8, 9],
    operationName: 'Säule "quoted" \\ op',
    requestId,
    details: { fields: ['email'], nested: { n: 1.5, none: null } },
  });

  it('stores what the query builder stores', async () => {
    const db = pulse().app.db;
    const [ours, theirs] = [unique('ins'), unique('ins')];
    await insertEntity(db.manager, AuditEntryEntity, entry(ours));
    await db
      .createQueryBuilder()
      .insert()
      .into(AuditEntryEntity)
      .values(entry(theirs) as QueryDeepPartialEntity<AuditEntryEntity>)
      .execute();
    const read = (requestId: string) =>
      db.getRepository(AuditEntryEntity).findOneByOrFail({ requestId });
    const [written, expected] = await Promise.all([read(ours), read(theirs)]);

    expect({ ...written, id: 0, requestId: '' }).toEqual({ ...expected, id: 0, requestId: '' });
    expect(written.occurredAt.toISOString()).toBe('2026-11-24T09:15:30.123Z');
    expect(written.details).toEqual({ fields: ['email'], nested: { n: 1.5, none: null } });
  });

  it("writes in the caller's transaction", async () => {
    const db = pulse().app.db;
    const requestId = unique('ins');
    await expect(
      db.transaction(async (manager) => {
        await insertEntity(manager, AuditEntryEntity, entry(requestId));
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');

    expect(await db.getRepository(AuditEntryEntity).countBy({ requestId })).toBe(0);
  });

  it('refuses a property that is not a column', async () => {
    const values = { ...entry(unique('ins')), note: 'x' } as Partial<AuditEntryEntity>;

    await expect(insertEntity(pulse().app.db.manager, AuditEntryEntity, values)).rejects.toThrow(
      'AuditEntryEntity has no column for property note',
    );
  });
});
