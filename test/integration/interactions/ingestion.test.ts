import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importCsv } from '../../../src/imports/csv-import';
import { describeEachDialect } from '../support/dialects';
import { expectError } from '../support/expect-error';
import { createCustomers, unique } from '../support/factories';
import type { TestPulse } from '../support/start-pulse';

const INGEST_INTERACTIONS = `mutation Ingest($input: IngestInteractionsInput!) {
  ingestInteractions(input: $input) { accepted duplicates }
}`;
const INGEST_ORDERS = `mutation Ingest($input: IngestOrdersInput!) {
  ingestOrders(input: $input) { accepted duplicates statusUpdated }
}`;
const TIMELINE = `query Timeline($id: ID!, $channel: Channel, $type: String, $since: DateTimeISO,
                       $first: Int, $after: String) {
  customer(id: $id) {
    interactions(channel: $channel, type: $type, since: $since, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage endCursor }
      edges { node { id channel type occurredAt value score properties clientEventId
                     customer { id } } }
    }
  }
}`;
const ORDERS = `query Orders($id: ID!, $status: OrderStatus, $since: DateTimeISO, $first: Int,
                     $after: String) {
  customer(id: $id) {
    orders(status: $status, since: $since, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage endCursor }
      edges { node { id clientOrderId orderedAt amount currency status
                     lines { id productId productName category quantity unitPrice lineTotal }
                     customer { id externalId } } }
    }
  }
}`;
const SUMMARY = `query Summary($id: ID!) {
  customer(id: $id) {
    summary {
      totalSpent orderCount averageOrderValue firstOrderAt lastOrderAt
      lastInteractionAt interactionCount
      interactionsByChannel { channel count lastAt }
      topCategories { category spent quantity }
    }
  }
}`;

interface InteractionRow {
  customerId?: string;
  customerExternalId?: string;
  channel: string;
  type: string;
  occurredAt: string;
  value?: number;
  score?: number;
  properties?: Record<string, unknown>;
  clientEventId: string;
}

interface LineRow {
  productId: string;
  productName: string;
  category?: string;
  quantity: number;
  unitPrice: number;
}

interface OrderRow {
  customerId?: string;
  customerExternalId?: string;
  clientOrderId: string;
  orderedAt: string;
  amount?: number;
  currency: string;
  status: string;
  lines?: LineRow[];
}

interface TimelineView {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
  edges: Array<{ node: InteractionRow & { id: string; customer: { id: string } } }>;
}

interface OrderView {
  id: string;
  clientOrderId: string;
  orderedAt: string;
  amount: number;
  currency: string;
  status: string;
  lines: Array<LineRow & { id: string; category: string | null; lineTotal: number }>;
  customer: { id: string; externalId: string };
}

interface OrdersView {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
  edges: Array<{ node: OrderView }>;
}

const iso = (text: string) => new Date(text).toISOString();
const round2 = (value: number) => Math.round(value * 100) / 100;
const lineSum = (order: OrderRow) =>
  round2((order.lines ?? []).reduce((sum, line) => sum + line.quantity * line.unitPrice, 0));

async function timeline(
  pulse: TestPulse,
  id: string,
  args: Record<string, unknown> = {},
): Promise<TimelineView> {
  const response = await pulse.query<{ customer: { interactions: TimelineView } }>(TIMELINE, {
    id,
    ...args,
  });
  expect(response.errors).toBeUndefined();

  return response.data!.customer.interactions;
}

async function orders(
  pulse: TestPulse,
  id: string,
  args: Record<string, unknown> = {},
): Promise<OrdersView> {
  const response = await pulse.query<{ customer: { orders: OrdersView } }>(ORDERS, { id, ...args });
  expect(response.errors).toBeUndefined();

  return response.data!.customer.orders;
}

/** Follows `after` cursors through a nested list and returns the pages. */
async function walk<T extends { pageInfo: { hasNextPage: boolean; endCursor: string | null } }>(
  fetchPage: (after: string | null) => Promise<T>,
): Promise<T[]> {
  const pages: T[] = [];
  let after: string | null = null;
  do {
    const page: T = await fetchPage(after);
    pages.push(page);
    after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  } while (after && pages.length < 50);

  return pages;
}

/**
 * The summary Pulse should report for what a test sent, computed independently of the
 * server: only PAID orders count as spend; categories come from the lines of PAID orders.
 */
function expectedSummary(sentOrders: OrderRow[], sentInteractions: InteractionRow[]) {
  const paid = sentOrders.filter((order) => order.status === 'PAID');
  const totalSpent = round2(paid.reduce((sum, order) => sum + (order.amount ?? lineSum(order)), 0));
  const paidTimes = paid.map((order) => iso(order.orderedAt)).sort();
  const channels = new Map<string, { channel: string; count: number; lastAt: string }>();
  for (const interaction of sentInteractions) {
    const entry = channels.get(interaction.channel) ?? {
      channel: interaction.channel,
      count: 0,
      lastAt: iso(interaction.occurredAt),
    };
    entry.count += 1;
    entry.lastAt = [entry.lastAt, iso(interaction.occurredAt)].sort()[1];
    channels.set(interaction.channel, entry);
  }
  const categories = new Map<string, { category: string; spent: number; quantity: number }>();
  for (const line of paid.flatMap((order) => order.lines ?? [])) {
    const category = line.category ?? 'uncategorised';
    const entry = categories.get(category) ?? { category, spent: 0, quantity: 0 };
    entry.spent = round2(entry.spent + line.quantity * line.unitPrice);
    entry.quantity += line.quantity;
    categories.set(category, entry);
  }
  const interactionTimes = sentInteractions
    .map((interaction) => iso(interaction.occurredAt))
    .sort();

  return {
    totalSpent,
    orderCount: paid.length,
    averageOrderValue: paid.length ? round2(totalSpent / paid.length) : null,
    firstOrderAt: paidTimes[0] ?? null,
    lastOrderAt: paidTimes.at(-1) ?? null,
    lastInteractionAt: interactionTimes.at(-1) ?? null,
    interactionCount: sentInteractions.length,
    interactionsByChannel: [...channels.values()].sort(
      (a, b) => b.count - a.count || a.channel.localeCompare(b.channel),
    ),
    topCategories: [...categories.values()]
      .sort((a, b) => b.spent - a.spent || a.category.localeCompare(b.category))
      .slice(0, 5),
  };
}

