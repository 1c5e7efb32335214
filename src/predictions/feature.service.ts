import type { DataSource } from 'typeorm';
import {
  forceIndex,
  parseInstant,
  parseNumber,
  type SqlFragment,
  sqlInstant,
  wholeDaysBetween,
} from '../db/dialect';
import { analyticalQuery } from '../db/replica';
import { CHANNELS } from '../interactions/channel';
import {
  PURCHASE_STATUSES,
  type SnapshotBounds,
  type SnapshotPopulation,
  type SnapshotStatements,
  snapshotStatements,
  typeCountsStatement,
} from './feature-sql';
import type { SnapshotAggregates } from './feature-set';
import { DAY_MS } from '../time';

/** Customers per statement: the batch a training or scoring pass holds at once. */
export const FEATURE_BATCH = 5_000;

/** Customers per type-count statement (see typeCountsStatement): 20 batches. */
const TYPE_COUNT_BATCH = 20 * FEATURE_BATCH;

/** Batch statements run ahead of the one being processed. */
const BATCHES_IN_FLIGHT = 3;

/** One snapshot to read: when, who, and how far ahead labels look. */
export interface SnapshotRequest {
  snapshot: Date;
  population: SnapshotPopulation;
  /** Days after the snapshot whose purchases make the label; null = no label. */
  labelDays: number | null;
  /** ACTIVE_BUYERS: a purchase in this many days before the snapshot makes a customer active. */
  activeDays: number;
  interactionTypes: readonly string[];
  /**
   * Whether customers' custom attributes are read (attribute features or an attribute label);
   * without them `attributes` is null, and a pass does not parse every customer's JSON.
   */
  attributes: boolean;
  /** The snapshot is now (scoring): current consent stands for consent as of it. */
  current?: boolean;
}

/** A customer's aggregates, and the purchases in the label window when asked for. */
export interface SnapshotRow {
  aggregates: SnapshotAggregates;
  labelPurchases: number | null;
}

/** One customer's purchases on one day (days since 1970-01-01 UTC), same-day orders merged. */
export interface PurchaseDay {
  customerId: number;
  day: number;
  value: number;
}

const daysBefore = (instant: Date, days: number): Date =>
  new Date(instant.getTime() - days * DAY_MS);

const count = (value: unknown): number => parseNumber(value) ?? 0;

type Row = Record<string, unknown>;

/** Stands for a statement that has no row for a customer: every count is 0, every date null. */
const NO_ROW: Row = {};

function rowsById(rows: readonly Row[]): Map<number, Row> {
  return new Map(rows.map((row) => [Number(row.customer_id), row]));
}

/**
 * Reads rows by id ranges `width` wide, once each, for the narrower consecutive batches inside
 * them; only the latest range is kept. Batches are requested in id order, and a batch holds
 * its range's promise before the next range replaces it.
 */
function wideRangeReader(
  width: number,
  read: (fromId: number, toId: number) => Promise<Map<number, Row>>,
): (fromId: number, toId: number) => Promise<Map<number, Row>> {
  let current: { fromId: number; toId: number; rows: Promise<Map<number, Row>> } | null = null;

  return (fromId, toId) => {
    if (!current || fromId < current.fromId || toId > current.toId) {
      const rows = read(fromId, fromId + width - 1);
      // Awaited by the batches; a rejection must not go unhandled before the first one does.
      rows.catch(() => undefined);
      current = { fromId, toId: fromId + width - 1, rows };
    }

    return current.rows;
  };
}

