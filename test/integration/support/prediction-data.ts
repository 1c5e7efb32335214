import type { DataSource } from 'typeorm';
import { insertSkippingDuplicates, sqlInstant } from '../../../src/db/dialect';
import { Pick, seededRandom } from './segment-data';
import type { TestPulse } from './start-pulse';
import { insertOrderRows } from './factories';

// Seeded customers whose purchases follow a known law, written straight into the tables: every
// 30-day window (aligned on UTC midnight, counted back from today) holds an order with
// probability sigmoid(b0 + bWeb·log1p(web) + bSupport·log1p(support)), where web and support
// count the customer's WEB and SUPPORT interactions in the 90 days before the window. PROPENSITY
// (30 days) therefore has a positive effect of web_interactions_90d and a negative one of
// support_interactions_90d, and CHURN (no purchase in 90 days) the opposite signs. Interaction
// rates are stationary per-customer traits, so every snapshot of the last two years sees the
// same law.

const DAY = 86_400_000;
const WINDOW_DAYS = 30;
const WINDOWS = 24;
const LOOKBACK_DAYS = 90;

/** The planted effects on the log-odds of an order in a 30-day window. */
export const PLANTED = { b0: -1, bWeb: 0.9, bSupport: -0.8 } as const;

export const WEB_TYPES = ['page_view', 'search', 'wishlist'];
export const SUPPORT_TYPES = ['ticket', 'call'];

interface Event {
  channel: 'WEB' | 'SUPPORT';
  type: string;
  at: number;
}

/** One generated customer, as written. */
export interface PredictionCustomer {
  id: number;
  externalId: string;
  signedUpAt: Date;
  events: Event[];
  orders: Array<{ at: number; amount: number }>;
  /** Whether the customer makes no purchase in the 90 days after today: a CHURN outcome. */
  churnsNext90: boolean;
}