describeEachDialect('ingestion', (pulse) => {
  const event = (customerId: string, overrides: Partial<InteractionRow> = {}): InteractionRow => ({
    customerId,
    channel: 'WEB',
    type: 'page_view',
    occurredAt: '2025-06-01T12:00:00Z',
    clientEventId: unique('evt'),
    ...overrides,
  });
  const ingest = (interactions: InteractionRow[]) =>
    pulse().query<{ ingestInteractions: { accepted: number; duplicates: number } }>(
      INGEST_INTERACTIONS,
      { input: { interactions } },
    );
  const ingestOrders = (rows: OrderRow[]) =>
    pulse().query<{
      ingestOrders: { accepted: number; duplicates: number; statusUpdated: number };
    }>(INGEST_ORDERS, { input: { orders: rows } });

  describe('ingestInteractions', () => {
    it('stores a new batch, counts every row as accepted and keeps each field', async () => {
      const [customer] = await createCustomers(pulse(), 1);
      const rows = [
        event(customer.id, {
          channel: 'SURVEY',
          type: 'survey_response',
          score: 9,
          value: 12.5,
          properties: { question: 'nps', answers: [1, 'two'], nested: { ok: true } },
          occurredAt: '2025-06-01T12:00:00.123Z',
        }),
        event(customer.id, { occurredAt: '2025-06-01T11:00:00Z' }),
        event(customer.id, { occurredAt: '2025-06-01T10:00:00Z' }),
      ];
      const response = await ingest(rows);
      expect(response.errors).toBeUndefined();
      expect(response.data).toEqual({ ingestInteractions: { accepted: 3, duplicates: 0 } });
      const stored = await timeline(pulse(), customer.id);
      expect(stored.totalCount).toBe(3);
      const { customerId: _sentId, ...sentFields } = rows[0];
      expect(stored.edges[0].node).toMatchObject({
        ...sentFields,
        occurredAt: '2025-06-01T12:00:00.123Z',
        customer: { id: customer.id },
      });
      expect(stored.edges[1].node).toMatchObject({ value: null, score: null, properties: null });
    });

    it('counts a retried batch as duplicates and stores no row twice', async () => {
      const [customer] = await createCustomers(pulse(), 1);
      const rows = [0, 1, 2, 3].map(() => event(customer.id));
      await ingest(rows);
      const retry = await ingest(rows);
      expect(retry.data).toEqual({ ingestInteractions: { accepted: 0, duplicates: 4 } });
      expect((await timeline(pulse(), customer.id)).totalCount).toBe(4);
    });

    it('stores only the new rows of a batch that mixes new and known client event ids', async () => {
      const [customer] = await createCustomers(pulse(), 1);
      const known = [event(customer.id), event(customer.id)];
      await ingest(known);
      const fresh = [event(customer.id), event(customer.id), event(customer.id)];
      const response = await ingest([fresh[0], known[0], fresh[1], known[1], fresh[2]]);
      expect(response.data).toEqual({ ingestInteractions: { accepted: 3, duplicates: 2 } });
      const stored = await timeline(pulse(), customer.id);
      expect(stored.totalCount).toBe(5);
      expect(stored.edges.map((edge) => edge.node.clientEventId).sort()).toEqual(
        [...known, ...fresh].map((row) => row.clientEventId).sort(),
      );
    });

    it('stores a client event id repeated within one batch once and counts the repeat as a duplicate', async () => {
      const [customer] = await createCustomers(pulse(), 1);
      const row = event(customer.id);
      const response = await ingest([row, { ...row }]);
      expect(response.data).toEqual({ ingestInteractions: { accepted: 1, duplicates: 1 } });
      expect((await timeline(pulse(), customer.id)).totalCount).toBe(1);
    });

    it('stores rows addressed by customerExternalId on the same customer as rows addressed by customerId', async () => {
      const [customer, other] = await createCustomers(pulse(), 2);
      const byExternalId = {
        ...event(customer.id),
        customerId: undefined,
        customerExternalId: customer.externalId,
      };
      const response = await ingest([
        event(customer.id),
        byExternalId,
        { ...event(other.id), customerId: undefined, customerExternalId: other.externalId },
      ]);
      expect(response.data).toEqual({ ingestInteractions: { accepted: 3, duplicates: 0 } });
      expect((await timeline(pulse(), customer.id)).totalCount).toBe(2);
      expect((await timeline(pulse(), other.id)).totalCount).toBe(1);
    });

    describe('failing batches store nothing', () => {
      type Rows = (customer: { id: string; externalId: string }) => InteractionRow[];
      const orderId = Buffer.from('Order:1').toString('base64url');
      const missingCustomerId = Buffer.from('Customer:2000000000').toString('base64url');

      it.each<[string, string, Rows]>([
        [
          'an unknown customerExternalId in the third row',
          'input.interactions[2].customerExternalId',
          (c) => [
            event(c.id),
            event(c.id),
            { ...event(c.id), customerId: undefined, customerExternalId: unique('ghost') },
          ],
        ],
        [
          'a well-formed id of a missing customer',
          'input.interactions[1].customerId',
          (c) => [event(c.id), event(missingCustomerId)],
        ],
        [
          "an Order's id as customerId",
          'input.interactions[1].customerId',
          (c) => [event(c.id), event(orderId)],
        ],
        ['a malformed customerId', 'input.interactions[0].customerId', () => [event('not-an-id')]],
        [
          'both customerId and customerExternalId',
          'input.interactions[1].customerId',
          (c) => [event(c.id), { ...event(c.id), customerExternalId: c.externalId }],
        ],
        [
          'neither customerId nor customerExternalId',
          'input.interactions[1].customerId',
          (c) => [event(c.id), { ...event(c.id), customerId: undefined }],
        ],
        [
          'a score over 10',
          'input.interactions[1].score',
          (c) => [event(c.id), event(c.id, { score: 11 })],
        ],
        ['a negative score', 'input.interactions[0].score', (c) => [event(c.id, { score: -1 })]],
        [
          'a type with capitals and a dash',
          'input.interactions[1].type',
          (c) => [event(c.id), event(c.id, { type: 'Email-Open' })],
        ],
        [
          'a type starting with a digit',
          'input.interactions[0].type',
          (c) => [event(c.id, { type: '1st_visit' })],
        ],
        [
          'a type over 64 characters',
          'input.interactions[0].type',
          (c) => [event(c.id, { type: 'a'.repeat(65) })],
        ],
        [
          'an empty clientEventId',
          'input.interactions[0].clientEventId',
          (c) => [event(c.id, { clientEventId: '' })],
        ],
        [
          'a clientEventId over 128 characters',
          'input.interactions[0].clientEventId',
          (c) => [event(c.id, { clientEventId: 'e'.repeat(129) })],
        ],
        ['an empty batch', 'input.interactions', () => []],
        [
          '5,001 rows',
          'input.interactions',
          (c) =>
            Array.from({ length: 5001 }, (_, i) =>
              event(c.id, { clientEventId: `${c.externalId}-${i}` }),
            ),
        ],
      ])('rejects a batch with %s with BAD_USER_INPUT on %s', async (_title, field, rows) => {
        const [customer] = await createCustomers(pulse(), 1);
        const response = await ingest(rows(customer));
        expectError(response, 'BAD_USER_INPUT', field);
        expect(response.data).toBeNull();
        expect((await timeline(pulse(), customer.id)).totalCount).toBe(0);
      });

      it('rejects rows for a deleted customer with BAD_USER_INPUT on customerExternalId', async () => {
        const [customer] = await createCustomers(pulse(), 1);
        await pulse().query(
          `mutation($input: DeleteCustomerInput!) { deleteCustomer(input: $input) { deletedId } }`,
          { input: { id: customer.id } },
        );
        const response = await ingest([
          { ...event(customer.id), customerId: undefined, customerExternalId: customer.externalId },
        ]);
        expectError(response, 'BAD_USER_INPUT', 'input.interactions[0].customerExternalId');
      });
    });
  });

  describe('Customer.interactions', () => {
    let customerId = '';
    const keys = ['e0', 'e1', 'e2', 'e3', 'e4', 'e5', 'e6'] as const;
    type Key = (typeof keys)[number];
    const ids = {} as Record<Key, string>;

    beforeAll(async () => {
      const [customer] = await createCustomers(pulse(), 1);
      customerId = customer.id;
      const prefix = unique('tl');
      const rows: Record<Key, Partial<InteractionRow>> = {
        e0: { channel: 'EMAIL', type: 'email_open', occurredAt: '2025-01-01T10:00:00Z' },
        e1: { channel: 'WEB', type: 'page_view', occurredAt: '2025-01-02T10:00:00Z' },
        e2: { channel: 'EMAIL', type: 'email_click', occurredAt: '2025-01-03T10:00:00Z' },
        e3: { channel: 'SMS', type: 'sms_sent', occurredAt: '2025-01-04T10:00:00Z' },
        // e4 and e5 happened at the same instant: ties are ordered by id, newest row first.
        e4: { channel: 'WEB', type: 'page_view', occurredAt: '2025-01-05T10:00:00Z' },
        e5: { channel: 'WEB', type: 'page_view', occurredAt: '2025-01-05T10:00:00Z' },
        e6: { channel: 'EMAIL', type: 'email_open', occurredAt: '2025-01-06T10:00:00Z' },
      };
      for (const key of keys) {
        ids[key] = `${prefix}-${key}`;
      }
      // Sent out of time order, so the order read back cannot be insertion order.
      const sendOrder: Key[] = ['e3', 'e5', 'e0', 'e4', 'e6', 'e1', 'e2'];
      const response = await ingest(
        sendOrder.map((key) => event(customerId, { ...rows[key], clientEventId: ids[key] })),
      );
      expect(response.data).toEqual({ ingestInteractions: { accepted: 7, duplicates: 0 } });
    });

    it.each<[string, Record<string, unknown>, Key[]]>([
      ['no filter', {}, ['e6', 'e4', 'e5', 'e3', 'e2', 'e1', 'e0']],
      ['channel EMAIL', { channel: 'EMAIL' }, ['e6', 'e2', 'e0']],
      ['type page_view', { type: 'page_view' }, ['e4', 'e5', 'e1']],
      // Types are stored lower_snake_case; MySQL's collation matched any case, SQLite did not.
      ['type in another letter case', { type: 'Page_VIEW' }, ['e4', 'e5', 'e1']],
      ['since an instant (inclusive)', { since: '2025-01-04T10:00:00Z' }, ['e6', 'e4', 'e5', 'e3']],
      ['channel WEB and since', { channel: 'WEB', since: '2025-01-03T00:00:00Z' }, ['e4', 'e5']],
      ['a type nobody has', { type: 'never_happened' }, []],
    ])(
      'lists interactions newest first with %s and counts them',
      async (_title, args, expected) => {
        const page = await timeline(pulse(), customerId, { ...args, first: 100 });
        expect(page.edges.map((edge) => edge.node.clientEventId)).toEqual(
          expected.map((key) => ids[key]),
        );
        expect(page.totalCount).toBe(expected.length);
      },
    );

    it('walks the timeline two at a time with first/after, across a tie, without gaps', async () => {
      const pages = await walk((after) => timeline(pulse(), customerId, { first: 2, after }));
      expect(pages.map((page) => page.edges.length)).toEqual([2, 2, 2, 1]);
      expect(pages.flatMap((page) => page.edges.map((edge) => edge.node.clientEventId))).toEqual(
        (['e6', 'e4', 'e5', 'e3', 'e2', 'e1', 'e0'] as Key[]).map((key) => ids[key]),
      );
      expect(pages.map((page) => page.pageInfo.hasPreviousPage)).toEqual([false, true, true, true]);
      expect(pages.map((page) => page.totalCount)).toEqual([7, 7, 7, 7]);
    });

    it('walks a filtered timeline one at a time and keeps the filter on every page', async () => {
      const pages = await walk((after) =>
        timeline(pulse(), customerId, { channel: 'WEB', first: 1, after }),
      );
      expect(pages.flatMap((page) => page.edges.map((edge) => edge.node.clientEventId))).toEqual(
        (['e4', 'e5', 'e1'] as Key[]).map((key) => ids[key]),
      );
    });

    it('refuses a timeline page over 100 with BAD_USER_INPUT on first', async () => {
      const response = await pulse().query(TIMELINE, { id: customerId, first: 101 });
      expectError(response, 'BAD_USER_INPUT', 'first');
    });

    it('refuses a negative timeline page size with BAD_USER_INPUT on first', async () => {
      const response = await pulse().query(TIMELINE, { id: customerId, first: -1 });
      expectError(response, 'BAD_USER_INPUT', 'first');
    });
  });

  describe('ingestOrders', () => {
    const order = (customerId: string, overrides: Partial<OrderRow> = {}): OrderRow => ({
      customerId,
      clientOrderId: unique('ord'),
      orderedAt: '2025-03-01T09:30:00Z',
      currency: 'EUR',
      status: 'PLACED',
      lines: [
        {
          productId: 'sku-1',
          productName: 'Teapot',
          category: 'kitchen',
          quantity: 1,
          unitPrice: 20,
        },
      ],
      ...overrides,
    });

    it('stores the lines of an order and defaults its amount to the sum of its lines', async () => {
      const [customer] = await createCustomers(pulse(), 1);
      const lines: LineRow[] = [
        {
          productId: 'sku-1',
          productName: 'Kettle',
          category: 'kitchen',
          quantity: 2,
          unitPrice: 10.5,
        },
        {
          productId: 'sku-2',
          productName: 'Seeds',
          category: 'garden',
          quantity: 3,
          unitPrice: 0.99,
        },
        { productId: 'sku-3', productName: 'Gift card', quantity: 1, unitPrice: 5 },
      ];
      const sent = order(customer.id, { lines, currency: 'GBP' });
      const response = await ingestOrders([sent]);
      expect(response.data).toEqual({
        ingestOrders: { accepted: 1, duplicates: 0, statusUpdated: 0 },
      });
      const stored = await orders(pulse(), customer.id);
      expect(stored.totalCount).toBe(1);
      const node = stored.edges[0].node;
      expect(node).toMatchObject({
        clientOrderId: sent.clientOrderId,
        orderedAt: '2025-03-01T09:30:00.000Z',
        amount: 28.97,
        currency: 'GBP',
        status: 'PLACED',
        customer: { id: customer.id, externalId: customer.externalId },
      });
      expect(node.lines.map(({ id: _id, ...line }) => line)).toEqual(
        lines.map((line) => ({
          category: null,
          ...line,
          lineTotal: round2(line.quantity * line.unitPrice),
        })),
      );
      const viaNode = await pulse().query(
        `query($order: ID!, $line: ID!) {
          order: node(id: $order) { id ... on Order { clientOrderId customer { id } } }
          line: node(id: $line) { id ... on OrderLine { productName lineTotal } }
        }`,
        { order: node.id, line: node.lines[0].id },
      );
      expect(viaNode.data).toEqual({
        order: { id: node.id, clientOrderId: sent.clientOrderId, customer: { id: customer.id } },
        line: { id: node.lines[0].id, productName: 'Kettle', lineTotal: 21 },
      });
    });

    it('keeps an amount given explicitly even when the lines add up to something else', async () => {
      const [customer] = await createCustomers(pulse(), 1);
      await ingestOrders([order(customer.id, { amount: 17.5 })]);
      expect((await orders(pulse(), customer.id)).edges[0].node.amount).toBe(17.5);
    });

    it('stores orders addressed by customerExternalId', async () => {
      const [customer] = await createCustomers(pulse(), 1);
      const sent = {
        ...order(customer.id),
        customerId: undefined,
        customerExternalId: customer.externalId,
      };
      expect((await ingestOrders([sent])).data).toMatchObject({ ingestOrders: { accepted: 1 } });
      expect((await orders(pulse(), customer.id)).totalCount).toBe(1);
    });

    it('updates the status of a known order resent with a new status, without storing it or its lines again', async () => {
      const [customer] = await createCustomers(pulse(), 1);
      const sent = order(customer.id);
      await ingestOrders([sent]);
      const resent = await ingestOrders([{ ...sent, status: 'PAID' }]);
      expect(resent.data).toEqual({
        ingestOrders: { accepted: 0, duplicates: 0, statusUpdated: 1 },
      });
      const stored = await orders(pulse(), customer.id);
      expect(stored.totalCount).toBe(1);
      expect(stored.edges[0].node.status).toBe('PAID');
      expect(stored.edges[0].node.lines).toHaveLength(1);
    });

    it('counts an identical resend as a duplicate and changes nothing', async () => {
      const [customer] = await createCustomers(pulse(), 1);
      const sent = order(customer.id, { status: 'PAID' });
      await ingestOrders([sent]);
      const before = await orders(pulse(), customer.id);
      const resent = await ingestOrders([sent]);
      expect(resent.data).toEqual({
        ingestOrders: { accepted: 0, duplicates: 1, statusUpdated: 0 },
      });
      expect(await orders(pulse(), customer.id)).toEqual(before);
    });

    it('stores an order sent twice in one batch once, with its lines once', async () => {
      const [customer] = await createCustomers(pulse(), 1);
      const sent = order(customer.id);
      const response = await ingestOrders([sent, { ...sent }]);
      expect(response.data).toEqual({
        ingestOrders: { accepted: 1, duplicates: 1, statusUpdated: 0 },
      });
      const stored = await orders(pulse(), customer.id);
      expect(stored.totalCount).toBe(1);
      expect(stored.edges[0].node.lines).toHaveLength(1);
    });

    it('stores amounts and unit prices in whole cents, rounded half up, on both databases', async () => {
      const [customer] = await createCustomers(pulse(), 1);
      // DECIMAL(12,2) rounds 1.005 to 1.01 on MySQL; SQLite kept 1.005, so figures differed.
      const lines = [{ productId: 'p', productName: 'P', quantity: 3, unitPrice: 0.335 }];
      const given = order(customer.id, { status: 'PAID', amount: 1.005, lines });
      const summed = order(customer.id, {
        status: 'PAID',
        orderedAt: '2025-03-02T09:30:00Z',
        lines,
      });
      expect((await ingestOrders([given, summed])).errors).toBeUndefined();
      const stored = (await orders(pulse(), customer.id)).edges.map(({ node }) => node);
      expect(stored.map((node) => [node.clientOrderId, node.amount])).toEqual([
        // The amount of an order without one is the sum of its stored lines: 3 × 0.34.
        [summed.clientOrderId, 1.02],
        [given.clientOrderId, 1.01],
      ]);
      expect(stored[0].lines).toMatchObject([{ unitPrice: 0.34, lineTotal: 1.02 }]);
      const summary = await pulse().query<{ customer: { summary: Record<string, unknown> } }>(
        SUMMARY,
        { id: customer.id },
      );
      expect(summary.data!.customer.summary).toMatchObject({
        totalSpent: 2.03,
        topCategories: [{ category: 'uncategorised', spent: 2.04, quantity: 6 }],
      });
    });

    it('counts a known order repeated with the same new status in one batch as one update and one duplicate', async () => {
      const [customer] = await createCustomers(pulse(), 1);
      const sent = order(customer.id);
      await ingestOrders([sent]);
      const resent = await ingestOrders([
        { ...sent, status: 'PAID' },
        { ...sent, status: 'PAID' },
      ]);
      expect(resent.data).toEqual({
        ingestOrders: { accepted: 0, duplicates: 1, statusUpdated: 1 },
      });
    });

    describe('statuses move forward only (PLACED → PAID → REFUNDED or CANCELLED)', () => {
      const stored = async (customerId: string) => {
        const view = await orders(pulse(), customerId, { first: 100 });
        const summary = await pulse().query<{
          customer: { summary: { totalSpent: number; orderCount: number } };
        }>(SUMMARY, { id: customerId });
        expect(summary.errors).toBeUndefined();
        const { totalSpent, orderCount } = summary.data!.customer.summary;

        return {
          statuses: view.edges.map(({ node }) => node.status),
          lines: view.edges.map(({ node }) => node.lines.length),
          totalSpent,
          orderCount,
        };
      };
      const spend = (status: string) =>
        status === 'PAID' ? { totalSpent: 20, orderCount: 1 } : { totalSpent: 0, orderCount: 0 };

      it.each<[string[], string]>([
        [['PLACED', 'PAID', 'REFUNDED'], 'PAID'],
        [['PAID', 'REFUNDED'], 'PLACED'],
        [['PLACED', 'CANCELLED'], 'PLACED'],
        [['PLACED', 'CANCELLED'], 'PAID'],
        [['PAID', 'CANCELLED'], 'PAID'],
        [['PAID', 'REFUNDED'], 'CANCELLED'],
        [['PLACED', 'CANCELLED'], 'REFUNDED'],
        [['PLACED', 'PAID'], 'PLACED'],
      ])(
        'after %j, a retried batch with %s changes nothing and counts it as a duplicate',
        async (history, retried) => {
          const [customer] = await createCustomers(pulse(), 1);
          const sent = order(customer.id);
          for (const status of history) {
            expect((await ingestOrders([{ ...sent, status }])).errors).toBeUndefined();
          }
          const last = history.at(-1)!;

          const response = await ingestOrders([{ ...sent, status: retried }]);

          expect(response.data).toEqual({
            ingestOrders: { accepted: 0, duplicates: 1, statusUpdated: 0 },
          });
          expect(await stored(customer.id)).toEqual({
            statuses: [last],
            lines: [1],
            ...spend(last),
          });
        },
      );

      it.each<[string, string]>([
        ['PLACED', 'PAID'],
        ['PLACED', 'REFUNDED'],
        ['PLACED', 'CANCELLED'],
        ['PAID', 'REFUNDED'],
        ['PAID', 'CANCELLED'],
      ])('moves an order stored as %s on to %s', async (from, to) => {
        const [customer] = await createCustomers(pulse(), 1);
        const sent = order(customer.id, { status: from });
        await ingestOrders([sent]);

        const response = await ingestOrders([{ ...sent, status: to }]);

        expect(response.data).toEqual({
          ingestOrders: { accepted: 0, duplicates: 0, statusUpdated: 1 },
        });
        expect(await stored(customer.id)).toEqual({ statuses: [to], lines: [1], ...spend(to) });
      });

      it('applies the copies of a known order in one batch forward only: REFUNDED then PAID ends REFUNDED', async () => {
        const [customer] = await createCustomers(pulse(), 1);
        const sent = order(customer.id);
        await ingestOrders([sent]);

        const response = await ingestOrders([
          { ...sent, status: 'REFUNDED' },
          { ...sent, status: 'PAID' },
          { ...sent, status: 'PLACED' },
        ]);

        expect(response.data).toEqual({
          ingestOrders: { accepted: 0, duplicates: 2, statusUpdated: 1 },
        });
        expect(await stored(customer.id)).toEqual({
          statuses: ['REFUNDED'],
          lines: [1],
          ...spend('REFUNDED'),
        });
      });

      it.each<[string[], string, { accepted: number; duplicates: number; statusUpdated: number }]>([
        [['PLACED', 'PAID'], 'PAID', { accepted: 1, duplicates: 0, statusUpdated: 1 }],
        [
          ['PLACED', 'PAID', 'REFUNDED'],
          'REFUNDED',
          { accepted: 1, duplicates: 0, statusUpdated: 2 },
        ],
        [['PAID', 'PLACED'], 'PAID', { accepted: 1, duplicates: 1, statusUpdated: 0 }],
        [['REFUNDED', 'PAID'], 'REFUNDED', { accepted: 1, duplicates: 1, statusUpdated: 0 }],
        [
          ['PLACED', 'CANCELLED', 'PAID'],
          'CANCELLED',
          { accepted: 1, duplicates: 1, statusUpdated: 1 },
        ],
      ])(
        'stores a new order sent as %j in one batch once, as %s, counting the copies as for a known order',
        async (statuses, final, counts) => {
          const [customer] = await createCustomers(pulse(), 1);
          const sent = order(customer.id);

          const response = await ingestOrders(statuses.map((status) => ({ ...sent, status })));

          expect(response.data).toEqual({ ingestOrders: counts });
          expect(await stored(customer.id)).toEqual({
            statuses: [final],
            lines: [1],
            ...spend(final),
          });
        },
      );

      it('keeps a refunded order refunded when an older CSV file with it as PAID is imported again', async () => {
        const [customer] = await createCustomers(pulse(), 1);
        const id = unique('csv');
        const dir = mkdtempSync(path.join(os.tmpdir(), 'pulse-orders-'));
        const file = (status: string) => {
          const name = path.join(dir, `${status}.csv`);
          writeFileSync(
            name,
            'client_order_id,customer_external_id,ordered_at,currency,status,product_id,product_name,quantity,unit_price\n' +
              `${id},${customer.externalId},2025-03-01,EUR,${status},sku-1,Teapot,1,20\n`,
          );

          return name;
        };
        const paid = file('PAID');
        const imported = async (name: string) =>
          (await importCsv(pulse().app.services, 'orders', name)).imported;

        expect(await imported(paid)).toEqual({ accepted: 1, duplicates: 0, statusUpdated: 0 });
        expect(await imported(file('REFUNDED'))).toEqual({
          accepted: 0,
          duplicates: 0,
          statusUpdated: 1,
        });
        expect(await imported(paid)).toEqual({ accepted: 0, duplicates: 1, statusUpdated: 0 });
        expect(await stored(customer.id)).toEqual({
          statuses: ['REFUNDED'],
          lines: [1],
          ...spend('REFUNDED'),
        });
      });

      it('ends every order at its latest status when batches with older and newer statuses race', async () => {
        const [customer] = await createCustomers(pulse(), 1);
        const all: OrderRow[] = [];
        for (let round = 0; round < 4; round += 1) {
          const sent = Array.from({ length: 20 }, () => order(customer.id));
          all.push(...sent);
          await ingestOrders(sent);
          const batch = (status: string) => ingestOrders(sent.map((row) => ({ ...row, status })));

          const responses = await Promise.all(
            round % 2 ? [batch('REFUNDED'), batch('PAID')] : [batch('PAID'), batch('REFUNDED')],
          );

          responses.forEach((response) => expect(response.errors).toBeUndefined());
        }
        expect(await stored(customer.id)).toEqual({
          statuses: all.map(() => 'REFUNDED'),
          lines: all.map(() => 1),
          totalSpent: 0,
          orderCount: 0,
        });
      });
    });

    describe('failing batches store nothing', () => {
      type Rows = (customer: { id: string; externalId: string }) => OrderRow[];
      const line = { productId: 'p', productName: 'P', quantity: 1, unitPrice: 1 };

      it.each<[string, string, Rows]>([
        [
          'an unknown customerExternalId in the second row',
          'input.orders[1].customerExternalId',
          (c) => [
            order(c.id),
            { ...order(c.id), customerId: undefined, customerExternalId: unique('ghost') },
          ],
        ],
        [
          'neither an amount nor lines',
          'input.orders[1].amount',
          (c) => [order(c.id), order(c.id, { lines: [] })],
        ],
        ['a negative amount', 'input.orders[0].amount', (c) => [order(c.id, { amount: -5 })]],
        [
          'a lower-case currency',
          'input.orders[0].currency',
          (c) => [order(c.id, { currency: 'eur' })],
        ],
        [
          'a line with quantity 0',
          'input.orders[0].lines[1].quantity',
          (c) => [order(c.id, { lines: [line, { ...line, quantity: 0 }] })],
        ],
        [
          'a line with a negative unit price',
          'input.orders[0].lines[0].unitPrice',
          (c) => [order(c.id, { lines: [{ ...line, unitPrice: -1 }] })],
        ],
        [
          'a line with an empty product name',
          'input.orders[0].lines[0].productName',
          (c) => [order(c.id, { lines: [{ ...line, productName: '' }] })],
        ],
        [
          '101 lines',
          'input.orders[0].lines',
          (c) => [order(c.id, { lines: Array.from({ length: 101 }, () => line) })],
        ],
        [
          'an empty clientOrderId',
          'input.orders[0].clientOrderId',
          (c) => [order(c.id, { clientOrderId: '' })],
        ],
        [
          'lines adding up to more than the largest amount, 9,999,999,999.99',
          'input.orders[1].amount',
          (c) => [
            order(c.id),
            order(c.id, { lines: [{ ...line, quantity: 1_000_000, unitPrice: 10_000 }] }),
          ],
        ],
        ['an empty batch', 'input.orders', () => []],
        [
          '5,001 orders',
          'input.orders',
          (c) =>
            Array.from({ length: 5001 }, (_, i) =>
              order(c.id, { clientOrderId: `${c.externalId}-${i}`, lines: undefined, amount: 1 }),
            ),
        ],
      ])('rejects a batch with %s with BAD_USER_INPUT on %s', async (_title, field, rows) => {
        const [customer] = await createCustomers(pulse(), 1);
        const response = await ingestOrders(rows(customer));
        expectError(response, 'BAD_USER_INPUT', field);
        expect((await orders(pulse(), customer.id)).totalCount).toBe(0);
      });
    });
  });

  describe('Customer.orders', () => {
    let customerId = '';
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      const [customer] = await createCustomers(pulse(), 1);
      customerId = customer.id;
      const prefix = unique('co');
      const fixtures: Array<[string, string, string]> = [
        ['o1', 'PAID', '2025-01-01T00:00:00Z'],
        ['o2', 'REFUNDED', '2025-02-01T00:00:00Z'],
        ['o3', 'PAID', '2025-03-01T00:00:00Z'],
        ['o4', 'PLACED', '2025-04-01T00:00:00Z'],
        ['o5', 'PAID', '2025-05-01T00:00:00Z'],
      ];
      const rows = fixtures.map(([key, status, orderedAt]) => {
        ids[key] = `${prefix}-${key}`;

        return {
          customerId,
          clientOrderId: ids[key],
          status,
          orderedAt,
          currency: 'EUR',
          amount: 10,
        };
      });
      expect((await ingestOrders(rows.reverse())).data).toMatchObject({
        ingestOrders: { accepted: 5 },
      });
    });

    it.each<[string, Record<string, unknown>, string[]]>([
      ['no filter', {}, ['o5', 'o4', 'o3', 'o2', 'o1']],
      ['status PAID', { status: 'PAID' }, ['o5', 'o3', 'o1']],
      ['since an instant (inclusive)', { since: '2025-03-01T00:00:00Z' }, ['o5', 'o4', 'o3']],
      ['status PAID and since', { status: 'PAID', since: '2025-02-01T00:00:00Z' }, ['o5', 'o3']],
      ['status CANCELLED', { status: 'CANCELLED' }, []],
    ])('lists orders newest first with %s and counts them', async (_title, args, expected) => {
      const page = await orders(pulse(), customerId, { ...args, first: 100 });
      expect(page.edges.map((edge) => edge.node.clientOrderId)).toEqual(
        expected.map((key) => ids[key]),
      );
      expect(page.totalCount).toBe(expected.length);
    });

    it('walks the orders two at a time with first/after without gaps', async () => {
      const pages = await walk((after) => orders(pulse(), customerId, { first: 2, after }));
      expect(pages.map((page) => page.edges.length)).toEqual([2, 2, 1]);
      expect(pages.flatMap((page) => page.edges.map((edge) => edge.node.clientOrderId))).toEqual(
        ['o5', 'o4', 'o3', 'o2', 'o1'].map((key) => ids[key]),
      );
    });
  });

  describe('summary', () => {
    let customerId = '';
    let sentOrders: OrderRow[] = [];
    let sentInteractions: InteractionRow[] = [];

    const fetchSummary = async (id: string) => {
      const response = await pulse().query<{ customer: { summary: unknown } }>(SUMMARY, { id });
      expect(response.errors).toBeUndefined();

      return response.data!.customer.summary;
    };

    beforeAll(async () => {
      const [customer] = await createCustomers(pulse(), 1);
      customerId = customer.id;
      const prefix = unique('sum');
      const line = (
        category: string | undefined,
        quantity: number,
        unitPrice: number,
      ): LineRow => ({
        productId: `sku-${category ?? 'none'}`,
        productName: `Product ${category ?? 'none'}`,
        ...(category ? { category } : {}),
        quantity,
        unitPrice,
      });
      const o = (
        n: number,
        status: string,
        orderedAt: string,
        lines: LineRow[],
        amount?: number,
      ): OrderRow => ({
        customerId,
        clientOrderId: `${prefix}-o${n}`,
        orderedAt,
        currency: 'EUR',
        status,
        lines,
        ...(amount === undefined ? {} : { amount }),
      });
      sentOrders = [
        o(1, 'PAID', '2025-01-10T08:00:00Z', [line('kitchen', 2, 10), line('garden', 1, 5)]),
        o(2, 'PAID', '2025-02-10T08:00:00Z', [line('garden', 3, 20), line(undefined, 1, 4.5)]),
        // An explicit amount differs from its lines: spend uses the amount, categories the lines.
        o(3, 'PAID', '2025-01-20T08:00:00Z', [line('books', 1, 15), line('toys', 2, 3.33)], 19.99),
        o(4, 'PAID', '2025-01-25T08:00:00Z', [line('music', 1, 7), line('sports', 1, 1)]),
        // None of these count: their categories would otherwise top the list.
        o(5, 'REFUNDED', '2025-03-10T08:00:00Z', [line('jewellery', 1, 900)]),
        o(6, 'PLACED', '2025-04-10T08:00:00Z', [line('jewellery', 1, 800)]),
        o(7, 'CANCELLED', '2024-12-01T08:00:00Z', [line('jewellery', 1, 700)]),
      ];
      const at = (day: number, hour: number) =>
        new Date(Date.UTC(2025, 4, day, hour)).toISOString();
      sentInteractions = [
        event(customerId, { channel: 'EMAIL', type: 'email_open', occurredAt: at(1, 9) }),
        event(customerId, { channel: 'EMAIL', type: 'email_open', occurredAt: at(3, 9) }),
        event(customerId, { channel: 'EMAIL', type: 'email_click', occurredAt: at(2, 9) }),
        event(customerId, { channel: 'WEB', type: 'page_view', occurredAt: at(4, 9) }),
        event(customerId, { channel: 'WEB', type: 'page_view', occurredAt: at(1, 7) }),
        event(customerId, { channel: 'SMS', type: 'sms_sent', occurredAt: at(5, 9) }),
        event(customerId, { channel: 'CHAT', type: 'chat_started', occurredAt: at(2, 10) }),
      ];
      expect((await ingestOrders(sentOrders)).errors).toBeUndefined();
      expect((await ingest(sentInteractions)).errors).toBeUndefined();
    });

    it('reports spend, order times, channels and top categories computed from paid orders only', async () => {
      const expected = expectedSummary(sentOrders, sentInteractions);
      // The fixture is built so that the cut to five categories and the order matter.
      expect(expected.topCategories.map((c) => c.category)).toEqual([
        'garden',
        'kitchen',
        'books',
        'music',
        'toys',
      ]);
      expect(await fetchSummary(customerId)).toEqual(expected);
    });

    it('takes a refunded order out of spend and categories once its new status is ingested', async () => {
      const refunded = { ...sentOrders[1], status: 'REFUNDED' };
      expect((await ingestOrders([refunded])).data).toMatchObject({
        ingestOrders: { statusUpdated: 1 },
      });
      sentOrders = sentOrders.map((row) =>
        row.clientOrderId === refunded.clientOrderId ? refunded : row,
      );
      expect(await fetchSummary(customerId)).toEqual(expectedSummary(sentOrders, sentInteractions));
    });

    it('keeps categories that differ in letter case or a trailing space apart, as stored, on both databases', async () => {
      const [customer] = await createCustomers(pulse(), 1);
      const prefix = unique('sum-case');
      const line = (category: string, unitPrice: number): LineRow => ({
        productId: 'sku',
        productName: 'Product',
        category,
        quantity: 1,
        unitPrice,
      });
      const orders: OrderRow[] = [
        {
          customerId: customer.id,
          clientOrderId: `${prefix}-1`,
          orderedAt: '2025-01-10T08:00:00Z',
          currency: 'EUR',
          status: 'PAID',
          lines: [line('Kitchen', 3), line('kitchen', 2), line('kitchen ', 1)],
        },
      ];
      expect((await ingestOrders(orders)).errors).toBeUndefined();
      // MySQL's collation grouped them into one category, named after whichever came first.
      expect(await fetchSummary(customer.id)).toEqual(expectedSummary(orders, []));
    });

    it('reports zeros, nulls and empty lists for a customer without orders or interactions', async () => {
      const [customer] = await createCustomers(pulse(), 1);
      expect(await fetchSummary(customer.id)).toEqual(expectedSummary([], []));
      expect(expectedSummary([], [])).toMatchObject({
        totalSpent: 0,
        orderCount: 0,
        averageOrderValue: null,
        firstOrderAt: null,
        lastInteractionAt: null,
      });
    });
  });
});
