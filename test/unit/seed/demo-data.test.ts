import { CHANNELS } from '../../../src/interactions/channel';
import { DEMO_CATALOGUE } from '../../../src/seed/demo-catalogue';
import {
  DEMO_END,
  DEMO_START,
  generateDemoBatch,
  generateDemoCustomer,
  type DemoBatch,
  type DemoInteractionRow,
  type DemoOrderRow,
} from '../../../src/seed/demo-data';
import { createRandom, deriveSeed } from '../../../src/seed/random';

const count = <T>(rows: T[], test: (row: T) => boolean) => rows.filter(test).length;
const cents = (amount: number) => Math.round(amount * 100);

describe('createRandom', () => {
  it('repeats the same sequence for the same seed and differs for neighbouring seeds', () => {
    const draw = (seed: number) => {
      const random = createRandom(seed);

      return Array.from({ length: 5 }, () => random.float());
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
    expect(deriveSeed(42, 1)).not.toBe(deriveSeed(42, 2));
  });

  it('keeps int, chance, weighted and normal draws within their ranges and near their means', () => {
    const random = createRandom(1);
    const n = 20_000;
    const ints = Array.from({ length: n }, () => random.int(1, 6));
    expect(Math.min(...ints)).toBe(1);
    expect(Math.max(...ints)).toBe(6);
    expect(count(ints, (value) => value === 6) / n).toBeCloseTo(1 / 6, 1);
    expect(
      Array.from({ length: n }, () => random.chance(0.3)).filter(Boolean).length / n,
    ).toBeCloseTo(0.3, 1);
    const picks = Array.from({ length: n }, () => random.weighted(['a', 'b'], [3, 1]));
    expect(count(picks, (pick) => pick === 'a') / n).toBeCloseTo(0.75, 1);
    const normals = Array.from({ length: n }, () => random.normal(10, 2));
    expect(normals.reduce((sum, value) => sum + value, 0) / n).toBeCloseTo(10, 1);
    const poisson = Array.from({ length: n }, () => random.poisson(3));
    expect(poisson.reduce((sum, value) => sum + value, 0) / n).toBeCloseTo(3, 1);
  });

  it('refuses to pick from an empty array or weigh mismatched lists, naming what it got', () => {
    const random = createRandom(1);
    expect(() => random.pick([])).toThrow('pick needs at least one item, got an empty array');
    expect(() => random.weighted(['a'], [1, 2])).toThrow('got 1 items and 2 weights');
  });
});

describe('demo data', () => {
  // One data set for the whole file: generating it takes a fraction of a second.
  const batch: DemoBatch = generateDemoBatch(42, 0, 2000);
  const end = DEMO_END.getTime();

  it('generates identical rows for the same seed and different rows for another seed', () => {
    expect(generateDemoBatch(42, 0, 20)).toEqual(generateDemoBatch(42, 0, 20));
    expect(generateDemoBatch(43, 0, 20).customers).not.toEqual(
      generateDemoBatch(42, 0, 20).customers,
    );
  });

  it('generates the same rows whether customers come in one batch or several', () => {
    const split = [generateDemoBatch(42, 0, 37), generateDemoBatch(42, 37, 100)];
    const whole = generateDemoBatch(42, 0, 100);
    for (const key of [
      'customers',
      'consents',
      'consentChanges',
      'interactions',
      'orders',
    ] as const) {
      expect([...split[0]![key], ...split[1]![key]]).toEqual(whole[key]);
    }
    expect(generateDemoCustomer(42, 1500).customer).toEqual(batch.customers[1500]);
  });

  it('produces 80,000 to 120,000 interactions and 15,000 to 25,000 orders for 2,000 customers', () => {
    expect(batch.customers).toHaveLength(2000);
    expect(batch.interactions.length).toBeGreaterThanOrEqual(80_000);
    expect(batch.interactions.length).toBeLessThanOrEqual(120_000);
    expect(batch.orders.length).toBeGreaterThanOrEqual(15_000);
    expect(batch.orders.length).toBeLessThanOrEqual(25_000);
  });

  it('signs customers up over the 18 months before DEMO_END with well-formed profiles', () => {
    const { customers } = batch;
    const age = (birthDate: string) => (end - Date.parse(birthDate)) / (365.25 * 86_400_000);
    expect(new Set(customers.map((customer) => customer.country)).size).toBe(8);
    expect(
      count(
        customers,
        (customer) =>
          customer.signedUpAt.getTime() < DEMO_START.getTime() ||
          customer.signedUpAt.getTime() > end,
      ),
    ).toBe(0);
    expect(count(customers, (customer) => !/^demo-\d{6}$/.test(customer.externalId))).toBe(0);
    expect(
      count(customers, (customer) => !/^[a-z]+\.[a-z]+\.\d+@example\.com$/.test(customer.email)),
    ).toBe(0);
    expect(
      count(
        customers,
        (customer) => customer.phone !== null && !/^\+[1-9]\d{7,14}$/.test(customer.phone),
      ),
    ).toBe(0);
    expect(new Set(customers.map((customer) => customer.gender))).toEqual(
      new Set(['FEMALE', 'MALE', 'NON_BINARY', 'UNDISCLOSED']),
    );
    const ages = customers.flatMap((customer) =>
      customer.birthDate ? [age(customer.birthDate)] : [],
    );
    expect(Math.min(...ages)).toBeGreaterThanOrEqual(18);
    expect(Math.max(...ages)).toBeLessThan(81);
  });

  it('gives every customer, e-mail, client event id and client order id a unique value', () => {
    const unique = (values: string[]) => new Set(values).size === values.length;
    expect(unique(batch.customers.map((customer) => customer.externalId))).toBe(true);
    expect(unique(batch.customers.map((customer) => customer.email))).toBe(true);
    expect(unique(batch.interactions.map((event) => event.clientEventId))).toBe(true);
    expect(unique(batch.orders.map((order) => order.clientOrderId))).toBe(true);
  });

  it('never dates an event or order before its customer signed up or after DEMO_END', () => {
    const signedUp = new Map(
      batch.customers.map((customer) => [customer.externalId, customer.signedUpAt.getTime()]),
    );
    const early = (externalId: string, at: Date) => at.getTime() < signedUp.get(externalId)!;
    expect(count(batch.interactions, (event) => early(event.externalId, event.occurredAt))).toBe(0);
    expect(count(batch.interactions, (event) => event.occurredAt.getTime() > end)).toBe(0);
    expect(count(batch.orders, (order) => early(order.externalId, order.orderedAt))).toBe(0);
    expect(count(batch.orders, (order) => order.orderedAt.getTime() > end)).toBe(0);
    expect(
      count(batch.consentChanges, (change) => early(change.externalId, change.changedAt)),
    ).toBe(0);
  });

  it('uses every interaction channel and keeps consents to EMAIL, SMS and MOBILE_APP', () => {
    expect(new Set(batch.interactions.map((event) => event.channel))).toEqual(new Set(CHANNELS));
    expect(batch.consents).toHaveLength(3 * 2000);
    expect(new Set(batch.consentChanges.map((change) => change.channel))).toEqual(
      new Set(['EMAIL', 'SMS', 'MOBILE_APP']),
    );
  });

  it('keeps funnels plausible: fewer opens than sends, clicks than opens, and steps narrowing', () => {
    const types = (type: string) => count(batch.interactions, (event) => event.type === type);
    expect(types('email_open')).toBeLessThanOrEqual(types('email_sent'));
    expect(types('email_open') / types('email_sent')).toBeCloseTo(0.35, 1);
    expect(types('email_click')).toBeLessThanOrEqual(types('email_open'));
    expect(types('sms_click')).toBeLessThanOrEqual(types('sms_sent'));
    expect(types('add_to_cart')).toBeLessThanOrEqual(types('product_view'));
    expect(types('checkout_start')).toBeLessThanOrEqual(types('add_to_cart'));
    expect(types('purchase')).toBeLessThanOrEqual(
      types('checkout_start') + types('store_visit') + types('call'),
    );
    expect(types('purchase')).toBe(batch.orders.length);
  });

  it('opens and clicks a campaign e-mail only after it was sent to that customer', () => {
    const key = (event: DemoInteractionRow) => `${event.externalId} ${event.properties?.campaign}`;
    const sent = new Map(
      batch.interactions
        .filter((event) => event.type === 'email_sent')
        .map((event) => [key(event), event.occurredAt.getTime()]),
    );
    const reactions = batch.interactions.filter(
      (event) => event.type === 'email_open' || event.type === 'email_click',
    );
    expect(reactions.length).toBeGreaterThan(1000);
    expect(count(reactions, (event) => !(event.occurredAt.getTime() > sent.get(key(event))!))).toBe(
      0,
    );
  });

  it('scores CSAT answers 1 to 5 and NPS answers 0 to 10, and nothing else', () => {
    const surveys = batch.interactions.filter((event) => event.type === 'survey_response');
    const csat = surveys.filter((event) => event.properties?.survey === 'csat');
    const nps = surveys.filter((event) => event.properties?.survey === 'nps');
    expect(csat.length).toBeGreaterThan(100);
    expect(nps.length).toBeGreaterThan(100);
    expect(csat.length + nps.length).toBe(surveys.length);
    expect(
      csat.every(
        (event) => Number.isInteger(event.score) && event.score! >= 1 && event.score! <= 5,
      ),
    ).toBe(true);
    expect(
      nps.every(
        (event) => Number.isInteger(event.score) && event.score! >= 0 && event.score! <= 10,
      ),
    ).toBe(true);
    expect(
      count(
        batch.interactions,
        (event) => event.type !== 'survey_response' && event.score !== null,
      ),
    ).toBe(0);
  });

  it('makes every order amount the sum of its 1 to 4 lines, priced from the catalogue', () => {
    const products = new Map(DEMO_CATALOGUE.map((item) => [item.id, item]));
    expect(DEMO_CATALOGUE).toHaveLength(40);
    expect(new Set(DEMO_CATALOGUE.map((item) => item.category)).size).toBe(8);
    const sumOfLines = (order: DemoOrderRow) =>
      order.lines.reduce((total, line) => total + line.quantity * cents(line.unitPrice), 0);
    expect(count(batch.orders, (order) => cents(order.amount) !== sumOfLines(order))).toBe(0);
    expect(count(batch.orders, (order) => order.lines.length < 1 || order.lines.length > 4)).toBe(
      0,
    );
    const lines = batch.orders.flatMap((order) => order.lines);
    expect(count(lines, (line) => products.get(line.productId)?.name !== line.productName)).toBe(0);
  });

  it('prices orders in the currency of the customer’s country', () => {
    const country = new Map(
      batch.customers.map((customer) => [customer.externalId, customer.country]),
    );
    const currency: Record<string, string> = {
      GB: 'GBP',
      US: 'USD',
      CA: 'CAD',
      DE: 'EUR',
      FR: 'EUR',
      NL: 'EUR',
      ES: 'EUR',
      IE: 'EUR',
    };
    expect(
      count(batch.orders, (order) => currency[country.get(order.externalId)!] !== order.currency),
    ).toBe(0);
  });

  it('leaves 20–30% of customers without orders and settles most orders as PAID', () => {
    const buyers = new Set(batch.orders.map((order) => order.externalId));
    const prospects = 1 - buyers.size / batch.customers.length;
    expect(prospects).toBeGreaterThanOrEqual(0.2);
    expect(prospects).toBeLessThanOrEqual(0.3);
    const statuses = new Set(batch.orders.map((order) => order.status));
    expect(statuses).toEqual(new Set(['PAID', 'PLACED', 'REFUNDED', 'CANCELLED']));
    expect(
      count(batch.orders, (order) => order.status === 'PAID') / batch.orders.length,
    ).toBeGreaterThan(0.8);
  });

  it('lets about a quarter of customers go quiet for 30+ days with no events after churning', () => {
    const quiet = Array.from({ length: 2000 }, (_, index) =>
      generateDemoCustomer(42, index),
    ).filter((data) => data.latent.churnedAt !== null);
    expect(quiet.length / 2000).toBeGreaterThan(0.2);
    expect(quiet.length / 2000).toBeLessThan(0.3);
    const churnedAt = (data: (typeof quiet)[number]) => data.latent.churnedAt!.getTime();
    // The silence lasts at least 30 days, so churn features can see it at DEMO_END.
    expect(count(quiet, (data) => end - churnedAt(data) < 30 * 86_400_000 - 1000)).toBe(0);
    const late = quiet.flatMap((data) =>
      data.interactions.filter((event) => event.occurredAt.getTime() > churnedAt(data)),
    );
    expect(late).toEqual([]);
  });

  it('numbers client event and order ids per customer in time order', () => {
    const data = generateDemoCustomer(42, 123);
    expect(data.interactions[0]?.clientEventId).toBe('demo-e-000123-0');
    expect(data.interactions.map((event) => event.occurredAt.getTime())).toEqual(
      [...data.interactions].map((event) => event.occurredAt.getTime()).sort((a, b) => a - b),
    );
    const purchase = data.interactions.find((event) => event.type === 'purchase');
    if (purchase) {
      expect(purchase.properties?.orderId).toBe('demo-o-000123-0');
      expect(purchase.value).toBe(data.orders[0]?.amount);
    }
  });
});
