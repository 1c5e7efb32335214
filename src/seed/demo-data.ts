import { Channel } from '../interactions/channel';
import { createRandom, deriveSeed, type Random } from './random';

export type * from './demo-rows';
import {
  CATEGORIES,
  COUNTRIES,
  COUNTRY_WEIGHTS,
  type Country,
  DEMO_CATALOGUE,
  type DemoProduct,
  FEMALE_NAMES,
  GBP_RATE,
  LAST_NAMES,
  MALE_NAMES,
  SOCIAL_NETWORKS,
  SUPPORT_TOPICS,
} from './demo-catalogue';
import type {
  DemoAttributes,
  DemoBatch,
  DemoConsentChannel,
  DemoConsentRow,
  DemoConsentStatus,
  DemoCustomerData,
  DemoGender,
  DemoInteractionRow,
  DemoLatent,
  DemoOrderLineRow,
  DemoOrderRow,
  DemoOrderStatus,
} from './demo-rows';
import { DAY_MS } from '../time';

// The demo data set, generated as plain rows (no database here). Every customer draws from a
// generator seeded by (seed, customer index) alone, so a customer's rows do not depend on the
// batch size or on how many customers are generated. Times are fixed (DEMO_END), not relative
// to now, so the data set is the same on every machine and every day.
//
// The data carries signal for the features built on it: customers have a latent activity rate,
// buyers and prospects, category preferences, and about a quarter go quiet before DEMO_END
// (fading first, then no events at all), with lower NPS and more tickets on the way out.

/** The last instant of the demo data set; no event is later. */
export const DEMO_END = new Date('2026-10-31T23:59:59.000Z');
/** The first sign-up instant: 18 months before DEMO_END. */
export const DEMO_START = new Date('2025-05-01T00:00:00.000Z');
export const DEMO_SEED = 42;
export const DEMO_CUSTOMERS = 2000;

const HOUR = 3_600_000;
const MINUTE = 60_000;

/** Newsletter every 14 days, Tuesdays 09:00 UTC; SMS offers every 28 days, Thursdays 17:00. */
const EMAIL_CAMPAIGNS = campaignDates(new Date('2025-05-06T09:00:00Z'), 14);
const SMS_CAMPAIGNS = campaignDates(new Date('2025-05-08T17:00:00Z'), 28);

function campaignDates(first: Date, everyDays: number): Array<{ id: string; at: number }> {
  const dates = [];
  for (let at = first.getTime(); at <= DEMO_END.getTime(); at += everyDays * DAY_MS) {
    dates.push({ id: new Date(at).toISOString().slice(0, 10), at });
  }

  return dates;
}

/** `demo-000123`: the external id of customer 123. */
export function demoExternalId(index: number): string {
  return `demo-${String(index).padStart(6, '0')}`;
}

/** Generates customers `from` (included) to `to` (excluded), flattened into row lists. */
export function generateDemoBatch(seed: number, from: number, to: number): DemoBatch {
  const batch: DemoBatch = {
    customers: [],
    consentChanges: [],
    consents: [],
    interactions: [],
    orders: [],
  };
  for (let index = from; index < to; index += 1) {
    const data = generateDemoCustomer(seed, index);
    batch.customers.push(data.customer);
    batch.consentChanges.push(...data.consentChanges);
    batch.consents.push(...data.consents);
    batch.interactions.push(...data.interactions);
    batch.orders.push(...data.orders);
  }

  return batch;
}

