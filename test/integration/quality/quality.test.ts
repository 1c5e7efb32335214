import { Role } from '../../../src/auth/principal';
import { CHANNELS } from '../../../src/interactions/channel';
import { QUALITY_FIELDS } from '../../../src/quality/quality-rules';
import { describeEachDialect } from '../support/dialects';
import {
  hoursBefore,
  insertEvents,
  insertQualityCustomers,
  isFilled,
  QUALITY_CUSTOMERS,
} from './quality-data';

const QUERY = `{ dataQuality {
  generatedAt customers
  fields { field filled filledShare valid validShare }
  orphanInteractions orphanOrders interactionsInFuture interactionsBeforeSignup
  ordersInFuture ordersBeforeSignup duplicateCandidates
  freshness { source lastEventAt ageHours }
} }`;

describeEachDialect('data quality report', (pulse) => {
  const now = new Date(Date.UTC(2026, 2, 18, 12, 0));

  beforeAll(async () => {
    const db = pulse().app.db;
    const ids = await insertQualityCustomers(db, 'quality', now);
    await insertEvents(
      db,
      ids,
      now,
      [
        ['good', 'WEB', hoursBefore(now, 2)],
        ['good', 'WEB', hoursBefore(now, 30)],
        ['good', 'EMAIL', hoursBefore(now, 26.5)],
        // In the future, and before the customer signed up (2025-01-10).
        ['good', 'SMS', hoursBefore(now, -1)],
        ['good', 'SMS', new Date(Date.UTC(2024, 11, 1))],
        // A deleted customer's: an orphan.
        ['deleted', 'CHAT', hoursBefore(now, 1000)],
      ],
      [
        ['good-2', hoursBefore(now, 5)],
        ['good-2', new Date(Date.UTC(2025, 0, 1))],
        ['good', hoursBefore(now, -48)],
        ['deleted', hoursBefore(now, 3)],
      ],
    );
  });

  it('gives each field the share filled and the share valid among filled of live customers', async () => {
    const report = await pulse().app.services.quality.report(now);
    const live = QUALITY_CUSTOMERS.filter((c) => !c.deleted && !c.erased);
    expect(report.customers).toBe(7);
    expect(report.fields).toEqual(
      QUALITY_FIELDS.map((field) => {
        const filled = live.filter((c) => isFilled(c.profile[field])).length;
        const valid = live.filter((c) => c.valid.includes(field)).length;

        return {
          field,
          filled,
          filledShare: filled / live.length,
          valid,
          validShare: filled ? valid / filled : null,
        };
      }),
    );
    // The shares are not all alike, so a rule that accepted everything would fail above.
    expect(report.fields.find((f) => f.field === 'email')).toMatchObject({ filled: 5, valid: 2 });
  });

  it('counts orphan events, events in the future and before signup, and dates each source', async () => {
    const report = await pulse().app.services.quality.report(now);
    expect(report).toMatchObject({
      generatedAt: now,
      orphanInteractions: 1,
      orphanOrders: 1,
      interactionsInFuture: 1,
      interactionsBeforeSignup: 1,
      ordersInFuture: 1,
      ordersBeforeSignup: 1,
      // `dup` shares good's phone.
      duplicateCandidates: 1,
    });
    const latest: Record<string, Date> = {
      WEB: hoursBefore(now, 2),
      EMAIL: hoursBefore(now, 26.5),
      SMS: hoursBefore(now, -1),
      CHAT: hoursBefore(now, 1000),
      ORDERS: hoursBefore(now, -48),
    };
    expect(report.freshness).toEqual(
      [...CHANNELS, 'ORDERS'].map((source) => ({
        source,
        lastEventAt: latest[source] ?? null,
        ageHours: latest[source] ? (now.getTime() - latest[source].getTime()) / 3_600_000 : null,
      })),
    );
  });

  it('computes the whole report in five SQL statements, one per section', async () => {
    const { statements } = await pulse().countStatements(() =>
      pulse().app.services.quality.report(now),
    );
    expect(statements).toBe(5);
  });

  it('serves dataQuality to a PARTNER, with only aggregates', async () => {
    const response = await pulse().query<{
      dataQuality: { customers: number; fields: Array<{ field: string; valid: number }> };
    }>(QUERY, {}, { role: Role.PARTNER });
    expect(response.errors).toBeUndefined();
    expect(response.data?.dataQuality.customers).toBe(7);
    expect(response.data?.dataQuality.fields.map((f) => f.field)).toEqual([...QUALITY_FIELDS]);
  });

  it('refuses dataQuality to the ALERTS role', async () => {
    const response = await pulse().query(QUERY, {}, { role: Role.ALERTS });
    expect(response.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});
