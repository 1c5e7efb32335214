import type { DataSource } from 'typeorm';
import { insertSkippingDuplicates, sqlInstant } from '../../../src/db/dialect';
import { insertOrderRows } from './factories';

// Seeded random customers with everything a segment rule can read, written straight into the
// tables, and an evaluator of rules over the same data written from the documented semantics
// (README "Segments"), independently of rule-sql.ts: the equivalence test compares the two.

const DAY = 86_400_000;

/** A small deterministic PRNG (mulberry32), so that a failing seed can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;

  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);

    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Pick {
  constructor(readonly random: () => number) {}

  int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  one<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)];
  }

  chance(p: number): boolean {
    return this.random() < p;
  }

  some<T>(items: readonly T[]): T[] {
    const chosen = items.filter(() => this.chance(0.4));

    return chosen.length > 0 ? chosen : [this.one(items)];
  }
}

export interface GeneratedCustomer {
  id: number;
  deleted: boolean;
  country: string | null;
  city: string | null;
  birthDate: string | null;
  gender: string | null;
  signedUpAt: Date;
  attributes: Record<string, unknown> | null;
  consents: Record<string, string>;
  interactions: Array<{
    channel: string;
    type: string;
    at: Date;
    properties: Record<string, unknown> | null;
  }>;
  orders: Array<{ status: string; amount: number; at: Date }>;
  rfm: { group: string; r: number; f: number; m: number } | null;
  stage: string | null;
  /** Latest prediction per kind; a kind the customer was not scored for is missing. */
  predictions: Record<string, { score: number; decile: number }>;
}

export interface SegmentData {
  now: Date;
  customers: GeneratedCustomer[];
  /** Segment db id → member customer ids. */
  memberships: Map<number, Set<number>>;
}

export const INTERACTION_CHANNELS = ['EMAIL', 'WEB', 'SMS', 'STORE'];
export const INTERACTION_TYPES = ['purchase', 'page_view', 'Open', 'click'];
export const RFM_GROUPS = ['CHAMPIONS', 'LOYAL', 'NEW', 'AT_RISK', 'LOST', 'HIBERNATING'];
export const STAGES = ['PROSPECT', 'NEW', 'ACTIVE', 'AT_RISK', 'LAPSED', 'REACTIVATED'];
export const PREDICTION_KINDS = ['CHURN', 'PROPENSITY', 'CLV'];
// Letters beyond ASCII in several cases, and one without its accent, which must not match.
export const CITIES = [
  'London',
  'Paris',
  'Berlin',
  'new york',
  'Leeds',
  'St_Albans',
  '100%Town',
  'München',
  'MÜNCHEN',
  'Munchen',
  'Łódź',
];