/** Everything about one customer; depends on (seed, index) only. */
export function generateDemoCustomer(seed: number, index: number): DemoCustomerData {
  const random = createRandom(deriveSeed(seed, index));
  const externalId = demoExternalId(index);
  const profile = drawProfile(random);
  const signedUpAt = drawSignUp(random);
  const latent = drawLatent(random, profile.acquisitionSource, signedUpAt);
  const consent = drawConsents(random, externalId, signedUpAt, latent);
  const timeline = new Timeline(random, externalId, profile.country, signedUpAt.getTime(), latent);
  timeline.emailCampaigns(consent.grantedAt(Channel.EMAIL));
  timeline.smsCampaigns(consent.grantedAt(Channel.SMS));
  timeline.shopping();
  timeline.service();
  const orders = timeline.finishOrders();
  const interactions = timeline.finishInteractions();
  const spent = orders
    .filter((order) => order.status === 'PAID')
    .reduce((sum, order) => sum + order.amount / (GBP_RATE[order.currency] ?? 1), 0);
  const lastChange = consent.changes[consent.changes.length - 1]?.changedAt ?? signedUpAt;
  const current = consent.current();

  return {
    customer: {
      index,
      externalId,
      name: `${profile.firstName} ${profile.lastName}`,
      email: `${emailPart(profile.firstName)}.${emailPart(profile.lastName)}.${index}@example.com`,
      phone: profile.phone,
      country: profile.country.code,
      city: profile.city,
      birthDate: profile.birthDate,
      gender: profile.gender,
      signedUpAt,
      updatedAt: lastChange,
      attributes: {
        tier: spent >= 1200 ? 'gold' : spent >= 250 ? 'silver' : 'bronze',
        newsletter: current.some(
          (row) => row.channel === Channel.EMAIL && row.status === 'GRANTED',
        ),
        acquisitionSource: profile.acquisitionSource,
        hasApp: latent.hasApp,
      },
    },
    consentChanges: consent.changes,
    consents: current,
    interactions,
    orders,
    latent: { isBuyer: latent.isBuyer, activity: latent.activity, churnedAt: latent.churnedAt },
  };
}

/** Lower-case ASCII for an e-mail address: `Zoë` → `zoe`, `O'Brien` → `obrien`. */
function emailPart(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}

interface Profile {
  firstName: string;
  lastName: string;
  gender: DemoGender;
  country: Country;
  city: string;
  phone: string | null;
  birthDate: string | null;
  acquisitionSource: DemoAttributes['acquisitionSource'];
}

function drawProfile(random: Random): Profile {
  const gender = random.weighted<DemoGender>(
    ['FEMALE', 'MALE', 'NON_BINARY', 'UNDISCLOSED'],
    [48, 46, 2, 4],
  );
  const names =
    gender === 'FEMALE'
      ? FEMALE_NAMES
      : gender === 'MALE'
        ? MALE_NAMES
        : random.pick([FEMALE_NAMES, MALE_NAMES]);
  const country = random.weighted(COUNTRIES, COUNTRY_WEIGHTS);
  // Ages 18–80 at DEMO_END, centred on the early forties as in most retail customer bases.
  const age = Math.min(80, Math.max(18, random.normal(41, 14)));
  const birth = new Date(DEMO_END.getTime() - age * 365.25 * DAY_MS);
  // Real customer bases are incomplete: some phones and birth dates are missing.
  const hasPhone = random.chance(0.9);
  const hasBirthDate = random.chance(0.92);

  return {
    firstName: random.pick(names),
    lastName: random.pick(LAST_NAMES),
    gender,
    country,
    city: random.pick(country.cities),
    phone: hasPhone ? country.phone(random) : null,
    birthDate: hasBirthDate ? birth.toISOString().slice(0, 10) : null,
    acquisitionSource: random.weighted(['organic', 'ads', 'referral', 'partner'], [40, 30, 18, 12]),
  };
}

/** Sign-ups over 18 months, growing: half uniform, half with a density rising towards the end. */
function drawSignUp(random: Random): Date {
  const span = DEMO_END.getTime() - DEMO_START.getTime() - HOUR;
  const u = random.float();
  const fraction = random.chance(0.5) ? u : Math.sqrt(u);

  return atSecond(DEMO_START.getTime() + fraction * span);
}

