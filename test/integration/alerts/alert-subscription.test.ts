import { Role } from '../../../src/auth/principal';
import { describeEachDialect } from '../support/dialects';
import { expectError } from '../support/expect-error';
import { collect, wsClient } from '../support/ws';
import { wsRequest } from '../support/ws-request';
import { closeDay, createRule, EVENT_FIELDS, type EventView, insertKpi } from './alert-support';

const SUBSCRIPTION = `subscription ($filter: AlertEventFilter, $since: String) {
  alertEvents(filter: $filter, since: $since) { ${EVENT_FIELDS} rule { name state } }
}`;

type Result = { data?: { alertEvents: EventView & { rule: { name: string } } }; errors?: unknown };

describeEachDialect('alertEvents subscription', (pulse) => {
  // A THRESHOLD rule with for = 1 that fires below 3 %: alternating values give one event per day.
  async function togglingRule() {
    const kpi = await insertKpi(pulse());
    const rule = await createRule(pulse(), {
      kpiId: kpi.id,
      condition: { kind: 'THRESHOLD', threshold: { operator: 'BELOW', value: 0.03 } },
    });
    const day = (n: number) => closeDay(pulse(), kpi.dbId, n, n % 2 === 0 ? 0.02 : 0.05);

    return { kpi, rule, day };
  }

  async function storedIdsAfter(kpiId: number, afterId: number): Promise<number[]> {
    const rows: Array<{ id: number | string }> = await pulse().app.db.query(
      'SELECT id FROM alert_events WHERE kpi_id = ? AND id > ? ORDER BY id',
      [kpiId, afterId],
    );

    return rows.map((row) => Number(row.id));
  }

  const dbIdOf = (event: EventView) =>
    Number(Buffer.from(event.id, 'base64url').toString('utf8').split(':')[1]);

  it('delivers live events of the filtered KPIs only, with the stored cursor, to the ALERTS role', async () => {
    const watched = await togglingRule();
    const other = await togglingRule();
    const client = wsClient(pulse(), pulse().keys[Role.ALERTS]);
    const live = collect<Result>(client, SUBSCRIPTION, { filter: { kpiIds: [watched.kpi.id] } }, 2);
    await live.ready;
    await other.day(0);
    await watched.day(0);
    await watched.day(1);
    const results = await live.results;
    await client.dispose();
    expect(results.map((result) => result.errors)).toEqual([undefined, undefined]);
    const events = results.map((result) => result.data!.alertEvents);
    expect(events.map((event) => [event.type, event.kpiId, event.rule.name])).toEqual([
      ['FIRED', watched.kpi.id, 'Low conversion'],
      ['RESOLVED', watched.kpi.id, 'Low conversion'],
    ]);
    expect(events.map(dbIdOf)).toEqual(await storedIdsAfter(watched.kpi.dbId, 0));
    expect(events[0].message).toBe('Conversion rate 2 % is below 3 %');
  });

  it('resumes with `since` after a dropped connection: the missed events in order, then live ones, no duplicates', async () => {
    const { kpi, day } = await togglingRule();
    const filter = { kpiIds: [kpi.id] };
    const first = wsClient(pulse(), pulse().keys[Role.ALERTS]);
    const before = collect<Result>(first, SUBSCRIPTION, { filter }, 2);
    await before.ready;
    // Events keep firing while the consumer takes two of them and its connection drops.
    const firing = (async () => {
      for (let n = 0; n < 6; n += 1) {
        await day(n);
      }
    })();
    const seen = (await before.results).map((result) => result.data!.alertEvents);
    await first.dispose();
    await firing;
    const second = wsClient(pulse(), pulse().keys[Role.ALERTS]);
    const resumed = collect<Result>(
      second,
      SUBSCRIPTION,
      { filter, since: seen[1].cursor },
      8,
      15000,
    );
    // More events fire while the replay runs and after it: each must arrive exactly once.
    for (let n = 6; n < 10; n += 1) {
      await day(n);
    }
    const received = (await resumed.results).map((result) => result.data!.alertEvents);
    await second.dispose();
    const expected = await storedIdsAfter(kpi.dbId, dbIdOf(seen[1]));
    expect(expected).toHaveLength(8);
    expect(received.map(dbIdOf)).toEqual(expected);
    expect(received.map((event) => event.type)).toEqual([
      'FIRED',
      'RESOLVED',
      'FIRED',
      'RESOLVED',
      'FIRED',
      'RESOLVED',
      'FIRED',
      'RESOLVED',
    ]);
  });

  it('refuses a `since` that is not an event cursor with BAD_USER_INPUT', async () => {
    const client = wsClient(pulse(), pulse().keys[Role.ALERTS]);
    const response = await wsRequest(client, SUBSCRIPTION, { since: 'not-a-cursor' });
    await client.dispose();
    expectError(response, 'BAD_USER_INPUT', 'since');
  });

  it('refuses more than 100 KPI or rule ids with BAD_USER_INPUT when subscribing, not on each event', async () => {
    const client = wsClient(pulse(), pulse().keys[Role.ALERTS]);
    const ids = (type: string) =>
      Array.from({ length: 101 }, (_, i) => Buffer.from(`${type}:${i + 1}`).toString('base64url'));
    for (const [filter, field] of [
      [{ kpiIds: ids('Kpi') }, 'filter.kpiIds'],
      [{ ruleIds: ids('AlertRule') }, 'filter.ruleIds'],
    ] as const) {
      // An accepted subscription stays open and never completes: give it a moment, no more.
      const response = await Promise.race([
        wsRequest(client, SUBSCRIPTION, { filter }),
        new Promise<{ errors: undefined }>((resolve) =>
          setTimeout(() => resolve({ errors: undefined }), 1500),
        ),
      ]);
      expectError(response, 'BAD_USER_INPUT', field);
    }
    await client.dispose();
  });

  it.each([
    [Role.ADMIN, 'https://hooks.slack.com/services/T0001/B0002/s3cr3t'],
    [Role.PARTNER, null],
    [Role.ALERTS, null],
  ])('shows the rule of a live event with its webhook URL to %s as %p', async (role, url) => {
    const kpi = await insertKpi(pulse());
    await createRule(pulse(), {
      kpiId: kpi.id,
      condition: { kind: 'THRESHOLD', threshold: { operator: 'BELOW', value: 0.03 } },
      webhookUrl: 'https://hooks.slack.com/services/T0001/B0002/s3cr3t',
    });
    const client = wsClient(pulse(), pulse().keys[role]);
    const live = collect<{ data?: { alertEvents: { rule: unknown } }; errors?: unknown }>(
      client,
      `subscription ($filter: AlertEventFilter) {
        alertEvents(filter: $filter) { type rule { webhookUrl hasWebhook } }
      }`,
      { filter: { kpiIds: [kpi.id] } },
      1,
    );
    await live.ready;
    await closeDay(pulse(), kpi.dbId, 0, 0.02);
    const [result] = await live.results;
    await client.dispose();
    expect(result.errors).toBeUndefined();
    expect(result.data!.alertEvents).toEqual({
      type: 'FIRED',
      rule: { webhookUrl: url, hasWebhook: true },
    });
  });
});