/** Writes `count` random customers (and their activity) and two STATIC segments. */
export async function generateSegmentData(
  db: DataSource,
  seed: number,
  count: number,
  now: Date,
): Promise<SegmentData> {
  const pick = new Pick(seededRandom(seed));
  const manager = db.manager;
  const at = (date: Date) => sqlInstant(db, date);
  // Instants near window edges (exactly N days before now) catch off-by-one boundaries.
  const when = (pastDays: number): Date =>
    pick.chance(0.15)
      ? new Date(now.getTime() - pick.one([0, 1, 7, 30, 90]) * DAY)
      : new Date(now.getTime() - pick.random() * pastDays * DAY + 5 * DAY * pick.random() * 0.2);
  // Predictions come from a stream of their own, so that adding them changed no other value.
  const scores = new Pick(seededRandom(seed ^ 0x5eed));
  const drafts = Array.from({ length: count }, (_, i) => ({
    ...draftCustomer(pick, now, i, when),
    predictions: draftPredictions(scores),
  }));
  await insertSkippingDuplicates(
    manager,
    'customers',
    [
      'external_id',
      'country',
      'city',
      'birth_date',
      'gender',
      'signed_up_at',
      'attributes',
      'created_at',
      'updated_at',
      'deleted_at',
      'version',
    ],
    drafts.map((c, i) => [
      `seg-${seed}-${i}`,
      c.country,
      c.city,
      c.birthDate,
      c.gender,
      at(c.signedUpAt),
      c.attributes === null ? null : JSON.stringify(c.attributes),
      at(now),
      at(now),
      c.deleted ? at(now) : null,
      1,
    ]),
  );
  const rows: Array<{ id: number; external_id: string }> = await db.query(
    'SELECT id, external_id FROM customers WHERE external_id LIKE ?',
    [`seg-${seed}-%`],
  );
  const idOf = new Map(rows.map((row) => [row.external_id, Number(row.id)]));
  const customers = drafts.map((c, i) => ({ ...c, id: idOf.get(`seg-${seed}-${i}`) as number }));
  await insertSkippingDuplicates(
    manager,
    'customer_consents',
    ['customer_id', 'channel', 'status', 'changed_at'],
    customers.flatMap((c) =>
      Object.entries(c.consents).map(([channel, status]) => [c.id, channel, status, at(now)]),
    ),
  );
  let event = 0;
  await insertSkippingDuplicates(
    manager,
    'interactions',
    [
      'customer_id',
      'channel',
      'type',
      'occurred_at',
      'properties',
      'client_event_id',
      'created_at',
    ],
    customers.flatMap((c) =>
      c.interactions.map((i) => [
        c.id,
        i.channel,
        i.type,
        at(i.at),
        i.properties === null ? null : JSON.stringify(i.properties),
        `seg-${seed}-event-${(event += 1)}`,
        at(now),
      ]),
    ),
  );
  await insertOrderRows(
    manager,
    customers.flatMap((c) =>
      c.orders.map((o) => ({
        customerId: c.id,
        clientOrderId: `seg-${seed}-order-${(event += 1)}`,
        orderedAt: at(o.at),
        amount: o.amount,
        status: o.status,
        writtenAt: at(now),
      })),
    ),
  );
  await insertSkippingDuplicates(
    manager,
    'customer_rfm',
    [
      'customer_id',
      'recency_days',
      'frequency',
      'monetary',
      'r',
      'f',
      'm',
      'rfm_group',
      'computed_at',
    ],
    customers.flatMap((c) =>
      c.rfm ? [[c.id, 10, 1, 10, c.rfm.r, c.rfm.f, c.rfm.m, c.rfm.group, at(now)]] : [],
    ),
  );
  await insertSkippingDuplicates(
    manager,
    'customer_lifecycle',
    ['customer_id', 'stage', 'since', 'computed_at'],
    customers.flatMap((c) => (c.stage ? [[c.id, c.stage, at(now), at(now)]] : [])),
  );
  await insertSkippingDuplicates(
    manager,
    'predictions',
    ['customer_id', 'kind', 'model_version_id', 'score', 'decile', 'scored_at'],
    customers.flatMap((c) =>
      Object.entries(c.predictions).map(([kind, p]) => [c.id, kind, 1, p.score, p.decile, at(now)]),
    ),
  );
  const memberships = new Map<number, Set<number>>();
  for (const name of ['A', 'B']) {
    await insertSkippingDuplicates(
      manager,
      'segments',
      ['name', 'kind', 'created_at', 'updated_at', 'version', 'size'],
      [[`seg-${seed}-${name}`, 'STATIC', at(now), at(now), 1, 0]],
    );
    const [{ id }] = await db.query('SELECT id FROM segments WHERE name = ?', [
      `seg-${seed}-${name}`,
    ]);
    const members = customers.filter(() => pick.chance(0.4)).map((c) => c.id);
    await insertSkippingDuplicates(
      manager,
      'segment_memberships',
      ['segment_id', 'customer_id', 'entered_at'],
      members.map((customerId) => [Number(id), customerId, at(now)]),
    );
    memberships.set(Number(id), new Set(members));
  }

  return { now, customers, memberships };
}