export interface PredictionData {
  /** UTC midnight of the day the data was generated for; windows end there. */
  today: Date;
  customers: PredictionCustomer[];
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** A standard normal draw (Box–Muller), for log-normal rates. */
function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** A Poisson draw by inversion; means here stay small (< 100). */
function poisson(random: () => number, mean: number): number {
  const limit = Math.exp(-mean);
  let count = 0;
  let product = random();
  while (product > limit) {
    count += 1;
    product *= random();
  }

  return count;
}

/** The probability of an order in the window starting at `start`, from the 90 days before. */
export function orderProbability(events: readonly Event[], start: number): number {
  const from = start - LOOKBACK_DAYS * DAY;
  let web = 0;
  let support = 0;
  for (const event of events) {
    if (event.at >= from && event.at < start) {
      if (event.channel === 'WEB') {
        web += 1;
      } else {
        support += 1;
      }
    }
  }

  return sigmoid(
    PLANTED.b0 + PLANTED.bWeb * Math.log1p(web) + PLANTED.bSupport * Math.log1p(support),
  );
}

function draftCustomer(pick: Pick, today: number, index: number, prefix: string) {
  const signedUpAt = today - 730 * DAY - pick.int(0, DAY - 1);
  // Mean interactions per 90 days, log-normal and independent between channels, so that the
  // two effects can be told apart.
  const webPer90 = 2.5 * Math.exp(0.9 * normal(pick.random));
  const supportPer90 = 1 * Math.exp(0.9 * normal(pick.random));
  const span = today - signedUpAt;
  const events: Event[] = [];
  for (const [channel, per90, types] of [
    ['WEB', webPer90, WEB_TYPES],
    ['SUPPORT', supportPer90, SUPPORT_TYPES],
  ] as const) {
    const count = poisson(pick.random, (per90 * span) / (LOOKBACK_DAYS * DAY));
    for (let i = 0; i < count; i++) {
      events.push({
        channel,
        type: pick.one(types),
        at: signedUpAt + Math.floor(pick.random() * span),
      });
    }
  }
  const orders: Array<{ at: number; amount: number }> = [];
  for (let window = WINDOWS; window >= 1; window--) {
    const start = today - window * WINDOW_DAYS * DAY;
    if (pick.chance(orderProbability(events, start))) {
      orders.push({
        at: start + Math.floor(pick.random() * WINDOW_DAYS * DAY),
        amount: Math.round(2000 * Math.exp(0.5 * normal(pick.random))) / 100,
      });
    }
  }
  // The next 90 days follow the same law with no new interactions: three windows whose
  // lookbacks hold 90, 60 and 30 days of the past.
  const churnsNext90 = [0, 1, 2].every(
    (window) => !pick.chance(orderProbability(events, today + window * WINDOW_DAYS * DAY)),
  );

  return {
    externalId: `${prefix}-${index}`,
    signedUpAt: new Date(signedUpAt),
    events,
    orders,
    churnsNext90,
  };
}

/**
 * Writes `count` seeded customers with two years of interactions and orders ending at today's
 * UTC midnight, so that the same seed gives the same features whenever the test runs.
 */
export async function generatePredictionData(
  db: DataSource,
  seed: number,
  count: number,
  now = new Date(),
): Promise<PredictionData> {
  const today = Math.floor(now.getTime() / DAY) * DAY;
  const pick = new Pick(seededRandom(seed));
  const prefix = `pred-${seed}`;
  const drafts = Array.from({ length: count }, (_, i) => draftCustomer(pick, today, i, prefix));
  const at = (instant: number | Date) => sqlInstant(db, new Date(instant));
  const written = at(now);
  await insertSkippingDuplicates(
    db.manager,
    'customers',
    ['external_id', 'signed_up_at', 'created_at', 'updated_at', 'version'],
    drafts.map((c) => [c.externalId, at(c.signedUpAt), written, written, 1]),
  );
  const rows: Array<{ id: number; external_id: string }> = await db.query(
    'SELECT id, external_id FROM customers WHERE external_id LIKE ?',
    [`${prefix}-%`],
  );
  const idOf = new Map(rows.map((row) => [row.external_id, Number(row.id)]));
  const customers = drafts.map((c) => ({ ...c, id: idOf.get(c.externalId) as number }));
  let sequence = 0;
  await insertSkippingDuplicates(
    db.manager,
    'interactions',
    ['customer_id', 'channel', 'type', 'occurred_at', 'client_event_id', 'created_at'],
    customers.flatMap((c) =>
      c.events.map((e) => [
        c.id,
        e.channel,
        e.type,
        at(e.at),
        `${prefix}-e${(sequence += 1)}`,
        written,
      ]),
    ),
  );
  await insertOrderRows(
    db.manager,
    customers.flatMap((c) =>
      c.orders.map((o) => ({
        customerId: c.id,
        clientOrderId: `${prefix}-o${(sequence += 1)}`,
        orderedAt: at(o.at),
        amount: o.amount,
        status: 'PAID',
        writtenAt: written,
      })),
    ),
  );

  return { today: new Date(today), customers };
}

const TRAIN = `mutation Train($input: TrainModelInput!) {
  trainModel(input: $input) { modelVersion { id number status } }
}`;
const STATUS = `query Status($id: ID!) { modelVersion(id: $id) { kind status progress stage error } }`;

/** A model version as polled: where training stands. */
export interface TrainingState {
  kind: string;
  status: string;
  progress: number;
  stage: string | null;
  error: string | null;
}

/** Starts training through the API and returns the TRAINING version's global id. */
export async function startTraining(
  pulse: TestPulse,
  input: Record<string, unknown>,
): Promise<string> {
  const response = await pulse.query<{ trainModel: { modelVersion: { id: string } } }>(TRAIN, {
    input,
  });
  if (!response.data) {
    throw new Error(`trainModel failed: ${JSON.stringify(response.errors)}`);
  }

  return response.data.trainModel.modelVersion.id;
}

/**
 * Polls `modelVersion(id)` until training ends (any status but TRAINING) and the run lets go
 * of its lease (scoring follows training in the same run), or `timeoutMs`.
 */
export async function waitForTraining(
  pulse: TestPulse,
  id: string,
  timeoutMs = 60_000,
): Promise<TrainingState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await pulse.query<{ modelVersion: TrainingState }>(STATUS, { id });
    const state = response.data?.modelVersion;
    if (!state) {
      throw new Error(`modelVersion failed: ${JSON.stringify(response.errors)}`);
    }
    if (state.status !== 'TRAINING') {
      const [lease] = await pulse.app.db.query(
        'SELECT COUNT(*) AS held FROM job_leases WHERE name = ?',
        [`predictions.train.${state.kind}`],
      );
      if (Number(lease.held) === 0) {
        return state;
      }
    }
    if (Date.now() > deadline) {
      throw new Error(`training ${id} still at ${state.stage} after ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