interface Latent extends DemoLatent {
  hasApp: boolean;
  /** Share of online sessions in the app rather than on the web. */
  appShare: number;
  storeGoer: boolean;
  ordersPerDay: number;
  openRate: number;
  categoryWeights: number[];
  /** When events stop: the churn instant or DEMO_END. */
  activeUntil: number;
}

function drawLatent(
  random: Random,
  source: DemoAttributes['acquisitionSource'],
  signedUpAt: Date,
): Latent {
  const start = signedUpAt.getTime();
  const end = DEMO_END.getTime();
  const buyerRate = { organic: 0.87, ads: 0.81, referral: 0.92, partner: 0.83 }[source];
  const isBuyer = random.chance(buyerRate);
  const activity = random.lognormal(-0.18, 0.6);
  const hasApp = random.chance(0.55);
  // Quiet customers: only those with 75+ days of history can show a detectable silence, which
  // lasts at least 30 days before DEMO_END; about a quarter of all customers end up quiet.
  const tenure = end - start;
  const churns = tenure > 75 * DAY_MS && random.chance(0.31);
  const churnedAt = churns
    ? atSecond(start + 14 * DAY_MS + random.float() * (tenure - 44 * DAY_MS))
    : null;

  return {
    isBuyer,
    activity,
    churnedAt,
    hasApp,
    appShare: hasApp ? random.between(0.3, 0.85) : 0,
    storeGoer: random.chance(0.3),
    ordersPerDay: isBuyer ? random.lognormal(Math.log(0.041), 0.5) * activity : 0,
    openRate: Math.min(0.9, 0.35 * random.lognormal(-0.125, 0.5)),
    categoryWeights: CATEGORIES.map(() => random.lognormal(0, 1.1)),
    activeUntil: churnedAt?.getTime() ?? end,
  };
}

interface Consents {
  changes: DemoConsentRow[];
  current(): DemoConsentRow[];
  /** Whether the channel was granted at an instant. */
  grantedAt(channel: DemoConsentChannel): (at: number) => boolean;
}

function drawConsents(
  random: Random,
  externalId: string,
  signedUpAt: Date,
  latent: Latent,
): Consents {
  const grantRates: Array<[DemoConsentChannel, number]> = [
    [Channel.EMAIL, 0.74],
    [Channel.SMS, 0.35],
    [Channel.MOBILE_APP, latent.hasApp ? 0.7 : 0.05],
  ];
  const changes: DemoConsentRow[] = [];
  for (const [channel, rate] of grantRates) {
    const status: DemoConsentStatus = random.chance(rate) ? 'GRANTED' : 'DENIED';
    changes.push({ externalId, channel, status, changedAt: signedUpAt, source: 'signup-form' });
    // Some customers revisit their choice in the preference centre; withdrawing is likelier.
    if (random.chance(status === 'GRANTED' ? 0.15 : 0.08)) {
      const at =
        signedUpAt.getTime() + random.float() * (latent.activeUntil - signedUpAt.getTime());
      changes.push({
        externalId,
        channel,
        status: status === 'GRANTED' ? 'DENIED' : 'GRANTED',
        changedAt: atSecond(at),
        source: 'preference-center',
      });
    }
  }
  changes.sort((a, b) => a.changedAt.getTime() - b.changedAt.getTime());

  return {
    changes,
    current: () =>
      grantRates.map(([channel]) => changes.filter((c) => c.channel === channel).pop()!),
    grantedAt: (channel) => (at) => {
      let granted = false;
      for (const change of changes) {
        if (change.channel === channel && change.changedAt.getTime() <= at) {
          granted = change.status === 'GRANTED';
        }
      }

      return granted;
    },
  };
}

interface DraftOrder {
  orderedAt: number;
  status: DemoOrderStatus;
  updatedAt: number;
  amountCents: number;
  lines: DemoOrderLineRow[];
}

