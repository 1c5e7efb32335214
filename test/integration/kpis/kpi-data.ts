import type { DataSource } from 'typeorm';
import { insertSkippingDuplicates, sqlInstant } from '../../../src/db/dialect';
import type { Metric } from '../../../src/kpis/metrics';
import type { PeriodSpan } from '../../../src/kpis/periods';
import { seededRandom } from '../support/segment-data';
import { insertOrderRows } from '../support/factories';
import type { TestPulse } from '../support/start-pulse';

const DAY = 86_400_000;

export interface KpiTestData {
  customers: Array<{ id: number; country: string; signedUpAt: Date; deleted: boolean }>;
  interactions: Array<{
    customerId: number;
    channel: string;
    type: string;
    at: Date;
    score: number | null;
    survey: string | null;
  }>;
  orders: Array<{ customerId: number; at: Date; amount: number; status: string }>;
}

const TYPES: Array<[string, string]> = [
  ['WEB', 'product_view'],
  ['WEB', 'purchase'],
  ['EMAIL', 'email_sent'],
  ['EMAIL', 'email_click'],
  ['SURVEY', 'survey_response'],
  ['SUPPORT', 'support_ticket'],
];

/** Customers, interactions and orders over the `days` before `now`, inserted in bulk. */
export async function generateKpiData(
  db: DataSource,
  seed: number,
  count: number,
  now: Date,
  days: number,
): Promise<KpiTestData> {
  const random = seededRandom(seed);
  const int = (n: number) => Math.floor(random() * n);
  const past = () => new Date(now.getTime() - random() * days * DAY);
  const at = (date: Date) => sqlInstant(db, date);
  const drafts = Array.from({ length: count }, (_, i) => ({
    externalId: `kpi-${seed}-${i}`,
    country: ['GB', 'FR', 'DE'][int(3)],
    signedUpAt: past(),
    deleted: random() < 0.05,
  }));
  await insertSkippingDuplicates(
    db.manager,
    'customers',
    ['external_id', 'country', 'signed_up_at', 'created_at', 'updated_at', 'deleted_at', 'version'],
    drafts.map((c) => [
      c.externalId,
      c.country,
      at(c.signedUpAt),
      at(now),
      at(now),
      c.deleted ? at(now) : null,
      1,
    ]),
  );
  const rows: Array<{ id: number; external_id: string }> = await db.query(
    'SELECT id, external_id FROM customers WHERE external_id LIKE ?',
    [`kpi-${seed}-%`],
  );
  const idOf = new Map(rows.map((row) => [row.external_id, Number(row.id)]));
  const customers = drafts.map((c) => ({ ...c, id: idOf.get(c.externalId) as number }));
  const data: KpiTestData = { customers, interactions: [], orders: [] };
  for (const customer of customers) {
    for (let n = int(25); n > 0; n -= 1) {
      const [channel, type] = TYPES[int(TYPES.length)];
      const survey = type === 'survey_response' ? (random() < 0.5 ? 'csat' : 'nps') : null;
      const score = survey === 'csat' ? 1 + int(5) : survey === 'nps' ? int(11) : null;
      data.interactions.push({ customerId: customer.id, channel, type, at: past(), score, survey });
    }
    for (let n = int(4); n > 0; n -= 1) {
      const status = random() < 0.8 ? 'PAID' : 'REFUNDED';
      data.orders.push({
        customerId: customer.id,
        at: past(),
        amount: (1000 + int(20000)) / 100,
        status,
      });
    }
  }
  let event = 0;
  await insertSkippingDuplicates(
    db.manager,
    'interactions',
    [
      'customer_id',
      'channel',
      'type',
      'occurred_at',
      'score',
      'properties',
      'client_event_id',
      'created_at',
    ],
    data.interactions.map((i) => [
      i.customerId,
      i.channel,
      i.type,
      at(i.at),
      i.score,
      i.survey ? JSON.stringify({ survey: i.survey }) : null,
      `kpi-${seed}-event-${(event += 1)}`,
      at(now),
    ]),
  );
  await insertOrderRows(
    db.manager,
    data.orders.map((o) => ({
      customerId: o.customerId,
      clientOrderId: `kpi-${seed}-order-${(event += 1)}`,
      orderedAt: at(o.at),
      amount: o.amount,
      status: o.status,
      writtenAt: at(now),
    })),
  );

  return data;
}

/**
 * The metric computed in JavaScript from the generated rows, straight from the README's
 * definitions (independent of the SQL): [numerator, denominator] of one span.
 */