function draftCustomer(
  pick: Pick,
  now: Date,
  i: number,
  when: (pastDays: number) => Date,
): Omit<GeneratedCustomer, 'id' | 'predictions'> {
  const year = now.getUTCFullYear();
  const birthDate = pick.chance(0.2)
    ? null
    : pick.chance(0.2)
      ? // Birthdays on and around refresh day, and on 29 February, test the age cut-offs.
        `${pick.int(year - 80, year - 10)}-${pick.one(['02-28', '02-29', '03-01', '03-02'])}`
      : `${pick.int(year - 85, year - 5)}-${pad(pick.int(1, 12))}-${pad(pick.int(1, 28))}`;
  const validBirth =
    birthDate && new Date(`${birthDate}T00:00:00Z`).toISOString().startsWith(birthDate)
      ? birthDate
      : birthDate && birthDate.replace('-02-29', '-02-28');
  const attributes: Record<string, unknown> = {};
  if (pick.chance(0.7)) {
    attributes.tier = pick.one(['gold', 'Silver', 'bronze', 'GOLD', 3, 'Élite', 'élite', 'Elite']);
  }
  if (pick.chance(0.7)) {
    attributes.score = pick.one([1, 2.5, 3, 4, 7, '7', -1]);
  }
  if (pick.chance(0.6)) {
    attributes.vip = pick.one([true, false, 'true']);
  }
  if (pick.chance(0.6)) {
    attributes.joined = pick.one([
      '2023-05-01',
      '2024-01-01',
      '2024-07-15T10:00:00Z',
      '2025-12-31',
      'soon',
    ]);
  }
  if (pick.chance(0.5)) {
    attributes.nested = { level: pick.int(0, 4) };
  }
  const consents: Record<string, string> = {};
  for (const channel of ['EMAIL', 'SMS']) {
    if (pick.chance(0.7)) {
      consents[channel] = pick.one(['GRANTED', 'DENIED']);
    }
  }

  return {
    deleted: pick.chance(0.05),
    country: pick.chance(0.15) ? null : pick.one(['GB', 'FR', 'DE', 'US']),
    city: pick.chance(0.15) ? null : pick.one(CITIES),
    birthDate: validBirth ?? null,
    gender: pick.chance(0.2) ? null : pick.one(['FEMALE', 'MALE', 'NON_BINARY', 'UNDISCLOSED']),
    signedUpAt: new Date(Date.UTC(2020, 0, 1) + i * 3_600_000 * 97 + pick.int(0, 3_600_000)),
    attributes: pick.chance(0.1) ? null : attributes,
    consents,
    interactions: Array.from({ length: pick.int(0, 12) }, () => {
      const properties: Record<string, unknown> = {};
      if (pick.chance(0.6)) {
        properties.sku = pick.one(['A', 'b', 'B', 1, 'Ä', 'ä']);
      }
      if (pick.chance(0.4)) {
        properties.gift = pick.one([true, false]);
      }

      return {
        channel: pick.one(INTERACTION_CHANNELS),
        type: pick.one(INTERACTION_TYPES),
        at: when(400),
        properties: pick.chance(0.2) ? null : properties,
      };
    }),
    orders: Array.from({ length: pick.int(0, 6) }, () => ({
      status: pick.chance(0.7) ? 'PAID' : pick.one(['PLACED', 'REFUNDED', 'CANCELLED']),
      amount: pick.int(4, 2000) / 4,
      at: when(800),
    })),
    rfm: pick.chance(0.7)
      ? { group: pick.one(RFM_GROUPS), r: pick.int(1, 5), f: pick.int(1, 5), m: pick.int(1, 5) }
      : null,
    stage: pick.chance(0.8) ? pick.one(STAGES) : null,
  };
}

// Scores on the bounds rules use (0, 0.2, 0.5, 1; CLV 100) test that both bounds are included.
function draftPredictions(pick: Pick): GeneratedCustomer['predictions'] {
  const predictions: GeneratedCustomer['predictions'] = {};
  for (const kind of PREDICTION_KINDS) {
    if (pick.chance(0.8)) {
      const edge = pick.chance(0.2);
      const score =
        kind === 'CLV'
          ? edge
            ? pick.one([0, 100, 250])
            : pick.int(0, 40_000) / 100
          : edge
            ? pick.one([0, 0.2, 0.5, 1])
            : pick.int(0, 1000) / 1000;
      predictions[kind] = { score, decile: pick.int(1, 10) };
    }
  }

  return predictions;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