interface DraftEvent {
  at: number;
  channel: Channel;
  type: string;
  value: number | null;
  score: number | null;
  properties: DemoInteractionRow['properties'];
  /** The order this `purchase` event records; its properties are filled once orders have ids. */
  order?: DraftOrder;
}

/** Collects one customer's events and orders, dropping anything outside their active span. */
class Timeline {
  private readonly events: DraftEvent[] = [];
  private readonly orders: DraftOrder[] = [];
  /** Each draft order's stored row, once `finishOrders` has numbered them. */
  private readonly orderRows = new Map<DraftOrder, DemoOrderRow>();

  constructor(
    private readonly random: Random,
    private readonly externalId: string,
    private readonly country: Country,
    private readonly start: number,
    private readonly latent: Latent,
  ) {}

  /**
   * How active the customer is at an instant, relative to their usual rate (at most 1.6): keen
   * in the first month after sign-up, fading over the six weeks before going quiet.
   */
  private intensity(at: number): number {
    const fresh = at - this.start < 30 * DAY_MS ? 1.6 : 1;
    const fading = this.latent.churnedAt && this.latent.activeUntil - at < 42 * DAY_MS ? 0.35 : 1;

    return fresh * fading;
  }

  /** Instants of a Poisson process with `perDay` × intensity, from sign-up to the end. */
  private arrivals(perDay: number): number[] {
    const times: number[] = [];
    if (perDay <= 0) {
      return times;
    }
    const peak = 1.6;
    // Thinning: draw at the peak rate, keep each instant with probability intensity / peak.
    let at = this.start + this.random.exponential(DAY_MS / (perDay * peak));
    while (at <= this.latent.activeUntil) {
      if (this.random.chance(this.intensity(at) / peak)) {
        times.push(atSecond(at).getTime());
      }
      at += this.random.exponential(DAY_MS / (perDay * peak));
    }

    return times;
  }

  private add(event: DraftEvent): boolean {
    if (event.at < this.start || event.at > this.latent.activeUntil) {
      return false;
    }
    this.events.push(event);

    return true;
  }

  private event(
    at: number,
    channel: Channel,
    type: string,
    extra: Partial<Pick<DraftEvent, 'value' | 'score' | 'properties'>> = {},
  ): boolean {
    return this.add({ at, channel, type, value: null, score: null, properties: null, ...extra });
  }

  emailCampaigns(granted: (at: number) => boolean): void {
    const r = this.random;
    for (const campaign of EMAIL_CAMPAIGNS) {
      // Campaigns target segments: not every consenting customer gets every newsletter.
      if (campaign.at < this.start || !granted(campaign.at) || !r.chance(0.45)) {
        continue;
      }
      const properties = { campaign: `newsletter-${campaign.id}` };
      const sentAt = campaign.at + r.int(0, 120) * MINUTE;
      if (!this.event(sentAt, Channel.EMAIL, 'email_sent', { properties })) {
        continue;
      }
      const openRate = this.latent.openRate * this.intensity(sentAt);
      if (!r.chance(Math.min(0.95, openRate))) {
        continue;
      }
      const openedAt = sentAt + Math.round(r.exponential(6 * HOUR) / 1000) * 1000 + MINUTE;
      if (!this.event(openedAt, Channel.EMAIL, 'email_open', { properties }) || !r.chance(0.2)) {
        continue;
      }
      const clickedAt = openedAt + r.int(10, 600) * 1000;
      if (this.event(clickedAt, Channel.EMAIL, 'email_click', { properties })) {
        const landing = clickedAt + r.int(2, 20) * 1000;
        const buys = this.latent.isBuyer && r.chance(0.15);
        this.session(landing, Channel.WEB, { buys, landing: true, campaign: properties });
      }
    }
  }