/** A customer's statement rows as one record of aggregates. */
function toSnapshotRow(
  customer: Row,
  rows: Record<Exclude<keyof SnapshotStatements, 'customers'> | 'types', Row>,
  typeCount: number,
  withLabels: boolean,
): SnapshotRow {
  const { orders, interactions } = rows;
  const attributes = customer.attributes;

  return {
    aggregates: {
      customerId: Number(customer.customer_id),
      signedUpAt: parseInstant(customer.signed_up_at) as Date,
      attributes:
        typeof attributes === 'string'
          ? (JSON.parse(attributes) as Record<string, unknown>)
          : ((attributes ?? null) as Record<string, unknown> | null),
      ordersTotal: count(orders.orders_total),
      orders90: count(orders.orders_90),
      ordersPrevious90: count(orders.orders_prev_90),
      orders365: count(orders.orders_365),
      revenueTotal: count(orders.revenue_total),
      revenue365: count(orders.revenue_365),
      firstOrderAt: parseInstant(orders.first_order_at),
      lastOrderAt: parseInstant(orders.last_order_at),
      events30: count(interactions.events_30),
      eventsPrevious30: count(interactions.events_prev_30),
      events90: count(interactions.events_90),
      lastEventAt: parseInstant(rows.lastInteraction.last_event_at),
      channels90: CHANNELS.map((_, index) => count(interactions[`channel_${index}`])),
      types90: Array.from({ length: typeCount }, (_, index) => count(rows.types[`type_${index}`])),
      surveyScore: parseNumber(rows.surveys.survey_score),
      consentedChannels: count(rows.consents.consents),
    },
    labelPurchases: withLabels ? count(rows.labels.label_orders) : null,
  };
}

/**
 * Reads model inputs from the database in batches of customers by id range, so that training
 * and scoring stream: at most FEATURE_BATCH customers' rows are in memory per statement (the
 * type counts: TYPE_COUNT_BATCH customers').
 */
export class FeatureService {
  constructor(
    private readonly db: DataSource,
    /** Customers per batch and per type-count statement; tests make them small. */
    private readonly sizes = { batch: FEATURE_BATCH, typeCountBatch: TYPE_COUNT_BATCH },
  ) {}

  /** The id range of every customer, or null when there are none. */
  private async idRange(): Promise<{ min: number; max: number } | null> {
    const [row] = await analyticalQuery(
      this.db,
      'SELECT MIN(id) AS min_id, MAX(id) AS max_id FROM customers',
    );
    const min = parseNumber(row?.min_id);

    return min === null ? null : { min, max: Number(row.max_id) };
  }

  /**
   * Runs `fetch` for every id range of a batch of customers and yields the non-empty results
   * in order, keeping a few statements in flight so the database works while Node processes
   * the batch before (SQLite's one connection simply runs them in turn).
   */
  private async *byIdRange<T>(
    fetch: (fromId: number, toId: number) => Promise<T[]>,
  ): AsyncGenerator<T[]> {
    const range = await this.idRange();
    if (!range) {
      return;
    }
    const pending: Array<Promise<T[]>> = [];
    let next = range.min;
    const refill = () => {
      while (pending.length < BATCHES_IN_FLIGHT && next <= range.max) {
        const pendingBatch = fetch(next, next + this.sizes.batch - 1);
        // Awaited in order below; a rejection must not go unhandled while it waits its turn.
        pendingBatch.catch(() => undefined);
        pending.push(pendingBatch);
        next += this.sizes.batch;
      }
    };
    refill();
    while (pending.length > 0) {
      const rows = await (pending.shift() as Promise<T[]>);
      // better-sqlite3 answers synchronously: without a turn of the event loop per batch, a
      // pass would hold every request of the server until it ends.
      await new Promise<void>((resolve) => setImmediate(resolve));
      refill();
      if (rows.length > 0) {
        yield rows;
      }
    }
  }

