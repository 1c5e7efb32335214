import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { insertEntities } from '../../../src/db/entity-insert';
import { AuditEntryEntity } from '../../../src/privacy/audit-entry.entity';
import { describeEachDialect } from '../support/dialects';
import { unique } from '../support/factories';

// Audit entries are written with insertEntities on every read of personal data: every column
// type they hold (an instant with milliseconds, JSON arrays and objects, nulls) must come back as
// TypeORM's own insert stores it.
describeEachDialect('rows written with insertEntities', (pulse) => {
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
    await insertEntities(db.manager, AuditEntryEntity, [entry(ours)]);
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
        await insertEntities(manager, AuditEntryEntity, [entry(requestId)]);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');

    expect(await db.getRepository(AuditEntryEntity).countBy({ requestId })).toBe(0);
  });

  it('stores several rows with one statement, each as given', async () => {
    const db = pulse().app.db;
    const requestIds = [unique('ins'), unique('ins'), unique('ins')];
    const rows = requestIds.map((requestId, i) => ({
      ...entry(requestId),
      customerId: i === 1 ? null : i + 1,
      customerIds: [i + 1],
      details: i === 2 ? null : { i },
    }));
    await insertEntities(db.manager, AuditEntryEntity, rows);
    const stored = await db
      .getRepository(AuditEntryEntity)
      .find({ where: requestIds.map((requestId) => ({ requestId })), order: { id: 'ASC' } });

    expect(
      stored.map(({ requestId, customerId, customerIds, details }) => ({
        requestId,
        customerId,
        customerIds,
        details,
      })),
    ).toEqual(
      rows.map(({ requestId, customerId, customerIds, details }) => ({
        requestId,
        customerId,
        customerIds,
        details,
      })),
    );
  });

  it('refuses rows that set different properties, and stores none of them', async () => {
    const db = pulse().app.db;
    const requestId = unique('ins');
    const { details: _left, ...withoutDetails } = entry(requestId);

    await expect(
      insertEntities(db.manager, AuditEntryEntity, [entry(requestId), withoutDetails]),
    ).rejects.toThrow('every AuditEntryEntity row must set occurredAt, apiKeyId, action');
    expect(await db.getRepository(AuditEntryEntity).countBy({ requestId })).toBe(0);
  });

  it('refuses a property that is not a column', async () => {
    const values = { ...entry(unique('ins')), note: 'x' } as Partial<AuditEntryEntity>;

    await expect(
      insertEntities(pulse().app.db.manager, AuditEntryEntity, [values]),
    ).rejects.toThrow('AuditEntryEntity has no column for property note');
  });
});