  smsCampaigns(granted: (at: number) => boolean): void {
    const r = this.random;
    for (const campaign of SMS_CAMPAIGNS) {
      if (campaign.at < this.start || !granted(campaign.at) || !r.chance(0.6)) {
        continue;
      }
      const properties = { campaign: `sms-offer-${campaign.id}` };
      const sentAt = campaign.at + r.int(0, 30) * MINUTE;
      if (this.event(sentAt, Channel.SMS, 'sms_sent', { properties }) && r.chance(0.09)) {
        this.event(sentAt + r.int(30, 3600) * 1000, Channel.SMS, 'sms_click', { properties });
      }
    }
  }

  /** Orders (online, in store, by phone) and browsing sessions that end without one. */
  shopping(): void {
    const r = this.random;
    const { ordersPerDay, activity, appShare, storeGoer } = this.latent;
    const online = (): Channel => (r.chance(appShare) ? Channel.MOBILE_APP : Channel.WEB);
    for (const at of this.arrivals(ordersPerDay)) {
      const where = r.float();
      if (storeGoer && where < 0.4) {
        const visit = r.int(5, 50) * MINUTE;
        if (
          this.event(at, Channel.STORE, 'store_visit', {
            value: visit / 1000,
            properties: this.store(),
          })
        ) {
          this.order(at + visit - r.int(1, 4) * MINUTE, Channel.STORE);
        }
      } else if (where > 0.96) {
        const call = r.int(120, 900) * 1000;
        if (
          this.event(at, Channel.PHONE, 'call', {
            value: call / 1000,
            properties: { direction: 'inbound', reason: 'order' },
          })
        ) {
          this.order(at + call - 30_000, Channel.PHONE);
        }
      } else {
        this.session(at, online(), { buys: true, landing: r.chance(0.15) });
      }
    }
    // Browsing without buying: a base rate (prospects browse too) plus a share of the order rate.
    for (const at of this.arrivals(0.006 * activity + ordersPerDay * 0.45)) {
      this.session(at, online(), { buys: false, landing: true });
    }
    if (storeGoer) {
      for (const at of this.arrivals(0.006 * activity)) {
        this.event(at, Channel.STORE, 'store_visit', {
          value: this.random.int(3, 30) * 60,
          properties: this.store(),
        });
      }
    }
    // Half of the customers follow the brand on social networks.
    const socialPerDay = r.chance(0.5) ? 0.009 * activity : 0;
    for (const at of this.arrivals(socialPerDay)) {
      this.event(at, Channel.SOCIAL, 'social_engagement', {
        properties: {
          network: r.pick(SOCIAL_NETWORKS),
          action: r.weighted(['like', 'comment', 'share', 'mention'], [60, 20, 12, 8]),
        },
      });
    }
  }

  /** Support, chat, phone calls and surveys; quiet-to-be customers complain more. */
  service(): void {
    const r = this.random;
    const unhappy = this.latent.churnedAt !== null;
    for (const at of this.arrivals(unhappy ? 0.004 : 0.0015)) {
      this.ticket(at, r.pick(SUPPORT_TOPICS));
    }
    for (const at of this.arrivals(0.003)) {
      this.event(at, Channel.CHAT, 'chat_message', {
        properties: { topic: r.pick(SUPPORT_TOPICS), agent: r.chance(0.6) ? 'bot' : 'human' },
      });
    }
    for (const at of this.arrivals(0.0015)) {
      this.event(at, Channel.PHONE, 'call', {
        value: r.int(60, 1200),
        properties: { direction: r.chance(0.7) ? 'inbound' : 'outbound', reason: 'service' },
      });
    }
    // NPS: asked every 90 days after sign-up; about a quarter answer.
    for (let at = this.start + 90 * DAY_MS; at <= this.latent.activeUntil; at += 90 * DAY_MS) {
      if (!r.chance(0.27)) {
        continue;
      }
      const mean = 7.6 + 0.8 * Math.log(this.latent.activity) - (unhappy ? 2.8 : 0);
      const score = Math.round(Math.min(10, Math.max(0, r.normal(mean, 1.9))));
      this.event(at + r.int(0, 72) * HOUR, Channel.SURVEY, 'survey_response', {
        score,
        properties: { survey: 'nps' },
      });
    }
  }