  /** Every customer's aggregates as of `request.snapshot`, a batch at a time. */
  snapshotBatches(request: SnapshotRequest): AsyncGenerator<SnapshotRow[]> {
    const at = (date: Date) => sqlInstant(this.db, date);
    const { snapshot } = request;
    const activeSince = daysBefore(snapshot, request.activeDays);
    const bounds = (fromId: number, toId: number): SnapshotBounds => ({
      snapshot: at(snapshot),
      minus30: at(daysBefore(snapshot, 30)),
      minus60: at(daysBefore(snapshot, 60)),
      minus90: at(daysBefore(snapshot, 90)),
      minus180: at(daysBefore(snapshot, 180)),
      minus365: at(daysBefore(snapshot, 365)),
      labelEnd: request.labelDays === null ? null : at(daysBefore(snapshot, -request.labelDays)),
      fromId,
      toId,
      current: request.current ?? false,
      attributes: request.attributes,
    });
    const typeCounts = wideRangeReader(this.sizes.typeCountBatch, async (fromId, toId) => {
      const statement = typeCountsStatement(bounds(fromId, toId), request.interactionTypes);

      return rowsById(
        statement ? await analyticalQuery(this.db, statement.sql, statement.params) : [],
      );
    });

    return this.byIdRange(async (fromId, toId) => {
      const statements = snapshotStatements(
        bounds(fromId, toId),
        forceIndex(this.db, 'idx_interactions_customer_channel_time_score'),
      );
      const [{ customers, ...parts }, types] = await Promise.all([
        this.run(statements),
        typeCounts(fromId, toId),
      ]);
      // Each statement's row of a customer, found by id; no merged copies: a pass reads every
      // customer, and copying their columns cost more than all the model's arithmetic.
      const byCustomer = {
        ...(Object.fromEntries(
          Object.entries(parts).map(([name, rows]) => [name, rowsById(rows)]),
        ) as Record<keyof typeof parts, Map<number, Row>>),
        types,
      };
      const withLabels = request.labelDays !== null;
      const typeCount = request.interactionTypes.length;

      return customers
        .map((customer) => {
          const id = Number(customer.customer_id);
          const row = (name: keyof typeof byCustomer): Row => byCustomer[name].get(id) ?? NO_ROW;

          return toSnapshotRow(
            customer,
            {
              orders: row('orders'),
              interactions: row('interactions'),
              lastInteraction: row('lastInteraction'),
              types: row('types'),
              surveys: row('surveys'),
              consents: row('consents'),
              labels: row('labels'),
            },
            typeCount,
            withLabels,
          );
        })
        .filter(
          (row) =>
            request.population === 'ALL' ||
            (row.aggregates.lastOrderAt !== null && row.aggregates.lastOrderAt >= activeSince),
        );
    });
  }

  /** Runs a batch's statements side by side; an absent statement yields no rows. */
  private async run(
    statements: SnapshotStatements,
  ): Promise<Record<keyof SnapshotStatements, Row[]>> {
    const entries = await Promise.all(
      Object.entries(statements).map(async ([name, statement]: [string, SqlFragment | null]) => [
        name,
        statement ? await analyticalQuery(this.db, statement.sql, statement.params) : [],
      ]),
    );

    return Object.fromEntries(entries) as Record<keyof SnapshotStatements, Row[]>;
  }

  /** The interaction types most frequent in the year before `before`, most frequent first. */
  async frequentInteractionTypes(before: Date, limit: number): Promise<string[]> {
    const rows = await analyticalQuery<{ type: string }>(
      this.db,
      `SELECT type FROM interactions WHERE occurred_at >= ? AND occurred_at < ?
       GROUP BY type ORDER BY COUNT(*) DESC, type LIMIT ${Math.trunc(limit)}`,
      [sqlInstant(this.db, daysBefore(before, 365)), sqlInstant(this.db, before)],
    );

    return rows.map((row) => row.type);
  }

  /**
   * Purchases before `until` merged per customer and UTC day, a batch of customers at a time:
   * the input of the BG/NBD and Gamma-Gamma models.
   */
  purchaseDayBatches(until: Date): AsyncGenerator<PurchaseDay[]> {
    const day = wholeDaysBetween(this.db, "'1970-01-01 00:00:00'", 'o.ordered_at');

    return this.byIdRange(async (fromId, toId) => {
      const rows = await analyticalQuery(
        this.db,
        `SELECT o.customer_id, ${day} AS day, SUM(o.amount) AS value
         FROM orders o JOIN customers c ON c.id = o.customer_id
         WHERE o.customer_id BETWEEN ? AND ? AND o.ordered_at < ? AND o.status IN ${PURCHASE_STATUSES}
           AND c.deleted_at IS NULL AND c.erased_at IS NULL
         GROUP BY o.customer_id, ${day}
         ORDER BY o.customer_id, day`,
        [fromId, toId, sqlInstant(this.db, until)],
      );

      return rows.map((row) => ({
        customerId: Number(row.customer_id),
        day: Number(row.day),
        value: count(row.value),
      }));
    });
  }
}
