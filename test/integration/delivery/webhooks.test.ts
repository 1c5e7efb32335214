import { createHmac } from 'node:crypto';
import { Role } from '../../../src/auth/principal';
import type { AlertEventRecord } from '../../../src/alerts/alert.service';
import { WebhookDispatcher } from '../../../src/alerts/webhook-dispatcher';
import { toGlobalId } from '../../../src/graphql/global-id';
import { createAlertBurst } from '../../support/alert-burst';
import { describeEachDialect } from '../support/dialects';
import { expectError } from '../support/expect-error';
import type { TestPulse } from '../support/start-pulse';
import { insertKpi } from '../alerts/alert-support';
import { startReceiver, type Receiver } from './support/receiver';

const DELIVERIES = `query($filter: WebhookDeliveryFilter, $first: Int, $after: String) {
  webhookDeliveries(filter: $filter, first: $first, after: $after) {
    totalCount
    edges { node { id eventId ruleId url status attempts lastStatusCode lastError deliveredAt } }
    pageInfo { hasNextPage endCursor }
  } }`;

interface Delivery {
  id: string;
  eventId: string;
  ruleId: string;
  url: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: string | null;
}

type DeliveriesData = {
  webhookDeliveries: {
    totalCount: number;
    edges: Array<{ node: Delivery }>;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
};

const SECRET = 'It is a secret to everybody';
// Event ids only need to be unique per database: the delivery log keys on them.
let nextEventId = 1000;

function alertEvent(
  url: string | null,
  overrides: Partial<AlertEventRecord> = {},
): AlertEventRecord {
  nextEventId += 1;

  return {
    id: nextEventId,
    ruleId: 7,
    kpiId: 3,
    type: 'FIRED',
    severity: 'CRITICAL',
    periodStart: new Date('2026-03-01T00:00:00.000Z'),
    value: 0.42,
    message: 'Conversion rate 42.0 % is below 50.0 %',
    occurredAt: new Date('2026-03-02T00:00:05.000Z'),
    webhookUrl: url,
    webhookSecret: SECRET,
    ...overrides,
  };
}

async function deliveryOf(pulse: TestPulse, eventId: number): Promise<Delivery | undefined> {
  const response = await pulse.query<DeliveriesData>(DELIVERIES, {
    filter: { eventId: toGlobalId('AlertEvent', eventId) },
  });
  expect(response.errors).toBeUndefined();

  return response.data!.webhookDeliveries.edges[0]?.node;
}

/** Polls the delivery log until the delivery of `eventId` is no longer PENDING. */
async function settledDelivery(pulse: TestPulse, eventId: number, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const delivery = await deliveryOf(pulse, eventId);
    if (delivery && delivery.status !== 'PENDING') {
      return delivery;
    }
    if (Date.now() > deadline) {
      throw new Error(`delivery of event ${eventId} still ${JSON.stringify(delivery)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describeEachDialect(
  'alert webhooks',
  (pulse) => {
    const receivers: Receiver[] = [];

    async function receiver(...args: Parameters<typeof startReceiver>): Promise<Receiver> {
      const started = await startReceiver(...args);
      receivers.push(started);

      return started;
    }

    afterAll(async () => {
      await Promise.all(receivers.map((each) => each.close()));
    });

    it('POSTs the event as JSON signed with HMAC-SHA256 of the raw body under the rule secret', async () => {
      const hook = await receiver();
      const event = alertEvent(hook.url);
      await pulse().app.services.webhooks.enqueue([event]);
      const [request] = await hook.waitFor(1);

      const expected = createHmac('sha256', SECRET).update(request.body).digest('hex');
      expect(request.headers['x-pulse-signature']).toBe(`sha256=${expected}`);
      expect(request.headers['x-pulse-event-id']).toBe(toGlobalId('AlertEvent', event.id));
      expect(request.headers['content-type']).toBe('application/json');
      expect(JSON.parse(request.body)).toEqual({
        event: {
          id: toGlobalId('AlertEvent', event.id),
          type: 'FIRED',
          severity: 'CRITICAL',
          message: 'Conversion rate 42.0 % is below 50.0 %',
          periodStart: '2026-03-01T00:00:00.000Z',
          occurredAt: '2026-03-02T00:00:05.000Z',
        },
        rule: { id: toGlobalId('AlertRule', 7) },
        kpi: { id: toGlobalId('Kpi', 3), value: 0.42 },
      });
      expect(await settledDelivery(pulse(), event.id)).toMatchObject({
        eventId: toGlobalId('AlertEvent', event.id),
        ruleId: toGlobalId('AlertRule', 7),
        url: hook.url,
        status: 'DELIVERED',
        attempts: 1,
        lastStatusCode: 200,
        lastError: null,
      });
    });

    it('sends no signature header when the rule has no secret', async () => {
      const hook = await receiver();
      await pulse().app.services.webhooks.enqueue([alertEvent(hook.url, { webhookSecret: null })]);
      const [request] = await hook.waitFor(1);

      expect(request.headers['x-pulse-signature']).toBeUndefined();
    });

    it('stores no delivery for an event whose rule has no webhook URL', async () => {
      const event = alertEvent(null);
      await pulse().app.services.webhooks.enqueue([event]);

      expect(await deliveryOf(pulse(), event.id)).toBeUndefined();
    });

    it('retries a receiver that fails twice after about 1 s and 2 s, then records DELIVERED after 3 attempts', async () => {
      const hook = await receiver((n, response) => {
        response.statusCode = n <= 2 ? 500 : 204;
        response.end();
      });
      const event = alertEvent(hook.url);
      await pulse().app.services.webhooks.enqueue([event]);
      const requests = await hook.waitFor(3, 15_000);

      // The same bytes and signature every time, so a receiver can deduplicate on either.
      expect(new Set(requests.map((request) => request.body)).size).toBe(1);
      expect(new Set(requests.map((r) => r.headers['x-pulse-signature'])).size).toBe(1);
      // 1 s and 2 s, each scaled by the jitter factor 0.8–1.2.
      expect(requests[1].receivedAt - requests[0].receivedAt).toBeGreaterThanOrEqual(800);
      expect(requests[2].receivedAt - requests[1].receivedAt).toBeGreaterThanOrEqual(1600);
      expect(await settledDelivery(pulse(), event.id)).toMatchObject({
        status: 'DELIVERED',
        attempts: 3,
        lastStatusCode: 204,
        lastError: null,
      });
    }, 20_000);

    it('gives up as FAILED after PULSE_WEBHOOK_MAX_ATTEMPTS failed attempts', async () => {
      const hook = await receiver((_n, response) => {
        response.statusCode = 503;
        response.end();
      });
      const event = alertEvent(hook.url);
      await pulse().app.services.webhooks.enqueue([event]);
      const delivery = await settledDelivery(pulse(), event.id);

      expect(delivery).toMatchObject({
        status: 'FAILED',
        attempts: 3,
        lastStatusCode: 503,
        lastError: 'HTTP 503',
        deliveredAt: null,
      });
      // No fourth attempt follows.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(hook.requests).toHaveLength(3);
    }, 20_000);

    it('records a receiver that cannot be reached as a network error', async () => {
      const gone = await receiver();
      await gone.close();
      const event = alertEvent(gone.url);
      await pulse().app.services.webhooks.enqueue([event]);

      expect(await settledDelivery(pulse(), event.id)).toMatchObject({
        status: 'FAILED',
        attempts: 3,
        lastStatusCode: null,
        lastError: 'ECONNREFUSED',
      });
    }, 20_000);

    it('answers a redirect as a failure and never follows it', async () => {
      const elsewhere = await receiver();
      const hook = await receiver((_n, response) => {
        response.statusCode = 307;
        response.setHeader('location', elsewhere.url);
        response.end();
      });
      const event = alertEvent(hook.url);
      await pulse().app.services.webhooks.enqueue([event]);

      expect(await settledDelivery(pulse(), event.id)).toMatchObject({
        status: 'FAILED',
        attempts: 3,
        lastStatusCode: 307,
        lastError: 'HTTP 307',
      });
      expect(elsewhere.requests).toHaveLength(0);
    }, 20_000);

    it('accepts a rule whose webhook is in PULSE_WEBHOOK_ALLOWED_NETWORKS', async () => {
      const hook = await receiver();
      const kpi = await insertKpi(pulse());
      const response = await pulse().query<{
        createAlertRule: { alertRule: { webhookUrl: string } };
      }>(
        `mutation($input: CreateAlertRuleInput!) {
          createAlertRule(input: $input) { alertRule { webhookUrl } } }`,
        {
          input: {
            kpiId: kpi.id,
            name: 'in-cluster receiver',
            severity: 'INFO',
            condition: { kind: 'THRESHOLD', threshold: { operator: 'ABOVE', value: 10 } },
            webhookUrl: hook.url,
          },
        },
      );

      expect(response.errors).toBeUndefined();
      expect(response.data!.createAlertRule.alertRule.webhookUrl).toBe(hook.url);
    });

    it('returns from the hand-over at once while the receiver hangs', async () => {
      const hook = await receiver(() => undefined);
      const event = alertEvent(hook.url);
      const started = Date.now();
      await pulse().app.services.webhooks.enqueue([event]);
      const handOverMs = Date.now() - started;
      await hook.waitFor(1);

      expect(handOverMs).toBeLessThan(500);
      expect(await deliveryOf(pulse(), event.id)).toMatchObject({ status: 'PENDING', attempts: 1 });
    });

    it('finishes an evaluation whose 20 firing rules have a hanging webhook without waiting for it', async () => {
      const hook = await receiver(() => undefined);
      const burst = await createAlertBurst(pulse().app.services, 20, {
        url: hook.url,
        secret: SECRET,
      });
      const started = Date.now();
      await burst.evaluate(100);
      const evaluationMs = Date.now() - started;
      const requests = await hook.waitFor(20);

      // Waiting for one hanging POST would take its 5 s timeout.
      expect(evaluationMs).toBeLessThan(2500);
      const bodies = requests.map((request) => JSON.parse(request.body));
      expect(new Set(bodies.map((body) => body.rule.id))).toEqual(
        new Set(burst.ruleIds.map((id) => toGlobalId('AlertRule', id))),
      );
      expect(bodies[0]).toMatchObject({
        event: { type: 'FIRED', severity: 'WARNING', periodStart: '2020-01-01T00:00:00.000Z' },
        kpi: { id: toGlobalId('Kpi', burst.kpiId), value: 100 },
      });
      for (const request of requests) {
        const expected = createHmac('sha256', SECRET).update(request.body).digest('hex');
        expect(request.headers['x-pulse-signature']).toBe(`sha256=${expected}`);
      }
    });

    it('stores and sends an event handed over twice once', async () => {
      const hook = await receiver();
      const event = alertEvent(hook.url);
      await pulse().app.services.webhooks.enqueue([event]);
      await pulse().app.services.webhooks.enqueue([event]);
      await settledDelivery(pulse(), event.id);
      await new Promise((resolve) => setTimeout(resolve, 1200));

      expect(hook.requests).toHaveLength(1);
    });

    it('sends each delivery once when two dispatchers share the database', async () => {
      const hook = await receiver();
      // A second instance's dispatcher, on the same database.
      const other = new WebhookDispatcher(pulse().app.db, {
        maxAttempts: 3,
        pollMs: 20,
        allowedNetworks: ['127.0.0.0/8'],
      });
      other.start();
      try {
        const events = Array.from({ length: 30 }, () => alertEvent(hook.url));
        await pulse().app.services.webhooks.enqueue(events);
        await hook.waitFor(30);
        await new Promise((resolve) => setTimeout(resolve, 1200));

        const ids = hook.requests.map((request) => request.headers['x-pulse-event-id']);
        expect(ids).toHaveLength(30);
        expect(new Set(ids).size).toBe(30);
      } finally {
        await other.stop();
      }
    });

    it('lists deliveries newest first, filtered by status and rule, page by page', async () => {
      const hook = await receiver();
      const events = [alertEvent(hook.url, { ruleId: 901 }), alertEvent(hook.url, { ruleId: 901 })];
      await pulse().app.services.webhooks.enqueue(events);
      await Promise.all(events.map((event) => settledDelivery(pulse(), event.id)));
      const filter = { ruleId: toGlobalId('AlertRule', 901), statuses: ['DELIVERED'] };
      const first = await pulse().query<DeliveriesData>(DELIVERIES, { filter, first: 1 });
      const second = await pulse().query<DeliveriesData>(DELIVERIES, {
        filter,
        first: 1,
        after: first.data!.webhookDeliveries.pageInfo.endCursor,
      });

      expect(first.data!.webhookDeliveries.totalCount).toBe(2);
      expect(first.data!.webhookDeliveries.pageInfo.hasNextPage).toBe(true);
      expect(
        [first, second].map((page) => page.data!.webhookDeliveries.edges[0].node.eventId),
      ).toEqual([toGlobalId('AlertEvent', events[1].id), toGlobalId('AlertEvent', events[0].id)]);
      expect(second.data!.webhookDeliveries.pageInfo.hasNextPage).toBe(false);
    });

    it('finds a delivery through node(id) for ADMIN', async () => {
      const hook = await receiver();
      const event = alertEvent(hook.url);
      await pulse().app.services.webhooks.enqueue([event]);
      const delivery = await settledDelivery(pulse(), event.id);
      const response = await pulse().query<{ node: { id: string; status: string } }>(
        'query($id: ID!) { node(id: $id) { id ... on WebhookDelivery { status } } }',
        { id: delivery.id },
      );

      expect(response.data!.node).toEqual({ id: delivery.id, status: 'DELIVERED' });
    });

    it('rejects a rule id of another type in the filter with BAD_USER_INPUT', async () => {
      const response = await pulse().query(DELIVERIES, {
        filter: { ruleId: toGlobalId('Customer', 1) },
      });

      expectError(response, 'BAD_USER_INPUT', 'filter.ruleId');
    });

    it.each([Role.ANALYST, Role.PARTNER, Role.ALERTS])(
      'refuses the %s role with FORBIDDEN, through webhookDeliveries and node',
      async (role) => {
        expectError(await pulse().query(DELIVERIES, {}, { role }), 'FORBIDDEN');
        const viaNode = await pulse().query(
          'query($id: ID!) { node(id: $id) { id } }',
          { id: toGlobalId('WebhookDelivery', 1) },
          { role },
        );
        expect(viaNode.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      },
    );
  },
  // The receivers listen on 127.0.0.1, which webhooks may reach only when allowed.
  { webhookMaxAttempts: 3, kpiEvaluationMinutes: 0, webhookAllowedNetworks: ['127.0.0.0/8'] },
);

describeEachDialect(
  'alert webhooks to non-public addresses, by default',
  (pulse) => {
    let hook: Receiver;

    beforeAll(async () => {
      hook = await startReceiver();
    });

    afterAll(async () => {
      await hook.close();
    });

    it('refuses at send time a host name that resolves to a loopback address: FAILED after one attempt, nothing sent', async () => {
      const event = alertEvent(hook.url.replace('127.0.0.1', 'localhost'));
      await pulse().app.services.webhooks.enqueue([event]);
      const delivery = await settledDelivery(pulse(), event.id);

      // A policy refusal is final: retrying would only meet it again.
      expect(delivery).toMatchObject({
        status: 'FAILED',
        attempts: 1,
        lastStatusCode: null,
        deliveredAt: null,
      });
      expect(delivery.lastError).toMatch(
        /^refused: localhost resolves to (127\.0\.0\.1|::1), a loopback address$/,
      );
      expect(hook.requests).toHaveLength(0);
    });

    it.each([
      ['the receiver', (url: string) => url, 'refused: 127.0.0.1 is a loopback address'],
      [
        'its IPv4-mapped IPv6 form',
        (url: string) => url.replace('127.0.0.1', '[::ffff:127.0.0.1]'),
        'refused: ::ffff:7f00:1 is a loopback address',
      ],
      [
        'the cloud metadata service',
        () => 'http://169.254.169.254/latest/meta-data/',
        'refused: 169.254.169.254 is a link-local address',
      ],
    ])(
      'refuses a delivery stored for a literal address of %s before sending anything',
      async (_case, url, lastError) => {
        const event = alertEvent(url(hook.url));
        await pulse().app.services.webhooks.enqueue([event]);

        expect(await settledDelivery(pulse(), event.id)).toMatchObject({
          status: 'FAILED',
          attempts: 1,
          lastStatusCode: null,
          lastError,
        });
        expect(hook.requests).toHaveLength(0);
      },
    );
  },
  { webhookMaxAttempts: 3, kpiEvaluationMinutes: 0 },
);