  private store(): Record<string, string> {
    return { store: `${this.country.code}-${this.random.int(1, 3)}` };
  }

  /** A support ticket, often followed by a CSAT answer a day or two later. */
  private ticket(at: number, topic: (typeof SUPPORT_TOPICS)[number], priority?: string): void {
    const r = this.random;
    const level = priority ?? r.weighted(['low', 'normal', 'high'], [30, 55, 15]);
    if (
      !this.event(at, Channel.SUPPORT, 'support_ticket', { properties: { topic, priority: level } })
    ) {
      return;
    }
    if (r.chance(0.55)) {
      const mean = (level === 'high' ? 3.4 : 4.2) - (this.latent.churnedAt ? 0.9 : 0);
      const score = Math.round(Math.min(5, Math.max(1, r.normal(mean, 1))));
      this.event(at + r.int(6, 60) * HOUR, Channel.SURVEY, 'survey_response', {
        score,
        properties: { survey: 'csat', topic },
      });
    }
  }

  /**
   * One online session on the web or in the app: maybe a landing event (page view or app open),
   * then the funnel product view → add to cart → checkout → purchase. A buying session reaches
   * the purchase; a browsing one stops at some step, so every step counts at least as many
   * events as the next. Repeat buyers sometimes reorder from their order history, which puts a
   * past product straight into the cart without a product view.
   */
  private session(
    at: number,
    channel: Channel,
    options: { buys: boolean; landing: boolean; campaign?: Record<string, string> },
  ): void {
    const r = this.random;
    const { buys, campaign } = options;
    if (options.landing) {
      const landed =
        channel === Channel.MOBILE_APP
          ? this.event(at, channel, 'app_open', { value: r.int(30, 900), properties: campaign })
          : this.event(at, channel, 'page_view', {
              value: r.int(5, 240),
              properties: campaign
                ? { ...campaign, page: 'campaign-landing' }
                : { page: r.pick(['home', 'category', 'search']) },
            });
      if (!landed || (!buys && !r.chance(0.8))) {
        return;
      }
    }
    const reorder = buys && this.orders.some((order) => order.orderedAt < at) && r.chance(0.15);
    const item = this.pickProduct();
    let t = at + r.int(10, 90) * 1000;
    if (!reorder) {
      this.event(t, channel, 'product_view', {
        value: r.int(5, 180),
        properties: { productId: item.id, category: item.category },
      });
      if (!buys && !r.chance(0.25)) {
        return;
      }
      t += r.int(20, 300) * 1000;
    }
    const price = this.localPrice(item) / 100;
    this.event(t, channel, 'add_to_cart', {
      value: price,
      properties: { productId: item.id, currency: this.country.currency, reorder },
    });
    if (!buys && !r.chance(0.35)) {
      return;
    }
    t += r.int(30, 600) * 1000;
    this.event(t, channel, 'checkout_start', { value: price });
    if (buys) {
      this.order(t + r.int(40, 400) * 1000, channel, item);
    }
  }

  /** An order at `at` with its `purchase` event, unless that falls outside the active span. */
  private order(at: number, channel: Channel, first?: DemoProduct): void {
    const r = this.random;
    if (at > this.latent.activeUntil) {
      return;
    }
    const count = r.weighted([1, 2, 3, 4], [50, 30, 14, 6]);
    const products = first ? [first] : [];
    while (products.length < count) {
      const next = this.pickProduct();
      if (!products.includes(next)) {
        products.push(next);
      }
    }
    const lines = products.map((item) => ({
      productId: item.id,
      productName: item.name,
      category: item.category,
      quantity: r.weighted([1, 2, 3], [80, 15, 5]),
      unitPrice: this.localPrice(item) / 100,
    }));
    const amountCents = lines.reduce(
      (sum, line) => sum + line.quantity * Math.round(line.unitPrice * 100),
      0,
    );
    const { status, updatedAt } = this.orderStatus(at);
    const order: DraftOrder = { orderedAt: at, status, updatedAt, amountCents, lines };
    this.orders.push(order);
    this.add({
      at,
      channel,
      type: 'purchase',
      value: amountCents / 100,
      score: null,
      properties: null,
      order,
    });
    // Problem orders bring tickets: most refunds and cancellations, a few of the others.
    const problem = status === 'REFUNDED' || status === 'CANCELLED';
    if (r.chance(problem ? 0.6 : 0.04)) {
      const topic = status === 'REFUNDED' ? 'returns' : r.pick(['delivery', 'billing'] as const);
      this.ticket(at + r.int(1, 10) * DAY_MS, topic, problem ? 'high' : undefined);
    }
  }