export function referenceFigures(
  data: KpiTestData,
  metric: Metric,
  span: PeriodSpan,
  previous: PeriodSpan,
  country?: string,
): [number, number | null] {
  const live = new Set(
    data.customers
      .filter((c) => !c.deleted && (!country || c.country === country))
      .map((c) => c.id),
  );
  const within = (at: Date, s: PeriodSpan) => at >= s.start && at < s.end;
  const events = (s: PeriodSpan) =>
    data.interactions.filter((i) => live.has(i.customerId) && within(i.at, s));
  const paid = data.orders.filter(
    (o) => live.has(o.customerId) && o.status === 'PAID' && within(o.at, span),
  );
  const now = events(span);
  const count = (pred: (i: KpiTestData['interactions'][number]) => boolean) =>
    now.filter(pred).length;
  const who = (list: Array<{ customerId: number }>) => new Set(list.map((x) => x.customerId));
  const rate = (base: Set<number>, hit: (id: number) => boolean): [number, number] => [
    [...base].filter(hit).length,
    base.size,
  ];
  switch (metric) {
    case 'REVENUE':
      return [paid.reduce((s, o) => s + o.amount, 0), null];
    case 'ORDERS':
      return [paid.length, null];
    case 'AVERAGE_ORDER_VALUE':
      return [paid.reduce((s, o) => s + o.amount, 0), paid.length];
    case 'ACTIVE_CUSTOMERS':
      return [who(now).size, null];
    case 'NEW_CUSTOMERS':
      return [
        data.customers.filter((c) => live.has(c.id) && within(c.signedUpAt, span)).length,
        null,
      ];
    case 'CONVERSION_RATE': {
      const to = who(now.filter((i) => i.type === 'purchase'));

      return rate(who(now.filter((i) => i.type === 'product_view')), (id) => to.has(id));
    }
    case 'REPEAT_PURCHASE_RATE':
      return rate(who(paid), (id) => paid.filter((o) => o.customerId === id).length >= 2);
    case 'RETENTION_RATE':
    case 'CHURN_RATE': {
      const active = who(now);

      return rate(who(events(previous)), (id) => active.has(id));
    }
    case 'ENGAGEMENT_RATE':
      return [count((i) => i.type === 'email_click'), count((i) => i.type === 'email_sent')];
    case 'CSAT':
      return [
        count((i) => i.survey === 'csat' && (i.score as number) >= 4),
        count((i) => i.survey === 'csat'),
      ];
    case 'NPS':
      return [
        count((i) => i.survey === 'nps' && (i.score as number) >= 9) -
          count((i) => i.survey === 'nps' && (i.score as number) <= 6),
        count((i) => i.survey === 'nps'),
      ];
    case 'SUPPORT_TICKETS_PER_CUSTOMER':
      return [count((i) => i.type === 'support_ticket'), who(now).size];
    default:
      throw new Error(`no reference for ${metric}`);
  }
}

/** Custom metric definitions the tests create, by KPI key. */
export const CUSTOM: Record<string, Record<string, unknown>> = {
  email_clicks: {
    numerator: {
      source: 'INTERACTIONS',
      fn: 'COUNT',
      filter: { channel: 'EMAIL', types: ['email_click'] },
    },
  },
  average_order: {
    numerator: {
      source: 'ORDERS',
      fn: 'AVG',
      field: 'amount',
      filter: { statuses: ['PAID', 'REFUNDED'] },
    },
  },
  buyers_per_viewer: {
    numerator: {
      source: 'INTERACTIONS',
      fn: 'DISTINCT_CUSTOMERS',
      filter: { types: ['purchase'] },
    },
    denominator: {
      source: 'INTERACTIONS',
      fn: 'DISTINCT_CUSTOMERS',
      filter: { types: ['product_view'] },
    },
  },
  nps_score_sum: {
    numerator: {
      source: 'INTERACTIONS',
      fn: 'SUM',
      field: 'score',
      filter: { property: { path: '$.survey', equals: 'nps' } },
    },
  },
  refunds_per_ticket: {
    numerator: { source: 'ORDERS', fn: 'COUNT', filter: { statuses: ['REFUNDED'] } },
    denominator: { source: 'INTERACTIONS', fn: 'COUNT', filter: { types: ['support_ticket'] } },
  },
};

/** [numerator, denominator] of the CUSTOM definitions above, computed in JavaScript. */
export function customReference(
  data: KpiTestData,
  key: string,
  span: PeriodSpan,
): [number, number | null] {
  const live = new Set(data.customers.filter((c) => !c.deleted).map((c) => c.id));
  const within = (at: Date) => at >= span.start && at < span.end;
  const events = data.interactions.filter((i) => live.has(i.customerId) && within(i.at));
  const orders = data.orders.filter((o) => live.has(o.customerId) && within(o.at));
  const buyers = (type: string) =>
    new Set(events.filter((i) => i.type === type).map((i) => i.customerId)).size;
  switch (key) {
    case 'email_clicks':
      return [events.filter((i) => i.channel === 'EMAIL' && i.type === 'email_click').length, null];
    case 'average_order':
      return [orders.reduce((s, o) => s + o.amount, 0), orders.length];
    case 'buyers_per_viewer':
      return [buyers('purchase'), buyers('product_view')];
    case 'nps_score_sum':
      return [
        events.filter((i) => i.survey === 'nps').reduce((s, i) => s + (i.score as number), 0),
        null,
      ];
    case 'refunds_per_ticket':
      return [
        orders.filter((o) => o.status === 'REFUNDED').length,
        events.filter((i) => i.type === 'support_ticket').length,
      ];
    default:
      throw new Error(`no reference for ${key}`);
  }
}

const CREATE = `mutation Create($input: CreateKpiInput!) { createKpi(input: $input) { kpi { id } } }`;

/** Creates a KPI through the API and returns its global id; a refusal fails the test. */
export async function createKpi(pulse: TestPulse, input: Record<string, unknown>): Promise<string> {
  const response = await pulse.query<{ createKpi: { kpi: { id: string } } }>(CREATE, { input });
  if (!response.data) {
    throw new Error(JSON.stringify(response.errors));
  }

  return response.data.createKpi.kpi.id;
}
