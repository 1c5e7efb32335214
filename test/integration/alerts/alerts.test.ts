import { Role } from '../../../src/auth/principal';
import { fromGlobalId } from '../../../src/graphql/global-id';
import { describeEachDialect } from '../support/dialects';
import { expectError } from '../support/expect-error';
import {
  closeDay,
  createRule,
  dayClosed,
  eventsOf,
  FIRST_DAY,
  insertKpi,
  readRule,
  RULE_FIELDS,
  type RuleView,
  storeDay,
} from './alert-support';

const below3Percent = { kind: 'THRESHOLD', threshold: { operator: 'BELOW', value: 0.03 } };

describeEachDialect('alert rules', (pulse) => {
  it('creates a rule at OK, lists it with filters and resolves it as a node', async () => {
    const kpi = await insertKpi(pulse());
    const rule = await createRule(pulse(), {
      kpiId: kpi.id,
      condition: below3Percent,
      for: 2,
      hysteresis: 0.005,
      webhookUrl: 'https://hooks.example.com/pulse',
      webhookSecret: 'a-secret-of-16-chars',
    });
    expect(rule).toMatchObject({
      kpiId: kpi.id,
      name: 'Low conversion',
      kind: 'THRESHOLD',
      params: { operator: 'BELOW', value: 0.03 },
      severity: 'WARNING',
      for: 2,
      hysteresis: 0.005,
      state: 'OK',
      consecutive: 0,
      webhookUrl: 'https://hooks.example.com/pulse',
      hasWebhookSecret: true,
      version: 1,
    });
    const listed = await pulse().query<{
      alertRules: { totalCount: number; edges: Array<{ node: { id: string } }> };
    }>(
      `query ($kpiIds: [ID!]) { alertRules(filter: { kpiIds: $kpiIds, states: [OK] }) { totalCount edges { node { id } } } }`,
      { kpiIds: [kpi.id] },
    );
    expect(listed.data!.alertRules).toEqual({ totalCount: 1, edges: [{ node: { id: rule.id } }] });
    const node = await pulse().query<{ node: { name: string } }>(
      'query ($id: ID!) { node(id: $id) { ... on AlertRule { name } } }',
      { id: rule.id },
    );
    expect(node.data!.node).toEqual({ name: 'Low conversion' });
  });

  it('updates a rule at its version, restarts it on a new condition, and deletes it', async () => {
    const kpi = await insertKpi(pulse());
    const rule = await createRule(pulse(), { kpiId: kpi.id, condition: below3Percent });
    await closeDay(pulse(), kpi.dbId, 0, 0.02);
    expect((await readRule(pulse(), rule.id)).state).toBe('FIRING');
    const updated = await pulse().query<{ updateAlertRule: { alertRule: RuleView } }>(
      `mutation ($input: UpdateAlertRuleInput!) { updateAlertRule(input: $input) { alertRule { ${RULE_FIELDS} } } }`,
      {
        input: {
          id: rule.id,
          version: 1,
          name: 'Conversion drop',
          severity: 'CRITICAL',
          condition: { kind: 'CHANGE', change: { direction: 'DOWN', bound: 0.2 } },
        },
      },
    );
    expect(updated.data!.updateAlertRule.alertRule).toMatchObject({
      name: 'Conversion drop',
      severity: 'CRITICAL',
      kind: 'CHANGE',
      params: { direction: 'DOWN', bound: 0.2 },
      state: 'OK',
      consecutive: 0,
      version: 2,
    });
    const stale = await pulse().query(
      'mutation ($input: DeleteAlertRuleInput!) { deleteAlertRule(input: $input) { deletedId } }',
      { input: { id: rule.id, version: 1 } },
    );
    expectError(stale, 'CONFLICT', 'input.version');
    const deleted = await pulse().query<{ deleteAlertRule: { deletedId: string } }>(
      'mutation ($input: DeleteAlertRuleInput!) { deleteAlertRule(input: $input) { deletedId } }',
      { input: { id: rule.id, version: 2 } },
    );
    expect(deleted.data!.deleteAlertRule.deletedId).toBe(rule.id);
    expect(await eventsOf(pulse(), rule.id)).toEqual([]);
  });

  it('fires after `for` consecutive periods, once, and resolves only past the hysteresis', async () => {
    const kpi = await insertKpi(pulse());
    const rule = await createRule(pulse(), {
      kpiId: kpi.id,
      condition: below3Percent,
      for: 2,
      hysteresis: 0.005,
    });
    const states: Array<[string, number]> = [];
    for (const [day, value] of [0.04, 0.021, 0.021, 0.02, 0.032, 0.036].entries()) {
      await closeDay(pulse(), kpi.dbId, day, value);
      const current = await readRule(pulse(), rule.id);
      states.push([current.state, current.consecutive]);
    }
    expect(states).toEqual([
      ['OK', 0],
      ['PENDING', 1],
      ['FIRING', 2],
      ['FIRING', 3],
      ['FIRING', 0],
      ['OK', 0],
    ]);
    const events = await eventsOf(pulse(), rule.id);
    expect(events.map((event) => [event.type, event.value, event.periodStart])).toEqual([
      ['FIRED', 0.021, new Date(FIRST_DAY + 2 * 86_400_000).toISOString()],
      ['RESOLVED', 0.036, new Date(FIRST_DAY + 5 * 86_400_000).toISOString()],
    ]);
    expect(events.map((event) => event.message)).toEqual([
      'Conversion rate 2.1 % is below 3 % for 2 periods',
      'Conversion rate is 3.6 % again, back above 3 %',
    ]);
    expect(events[0].details).toMatchObject({ value: 0.021, threshold: 0.03, periods: 2 });
  });

  it('is judged by the KPI evaluation it is registered with, on the latest closed period', async () => {
    const kpi = await insertKpi(pulse(), { name: 'Orders', metric: 'ORDERS' });
    const rule = await createRule(pulse(), {
      kpiId: kpi.id,
      condition: { kind: 'THRESHOLD', threshold: { operator: 'BELOW', value: 1 } },
    });
    const now = new Date('2026-03-10T12:00:00.000Z');
    await pulse().app.services.kpiEvaluation.evaluate(now, { kpiIds: [kpi.dbId] });
    // No orders at all: yesterday's count 0 is below 1.
    const [event] = await eventsOf(pulse(), rule.id);
    expect([event.type, event.value, event.periodStart, event.message]).toEqual([
      'FIRED',
      0,
      '2026-03-09T00:00:00.000Z',
      'Orders 0 is below 1',
    ]);
  });

  it('judges each period once however often evaluation runs', async () => {
    const kpi = await insertKpi(pulse());
    const rule = await createRule(pulse(), { kpiId: kpi.id, condition: below3Percent, for: 2 });
    await closeDay(pulse(), kpi.dbId, 0, 0.02);
    // Two more evaluations of the same closed day.
    await closeDay(pulse(), kpi.dbId, 0, 0.02);
    await pulse().app.services.alerts.evaluate(
      [{ kpiId: kpi.dbId }],
      new Date(FIRST_DAY + 86_400_000 * 1.5),
    );
    expect(await readRule(pulse(), rule.id)).toMatchObject({ state: 'PENDING', consecutive: 1 });
  });

  it('leaves a rule changed during its evaluation to the next one, keeping the restart', async () => {
    const kpi = await insertKpi(pulse());
    const rule = await createRule(pulse(), { kpiId: kpi.id, condition: below3Percent });
    const ruleId = fromGlobalId(rule.id, 'AlertRule', 'id');
    await storeDay(pulse(), kpi.dbId, 0, 0.02);
    // The user's update commits after the evaluation has read the rules and before it writes
    // them. On SQLite transactions run one at a time, so the update simply comes after.
    const alerts = pulse().app.services.alerts as unknown as {
      kpis: (...args: never[]) => unknown;
    };
    const readKpis = alerts.kpis;
    const racing = jest.spyOn(alerts, 'kpis').mockImplementationOnce(async function (
      this: unknown,
      ...args: never[]
    ) {
      if (pulse().dialect === 'mysql') {
        await pulse().query(
          'mutation ($input: UpdateAlertRuleInput!) { updateAlertRule(input: $input) { alertRule { id } } }',
          {
            input: {
              id: rule.id,
              version: 1,
              condition: { kind: 'CHANGE', change: { direction: 'DOWN', bound: 0.5 } },
            },
          },
        );
      }

      return readKpis.apply(this, args);
    });
    await pulse().app.services.alerts.evaluate([{ kpiId: kpi.dbId }], dayClosed(0));
    racing.mockRestore();
    if (pulse().dialect === 'mysql') {
      // The new condition's restart stands, no event came from the old condition, and the
      // period is judged again, under the new condition, by the next evaluation.
      expect(await readRule(pulse(), rule.id)).toMatchObject({ kind: 'CHANGE', state: 'OK' });
      expect(await eventsOf(pulse(), rule.id)).toEqual([]);
      const [{ last }] = await pulse().app.db.query(
        'SELECT last_period_start AS last FROM alert_rules WHERE id = ?',
        [ruleId],
      );
      expect(last).toBeNull();
    } else {
      expect((await readRule(pulse(), rule.id)).state).toBe('FIRING');
    }
  });

  it('acknowledges a firing alert once, with an ACKNOWLEDGED event carrying its value', async () => {
    const kpi = await insertKpi(pulse());
    const rule = await createRule(pulse(), { kpiId: kpi.id, condition: below3Percent });
    const acknowledge = () =>
      pulse().query<{
        acknowledgeAlert: { event: { type: string; value: number; message: string } };
      }>(
        'mutation ($input: AcknowledgeAlertInput!) { acknowledgeAlert(input: $input) { event { type value message } } }',
        { input: { ruleId: rule.id } },
      );
    expectError(await acknowledge(), 'CONFLICT', 'input.ruleId');
    await closeDay(pulse(), kpi.dbId, 0, 0.025);
    expect((await acknowledge()).data!.acknowledgeAlert.event).toEqual({
      type: 'ACKNOWLEDGED',
      value: 0.025,
      message: 'Alert "Low conversion" on Conversion rate acknowledged',
    });
    expect((await readRule(pulse(), rule.id)).acknowledgedAt).not.toBeNull();
    expectError(await acknowledge(), 'CONFLICT', 'input.ruleId');
    // Still firing: no new FIRED; resolving clears the acknowledgement.
    await closeDay(pulse(), kpi.dbId, 1, 0.02);
    await closeDay(pulse(), kpi.dbId, 2, 0.05);
    expect((await eventsOf(pulse(), rule.id)).map((event) => event.type)).toEqual([
      'FIRED',
      'ACKNOWLEDGED',
      'RESOLVED',
    ]);
    expect((await readRule(pulse(), rule.id)).acknowledgedAt).toBeNull();
  });

  it('keeps evaluating a muted rule without events until it is unmuted', async () => {
    const kpi = await insertKpi(pulse());
    const rule = await createRule(pulse(), { kpiId: kpi.id, condition: below3Percent });
    const until = new Date(FIRST_DAY + 3 * 86_400_000).toISOString();
    // Muted as of day 0, so that days 0 and 1 close while it is muted.
    await pulse().app.services.alertRules.mute(
      fromGlobalId(rule.id, 'AlertRule', 'id'),
      new Date(until),
      new Date(FIRST_DAY),
    );
    await closeDay(pulse(), kpi.dbId, 0, 0.02);
    expect(await readRule(pulse(), rule.id)).toMatchObject({ state: 'FIRING', mutedUntil: until });
    await closeDay(pulse(), kpi.dbId, 1, 0.05);
    expect(await eventsOf(pulse(), rule.id)).toEqual([]);
    const unmuted = await pulse().query<{ unmuteAlertRule: { alertRule: RuleView } }>(
      `mutation ($input: UnmuteAlertRuleInput!) { unmuteAlertRule(input: $input) { alertRule { ${RULE_FIELDS} } } }`,
      { input: { ruleId: rule.id } },
    );
    expect(unmuted.data!.unmuteAlertRule.alertRule.mutedUntil).toBeNull();
    await closeDay(pulse(), kpi.dbId, 2, 0.02);
    expect((await eventsOf(pulse(), rule.id)).map((event) => event.type)).toEqual(['FIRED']);
  });

  it('mutes through the API until a future instant', async () => {
    const kpi = await insertKpi(pulse());
    const rule = await createRule(pulse(), { kpiId: kpi.id, condition: below3Percent });
    const until = new Date(Date.now() + 3_600_000).toISOString();
    const muted = await pulse().query<{ muteAlertRule: { alertRule: RuleView } }>(
      `mutation ($input: MuteAlertRuleInput!) { muteAlertRule(input: $input) { alertRule { ${RULE_FIELDS} } } }`,
      { input: { ruleId: rule.id, until } },
    );
    expect(muted.data!.muteAlertRule.alertRule).toMatchObject({ mutedUntil: until, version: 2 });
  });

  it('fires CHANGE, TARGET_MISS and ANOMALY rules on crafted values', async () => {
    const kpi = await insertKpi(pulse(), {
      name: 'Revenue',
      metric: 'REVENUE',
      targetValue: 100,
      tolerance: 0.1,
    });
    const change = await createRule(pulse(), {
      kpiId: kpi.id,
      name: 'Revenue drop',
      condition: { kind: 'CHANGE', change: { direction: 'DOWN', bound: 0.2 } },
    });
    const miss = await createRule(pulse(), {
      kpiId: kpi.id,
      name: 'Revenue target miss',
      condition: { kind: 'TARGET_MISS' },
    });
    const anomaly = await createRule(pulse(), {
      kpiId: kpi.id,
      name: 'Revenue anomaly',
      condition: { kind: 'ANOMALY', anomaly: { periods: 5, k: 3 } },
    });
    for (const [day, value] of [100, 104, 98, 102, 100, 70].entries()) {
      await closeDay(pulse(), kpi.dbId, day, value);
    }
    const messages = async (id: string) =>
      (await eventsOf(pulse(), id)).map((event) => event.message);
    expect(await messages(change.id)).toEqual(['Revenue fell 30 % from 100 to 70, more than 20 %']);
    expect(await messages(miss.id)).toEqual([
      'Revenue 70 is 30 % off its target 100 (tolerance 10 %)',
    ]);
    // Trailing 100, 104, 98, 102, 100: median 100, MAD 2, band 100 ± 3 · 2.9652.
    expect(await messages(anomaly.id)).toEqual([
      'Revenue 70 is outside its usual range 91.1 to 108.9 (median 100 of the previous 5 periods)',
    ]);
  });

  it('lets the ALERTS role read rules and history but nothing else', async () => {
    const kpi = await insertKpi(pulse());
    const rule = await createRule(pulse(), { kpiId: kpi.id, condition: below3Percent });
    await closeDay(pulse(), kpi.dbId, 0, 0.02);
    const as = { role: Role.ALERTS };
    const rules = await pulse().query<{ alertRule: { id: string } }>(
      'query ($id: ID!) { alertRule(id: $id) { id } }',
      { id: rule.id },
      as,
    );
    expect(rules.data!.alertRule.id).toBe(rule.id);
    const history = await pulse().query<{ alertHistory: { totalCount: number } }>(
      'query ($ruleIds: [ID!]) { alertHistory(filter: { ruleIds: $ruleIds }) { totalCount edges { node { type rule { name } } } } }',
      { ruleIds: [rule.id] },
      as,
    );
    expect(history.data!.alertHistory.totalCount).toBe(1);
    expectError(await pulse().query('{ customers(first: 1) { totalCount } }', {}, as), 'FORBIDDEN');
    expectError(await pulse().query('{ kpis(first: 1) { totalCount } }', {}, as), 'FORBIDDEN');
    expectError(
      await pulse().query(
        'mutation ($input: AcknowledgeAlertInput!) { acknowledgeAlert(input: $input) { event { id } } }',
        { input: { ruleId: rule.id } },
        as,
      ),
      'FORBIDDEN',
    );
    expectError(
      await pulse().query(
        'mutation ($input: CreateAlertRuleInput!) { createAlertRule(input: $input) { alertRule { id } } }',
        {
          input: { kpiId: kpi.id, name: 'x', severity: 'INFO', condition: { kind: 'TARGET_MISS' } },
        },
        as,
      ),
      'FORBIDDEN',
    );
  });

  describe('webhook URL', () => {
    // An incoming-webhook URL is its own password: whoever reads it can post into the channel.
    const URL = 'https://hooks.slack.com/services/T0001/B0002/s3cr3tT0k3n?token=abc#frag';
    const READ = `
      query ($id: ID!, $kpiIds: [ID!]) {
        alertRule(id: $id) { webhookUrl hasWebhook hasWebhookSecret }
        alertRules(filter: { kpiIds: $kpiIds }) { edges { node { webhookUrl hasWebhook } } }
        alertHistory(filter: { kpiIds: $kpiIds }) { edges { node { rule { webhookUrl hasWebhook } } } }
      }`;
    const NODE =
      'query ($id: ID!) { node(id: $id) { ... on AlertRule { webhookUrl hasWebhook } } }';
    let rule: RuleView;
    let kpi: { id: string; dbId: number };

    beforeAll(async () => {
      kpi = await insertKpi(pulse());
      rule = await createRule(pulse(), {
        kpiId: kpi.id,
        condition: below3Percent,
        webhookUrl: URL,
        webhookSecret: 'a-secret-of-16-chars',
      });
      await closeDay(pulse(), kpi.dbId, 0, 0.02);
    });

    const seen = (url: string | null) => ({
      alertRule: { webhookUrl: url, hasWebhook: true, hasWebhookSecret: true },
      alertRules: { edges: [{ node: { webhookUrl: url, hasWebhook: true } }] },
      alertHistory: { edges: [{ node: { rule: { webhookUrl: url, hasWebhook: true } } }] },
    });

    it.each([Role.ADMIN, Role.ANALYST])(
      'shows %s, who may write rules, the whole URL',
      async (role) => {
        const response = await pulse().query(READ, { id: rule.id, kpiIds: [kpi.id] }, { role });
        expect(response.errors).toBeUndefined();
        expect(response.data).toEqual(seen(URL));
        const node = await pulse().query(NODE, { id: rule.id }, { role });
        expect(node.data).toEqual({ node: { webhookUrl: URL, hasWebhook: true } });
      },
    );

    it.each([Role.PARTNER, Role.ALERTS])(
      'hides the URL from %s, saying only that there is one',
      async (role) => {
        const response = await pulse().query(READ, { id: rule.id, kpiIds: [kpi.id] }, { role });
        expect(response.errors).toBeUndefined();
        expect(response.data).toEqual(seen(null));
        expect(JSON.stringify(response.data)).not.toMatch(/slack|s3cr3t/);
      },
    );

    it('hides the URL from a PARTNER reading the rule through node(id)', async () => {
      const node = await pulse().query(NODE, { id: rule.id }, { role: Role.PARTNER });
      expect(node.errors).toBeUndefined();
      expect(node.data).toEqual({ node: { webhookUrl: null, hasWebhook: true } });
    });

    it('says a rule without a webhook has none, to every reader', async () => {
      const plain = await createRule(pulse(), {
        kpiId: kpi.id,
        name: 'No hook',
        condition: below3Percent,
      });
      for (const role of [Role.ADMIN, Role.PARTNER, Role.ALERTS]) {
        const response = await pulse().query(
          'query ($id: ID!) { alertRule(id: $id) { webhookUrl hasWebhook } }',
          { id: plain.id },
          { role },
        );
        expect(response.data).toEqual({ alertRule: { webhookUrl: null, hasWebhook: false } });
      }
    });
  });
});