  private orderStatus(at: number): { status: DemoOrderStatus; updatedAt: number } {
    const r = this.random;
    // Orders of the last two days are mostly not yet paid; older ones settled long ago.
    const recent = DEMO_END.getTime() - at < 2 * DAY_MS;
    const status = r.weighted<DemoOrderStatus>(
      ['PAID', 'PLACED', 'REFUNDED', 'CANCELLED'],
      recent ? [35, 65, 0, 0] : [87, 2, 6, 5],
    );
    if (status !== 'REFUNDED' && status !== 'CANCELLED') {
      return { status, updatedAt: at };
    }
    const later =
      at + r.int(status === 'REFUNDED' ? 3 : 0, status === 'REFUNDED' ? 30 : 2) * DAY_MS;

    return { status, updatedAt: Math.min(later + r.int(0, 3600) * 1000, DEMO_END.getTime()) };
  }

  private pickProduct(): DemoProduct {
    const category = this.random.weighted(CATEGORIES, this.latent.categoryWeights);
    const items = DEMO_CATALOGUE.filter((item) => item.category === category);

    return this.random.pick(items);
  }

  /** The product's price in the customer's currency, in cents, at a .99 price point. */
  private localPrice(item: DemoProduct): number {
    const rate = GBP_RATE[this.country.currency] ?? 1;

    return Math.ceil((item.price * rate) / 100) * 100 - 1;
  }

  /** The orders, oldest first, with client order ids; call before `finishInteractions`. */
  finishOrders(): DemoOrderRow[] {
    const sorted = [...this.orders].sort((a, b) => a.orderedAt - b.orderedAt);
    const number = this.externalId.slice('demo-'.length);
    const rows = sorted.map((order, n) => ({
      externalId: this.externalId,
      clientOrderId: `demo-o-${number}-${n}`,
      orderedAt: new Date(order.orderedAt),
      amount: order.amountCents / 100,
      currency: this.country.currency,
      status: order.status,
      updatedAt: new Date(order.updatedAt),
      lines: order.lines,
    }));
    sorted.forEach((order, n) => this.orderRows.set(order, rows[n]!));

    return rows;
  }

  /** The interactions, oldest first, with client event ids. */
  finishInteractions(): DemoInteractionRow[] {
    // A stable sort keeps the funnel order of events that share an instant.
    const sorted = [...this.events].sort((a, b) => a.at - b.at);
    const number = this.externalId.slice('demo-'.length);

    return sorted.map((event, n) => {
      const order = event.order ? this.orderRows.get(event.order) : undefined;

      return {
        externalId: this.externalId,
        channel: event.channel,
        type: event.type,
        occurredAt: new Date(event.at),
        value: event.value,
        score: event.score,
        properties: order
          ? { orderId: order.clientOrderId, currency: order.currency, items: order.lines.length }
          : event.properties,
        clientEventId: `demo-e-${number}-${n}`,
      };
    });
  }
}

/** Drops milliseconds: demo instants are whole seconds, like most source systems send. */
function atSecond(ms: number): Date {
  return new Date(Math.floor(ms / 1000) * 1000);
}
