import { AlertRuleEntity } from '../../../src/alerts/alert-rule.entity';
import { toGlobalId } from '../../../src/graphql/global-id';
import { describeEachDialect } from '../support/dialects';
import { expectError } from '../support/expect-error';
import { closeDay, createRule, insertKpi, type RuleView } from './alert-support';

const CREATE = `mutation($input: CreateAlertRuleInput!) { createAlertRule(input: $input) { alertRule { id } } }`;
const UPDATE = `mutation($input: UpdateAlertRuleInput!) { updateAlertRule(input: $input) { alertRule { id } } }`;
const DELETE = `mutation($input: DeleteAlertRuleInput!) { deleteAlertRule(input: $input) { deletedId } }`;
const MUTE = `mutation($input: MuteAlertRuleInput!) { muteAlertRule(input: $input) { alertRule { id } } }`;
const ACK = `mutation($input: AcknowledgeAlertInput!) { acknowledgeAlert(input: $input) { event { id } } }`;

const threshold = { kind: 'THRESHOLD', threshold: { operator: 'ABOVE', value: 10 } };

describeEachDialect('alert rule errors', (pulse) => {
  let kpi: { id: string; dbId: number };
  let rule: RuleView;

  beforeAll(async () => {
    kpi = await insertKpi(pulse());
    rule = await createRule(pulse(), { kpiId: kpi.id, condition: threshold });
  });

  const unknownRule = toGlobalId('AlertRule', 999_999);
  const ruleNamesOf = async (kpiId: number) =>
    (
      await pulse()
        .app.db.getRepository(AlertRuleEntity)
        .find({ where: { kpiId }, order: { id: 'ASC' } })
    ).map(({ name, version }) => ({ name, version }));

  it.each([
    ['an unknown KPI', { kpiId: toGlobalId('Kpi', 999_999) }, 'NOT_FOUND', 'input.kpiId'],
    [
      'a KPI id of another type',
      { kpiId: toGlobalId('Segment', 1) },
      'BAD_USER_INPUT',
      'input.kpiId',
    ],
    ['an empty name', { name: '' }, 'BAD_USER_INPUT', 'input.name'],
    [
      'THRESHOLD without its parameters',
      { condition: { kind: 'THRESHOLD' } },
      'BAD_USER_INPUT',
      'input.condition.threshold',
    ],
    [
      'THRESHOLD with CHANGE parameters',
      { condition: { ...threshold, change: { direction: 'UP', bound: 0.1 } } },
      'BAD_USER_INPUT',
      'input.condition.change',
    ],
    [
      'TARGET_MISS with ANOMALY parameters',
      { condition: { kind: 'TARGET_MISS', anomaly: { periods: 5, k: 3 } } },
      'BAD_USER_INPUT',
      'input.condition.anomaly',
    ],
    [
      'a CHANGE bound of 0',
      { condition: { kind: 'CHANGE', change: { direction: 'UP', bound: 0 } } },
      'BAD_USER_INPUT',
      'input.condition.change.bound',
    ],
    [
      'an ANOMALY over 2 periods',
      { condition: { kind: 'ANOMALY', anomaly: { periods: 2, k: 3 } } },
      'BAD_USER_INPUT',
      'input.condition.anomaly.periods',
    ],
    [
      'an ANOMALY with k = 0',
      { condition: { kind: 'ANOMALY', anomaly: { periods: 5, k: 0 } } },
      'BAD_USER_INPUT',
      'input.condition.anomaly.k',
    ],
    ['for = 0', { for: 0 }, 'BAD_USER_INPUT', 'input.for'],
    ['a negative hysteresis', { hysteresis: -1 }, 'BAD_USER_INPUT', 'input.hysteresis'],
    [
      'an ANOMALY whose hysteresis equals k',
      { condition: { kind: 'ANOMALY', anomaly: { periods: 5, k: 2 } }, hysteresis: 2 },
      'BAD_USER_INPUT',
      'input.hysteresis',
    ],
    [
      'an ANOMALY whose hysteresis is above k',
      { condition: { kind: 'ANOMALY', anomaly: { periods: 5, k: 2 } }, hysteresis: 2.5 },
      'BAD_USER_INPUT',
      'input.hysteresis',
    ],
    [
      'a CHANGE in EITHER direction whose hysteresis is not below its bound',
      {
        condition: { kind: 'CHANGE', change: { direction: 'EITHER', bound: 0.2 } },
        hysteresis: 0.2,
      },
      'BAD_USER_INPUT',
      'input.hysteresis',
    ],
    [
      'an ftp webhook URL',
      { webhookUrl: 'ftp://example.com/x' },
      'BAD_USER_INPUT',
      'input.webhookUrl',
    ],
    ['a short webhook secret', { webhookSecret: 'short' }, 'BAD_USER_INPUT', 'input.webhookSecret'],
  ])('refuses a rule with %s', async (_case, change, code, field) => {
    const input = {
      kpiId: kpi.id,
      name: 'bad',
      severity: 'INFO',
      condition: threshold,
      ...change,
    };
    const response = await pulse().query(CREATE, { input });
    expectError(response, code, field);
    expect(response.data?.createAlertRule ?? null).toBeNull();
  });

  it.each([
    [
      'an update of an unknown rule',
      UPDATE,
      () => ({ id: unknownRule, version: 1 }),
      'NOT_FOUND',
      'input.id',
    ],
    [
      'an update at a stale version',
      UPDATE,
      () => ({ id: rule.id, version: 7 }),
      'CONFLICT',
      'input.version',
    ],
    ['a delete of an unknown rule', DELETE, () => ({ id: unknownRule }), 'NOT_FOUND', 'input.id'],
    [
      'a mute until a past instant',
      MUTE,
      () => ({ ruleId: rule.id, until: '2020-01-01T00:00:00.000Z' }),
      'BAD_USER_INPUT',
      'input.until',
    ],
    [
      'an acknowledgement of an OK rule',
      ACK,
      () => ({ ruleId: rule.id }),
      'CONFLICT',
      'input.ruleId',
    ],
    [
      'an acknowledgement of an unknown rule',
      ACK,
      () => ({ ruleId: unknownRule }),
      'NOT_FOUND',
      'input.ruleId',
    ],
  ])('refuses %s', async (_case, mutation, input, code, field) => {
    expectError(await pulse().query(mutation, { input: input() }), code, field);
  });

  it.each([
    'http://127.0.0.1:4000/graphql',
    'http://localhost:4000/graphql',
    'http://LOCALHOST./x',
    'http://api.localhost/x',
    'http://2130706433/x',
    'http://[::1]/x',
    'http://[::ffff:127.0.0.1]/x',
    'http://169.254.169.254/latest/meta-data/',
    'http://10.1.2.3/x',
    'https://172.16.0.1/x',
    'http://192.168.1.1/x',
    'http://[fd00::1]/x',
    'http://[fe80::1]/x',
    'http://0.0.0.0:4000/x',
    'http://224.0.0.1/x',
  ])('refuses a rule whose webhook URL is at a non-public address: %s', async (webhookUrl) => {
    const response = await pulse().query(CREATE, {
      input: {
        kpiId: kpi.id,
        name: 'internal',
        severity: 'INFO',
        condition: threshold,
        webhookUrl,
      },
    });
    expectError(response, 'BAD_USER_INPUT', 'input.webhookUrl');
    expect(response.data?.createAlertRule ?? null).toBeNull();
  });

  it('explains why a webhook URL at the cloud metadata address is refused', async () => {
    const response = await pulse().query(CREATE, {
      input: {
        kpiId: kpi.id,
        name: 'metadata',
        severity: 'INFO',
        condition: threshold,
        webhookUrl: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
      },
    });
    expectError(response, 'BAD_USER_INPUT', 'input.webhookUrl');
    expect(response.errors?.[0]?.message).toBe(
      'webhookUrl must not point at a link-local address (169.254.169.254): webhooks go to ' +
        'public addresses unless PULSE_WEBHOOK_ALLOWED_NETWORKS allows others',
    );
  });

  it.each(['http://127.0.0.1:4000/graphql', 'http://localhost/x', 'http://[::1]/x'])(
    'refuses an update pointing the webhook at %s, changing nothing',
    async (webhookUrl) => {
      const response = await pulse().query(UPDATE, {
        input: { id: rule.id, version: 1, webhookUrl },
      });
      expectError(response, 'BAD_USER_INPUT', 'input.webhookUrl');
      expect((await ruleNamesOf(kpi.dbId))[0]).toEqual({ name: rule.name, version: 1 });
    },
  );

  it.each(['name', 'severity', 'for', 'hysteresis'])(
    'refuses an update setting %s to null with BAD_USER_INPUT, changing nothing',
    async (key) => {
      const response = await pulse().query(UPDATE, {
        input: { id: rule.id, version: 1, [key]: null },
      });
      expectError(response, 'BAD_USER_INPUT', `input.${key}`);
      expect((await ruleNamesOf(kpi.dbId))[0]).toEqual({ name: rule.name, version: 1 });
    },
  );

  it('explains why an ANOMALY hysteresis of k or more is refused: the rule could never resolve', async () => {
    const response = await pulse().query(CREATE, {
      input: {
        kpiId: kpi.id,
        name: 'never resolves',
        severity: 'INFO',
        condition: { kind: 'ANOMALY', anomaly: { periods: 5, k: 3 } },
        hysteresis: 4,
      },
    });
    expectError(response, 'BAD_USER_INPUT', 'input.hysteresis');
    expect(response.errors?.[0]?.message).toBe(
      'hysteresis must be below k (3), got 4: a firing ANOMALY rule resolves once the value is ' +
        'at most k − hysteresis scaled MADs from the median, and that distance is never negative',
    );
  });

  it('refuses updates that leave hysteresis at or above an ANOMALY k, whichever of the two changes, changing nothing', async () => {
    const anomaly = (k: number) => ({ kind: 'ANOMALY', anomaly: { periods: 5, k } });
    const created = await createRule(pulse(), {
      kpiId: kpi.id,
      name: 'Anomaly with margin',
      condition: anomaly(3),
      hysteresis: 1,
    });
    const stored = async () =>
      (
        await pulse()
          .app.db.getRepository(AlertRuleEntity)
          .findOneByOrFail({ name: 'Anomaly with margin', kpiId: kpi.dbId })
      ).version;
    for (const change of [
      { hysteresis: 3 },
      { condition: anomaly(1) },
      { condition: anomaly(0.5), hysteresis: 0.5 },
    ]) {
      const response = await pulse().query(UPDATE, {
        input: { id: created.id, version: 1, ...change },
      });
      expectError(response, 'BAD_USER_INPUT', 'input.hysteresis');
      expect(await stored()).toBe(1);
    }
    // A THRESHOLD rule's margin has no such bound; becoming an ANOMALY with it does.
    const threshold5 = await createRule(pulse(), {
      kpiId: kpi.id,
      name: 'Wide threshold margin',
      condition: threshold,
      hysteresis: 5,
    });
    expectError(
      await pulse().query(UPDATE, {
        input: { id: threshold5.id, version: 1, condition: anomaly(5) },
      }),
      'BAD_USER_INPUT',
      'input.hysteresis',
    );
    // Within the bound, either change is taken.
    const ok = await pulse().query(UPDATE, {
      input: { id: created.id, version: 1, condition: anomaly(1.5) },
    });
    expect(ok.errors).toBeUndefined();
    expect(
      (await pulse().query(UPDATE, { input: { id: created.id, version: 2, hysteresis: 1.4 } }))
        .errors,
    ).toBeUndefined();
  });

  it.each([
    ['a CHANGE UP', { kind: 'CHANGE', change: { direction: 'UP', bound: 0.1 } }, 0.3],
    ['a CHANGE DOWN', { kind: 'CHANGE', change: { direction: 'DOWN', bound: 0.1 } }, 0.1],
    ['a TARGET_MISS', { kind: 'TARGET_MISS' }, 1],
  ])(
    'takes %s rule whose hysteresis is not below its limit: its measure falls below zero',
    async (kind, condition, hysteresis) => {
      await createRule(pulse(), { kpiId: kpi.id, name: `margin ${kind}`, condition, hysteresis });
    },
  );

  it('refuses a name taken on the KPI, in any case, with CONFLICT, on create and on rename, writing nothing', async () => {
    const input = { kpiId: kpi.id, severity: 'INFO', condition: threshold };
    const other = await createRule(pulse(), { ...input, name: 'Other rule' });
    const before = await ruleNamesOf(kpi.dbId);

    expectError(
      await pulse().query(CREATE, { input: { ...input, name: rule.name as string } }),
      'CONFLICT',
      'input.name',
    );
    expectError(
      await pulse().query(UPDATE, { input: { id: other.id, version: 1, name: rule.name } }),
      'CONFLICT',
      'input.name',
    );
    // Whatever the case, on SQLite as on MySQL.
    expectError(
      await pulse().query(CREATE, {
        input: { ...input, name: (rule.name as string).toUpperCase() },
      }),
      'CONFLICT',
      'input.name',
    );
    expect(await ruleNamesOf(kpi.dbId)).toEqual(before);
    // The same name on another KPI is a different rule.
    const elsewhere = await insertKpi(pulse());
    await createRule(pulse(), { ...input, kpiId: elsewhere.id, name: rule.name });
  });

  it('refuses to acknowledge an alert twice with CONFLICT', async () => {
    const firing = await createRule(pulse(), {
      kpiId: kpi.id,
      name: 'Acknowledged once',
      condition: threshold,
    });
    await closeDay(pulse(), kpi.dbId, 0, 11);
    expect((await pulse().query(ACK, { input: { ruleId: firing.id } })).errors).toBeUndefined();
    expectError(
      await pulse().query(ACK, { input: { ruleId: firing.id } }),
      'CONFLICT',
      'input.ruleId',
    );
  });

  it('refuses an unknown rule id and a bad history cursor', async () => {
    expectError(
      await pulse().query('query($id: ID!) { alertRule(id: $id) { id } }', { id: unknownRule }),
      'NOT_FOUND',
      'id',
    );
    expectError(
      await pulse().query('{ alertHistory(after: "nope") { totalCount } }'),
      'BAD_USER_INPUT',
      'after',
    );
  });
});
