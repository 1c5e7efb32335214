/*
 * CSV → plain data for `pulse import`. Pure: no database, no GraphQL, so every rule here is
 * tested directly. The runner (csv-import.ts) then validates the data with the API's own input
 * classes, so a CSV row and a GraphQL input obey the same rules.
 *
 * Header names are matched case-insensitively, and camelCase or spaces are read as snake_case
 * (`externalId`, `External Id` and `EXTERNAL_ID` all mean `external_id`). Cells are trimmed; an
 * empty cell means "not given". Enum values (gender, channel, status) are case-insensitive.
 * Instants are ISO 8601: `2024-05-01`, `2024-05-01T09:30:00Z`, `2024-05-01 09:30:00+02:00`;
 * without an offset they are read as UTC (Pulse stores UTC).
 *
 * | file | column | required | becomes | notes |
 * | --- | --- | --- | --- | --- |
 * | customers | `external_id` | yes | `externalId` | matches an existing customer or creates one; once per file |
 * | customers | `name`, `email`, `phone`, `country`, `city` | no | same name | empty cell leaves the stored value alone |
 * | customers | `birth_date` | no | `birthDate` | `YYYY-MM-DD` |
 * | customers | `gender` | no | `gender` | FEMALE, MALE, NON_BINARY, UNDISCLOSED (any case, `-` or space for `_`) |
 * | customers | `signed_up_at` | no | `signedUpAt` | ISO 8601; new customers default to the import time |
 * | customers | `consent_<channel>` | no | `consents[]` | channel: email, web, mobile_app, phone, sms, social, store, chat, support, survey; granted/yes/true or denied/no/false; empty leaves consent alone |
 * | customers | any other column | no | `attributes.<column>` | `12`, `-3.5` → number; `true`/`false` → boolean; empty → left out; anything else → text |
 * | interactions | `customer_external_id` | yes | `customerExternalId` | the customer must exist |
 * | interactions | `client_event_id` | yes | `clientEventId` | rows already imported count as duplicates |
 * | interactions | `channel` | yes | `channel` | one of the channels above |
 * | interactions | `type` | yes | `type` | lower_snake_case, e.g. `email_open` |
 * | interactions | `occurred_at` | yes | `occurredAt` | ISO 8601 |
 * | interactions | `value` | no | `value` | number |
 * | interactions | `score` | no | `score` | integer 0–10 |
 * | interactions | any other column | no | `properties.<column>` | typed like customer attributes |
 * | orders | `client_order_id` | yes | `clientOrderId` | one row per order line; rows with the same id make one order |
 * | orders | `customer_external_id`, `ordered_at`, `currency`, `status` | yes, once per order | order fields | give them on every row of the order or on one; rows that give different values reject the order |
 * | orders | `amount` | no | `amount` | defaults to the sum of quantity × unit_price of the lines |
 * | orders | `product_id`, `product_name`, `quantity`, `unit_price` | yes, on rows with a product | `lines[]` | a row with all product columns empty adds no line |
 * | orders | `category` | no | `lines[].category` | |
 * | orders | any other column | — | ignored | listed in the summary |
 */
import { badInput } from '../errors';
import { type Channel, CHANNELS } from '../interactions/channel';

export type ImportKind = 'customers' | 'interactions' | 'orders';

export const IMPORT_KINDS: readonly ImportKind[] = ['customers', 'interactions', 'orders'];

/** Why one CSV line was not imported; `line` is 1-based and the header is line 1. */
export interface RowProblem {
  line: number;
  reason: string;
}

export type Mapped<T> = { ok: true; value: T } | { ok: false; problem: RowProblem };

/** A column a kind of file knows, for the header check and for `pulse import --help`. */
export interface ColumnSpec {
  name: string;
  required: boolean;
  description: string;
}

const CONSENT_PREFIX = 'consent_';

export const COLUMNS: Record<ImportKind, readonly ColumnSpec[]> = {
  customers: [
    { name: 'external_id', required: true, description: 'id in your system; matches or creates' },
    { name: 'name', required: false, description: 'full name' },
    { name: 'email', required: false, description: 'email address, unique' },
    { name: 'phone', required: false, description: 'phone, digits with optional +' },
    { name: 'country', required: false, description: 'ISO 3166-1 alpha-2 (GB, US…)' },
    { name: 'city', required: false, description: 'city' },
    { name: 'birth_date', required: false, description: 'YYYY-MM-DD' },
    { name: 'gender', required: false, description: 'FEMALE, MALE, NON_BINARY or UNDISCLOSED' },
    { name: 'signed_up_at', required: false, description: 'ISO 8601; defaults to now' },
    ...CHANNELS.map((channel) => ({
      name: `${CONSENT_PREFIX}${channel.toLowerCase()}`,
      required: false,
      description: 'granted/yes/true or denied/no/false',
    })),
  ],
  interactions: [
    { name: 'customer_external_id', required: true, description: 'external id of the customer' },
    { name: 'client_event_id', required: true, description: 'your unique id of the event' },
    { name: 'channel', required: true, description: CHANNELS.join(', ') },
    { name: 'type', required: true, description: 'lower_snake_case, e.g. email_open' },
    { name: 'occurred_at', required: true, description: 'ISO 8601' },
    { name: 'value', required: false, description: 'number' },
    { name: 'score', required: false, description: 'integer 0–10' },
  ],
  orders: [
    { name: 'client_order_id', required: true, description: 'your unique id of the order' },
    { name: 'customer_external_id', required: true, description: 'external id of the customer' },
    { name: 'ordered_at', required: true, description: 'ISO 8601' },
    { name: 'currency', required: true, description: 'ISO 4217 (EUR, GBP, USD…)' },
    { name: 'status', required: true, description: 'PLACED, PAID, REFUNDED or CANCELLED' },
    { name: 'amount', required: false, description: 'defaults to the sum of the lines' },
    { name: 'product_id', required: false, description: 'product of this line' },
    { name: 'product_name', required: false, description: 'its name' },
    { name: 'category', required: false, description: 'its category' },
    { name: 'quantity', required: false, description: 'units, integer ≥ 1' },
    { name: 'unit_price', required: false, description: 'price of one unit' },
  ],
};

/** What happens to columns a kind does not know. */
const EXTRA_COLUMNS: Record<ImportKind, 'attributes' | 'properties' | 'ignored'> = {
  customers: 'attributes',
  interactions: 'properties',
  orders: 'ignored',
};

/** Where each column of a file's header goes. */
export interface HeaderPlan {
  kind: ImportKind;
  /** Number of columns in the header; rows must have as many fields. */
  width: number;
  /** Position of each known column, by canonical (snake_case) name. */
  known: Map<string, number>;
  /** Columns that become attributes or properties, under their name as written. */
  extra: Array<{ name: string; index: number }>;
  /** Columns the import does not use, as written. */
  ignored: string[];
}

/** `signedUpAt`, `Signed Up At` and `SIGNED_UP_AT` all become `signed_up_at`. */
export function canonicalColumn(name: string): string {
  return name
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[\s-]+/g, '_')
    .toLowerCase();
}

/**
 * Reads the header row. A header the import cannot use at all (a required column missing, a
 * column given twice, an unknown consent channel) fails the whole file with BAD_USER_INPUT,
 * because every row would be rejected for the same reason.
 */
export function planHeader(kind: ImportKind, header: readonly string[]): HeaderPlan {
  const specs = new Map(COLUMNS[kind].map((spec) => [spec.name, spec]));
  const plan: HeaderPlan = { kind, width: header.length, known: new Map(), extra: [], ignored: [] };
  const seen = new Map<string, number>();
  header.forEach((raw, index) => {
    const name = raw.trim();
    if (name === '') {
      plan.ignored.push(`(column ${index + 1}, no name)`);

      return;
    }
    const canonical = canonicalColumn(name);
    const earlier = seen.get(canonical);
    if (earlier !== undefined) {
      throw badInput(
        `Column "${name}" (column ${index + 1}) repeats column ${earlier + 1} of the header`,
        `header[${index}]`,
      );
    }
    seen.set(canonical, index);
    if (specs.has(canonical)) {
      plan.known.set(canonical, index);
    } else if (kind === 'customers' && canonical.startsWith(CONSENT_PREFIX)) {
      // A misspelt consent column must not silently become a custom attribute: consent is
      // a legal record, so the file is refused instead.
      throw badInput(
        `Column "${name}" is not a consent channel; use consent_ followed by one of ` +
          CHANNELS.map((channel) => channel.toLowerCase()).join(', '),
        `header[${index}]`,
      );
    } else if (EXTRA_COLUMNS[kind] === 'ignored') {
      plan.ignored.push(name);
    } else {
      plan.extra.push({ name, index });
    }
  });
  const missing = COLUMNS[kind].filter((spec) => spec.required && !plan.known.has(spec.name));
  if (missing.length > 0) {
    throw badInput(
      `${kind} files need the column${missing.length > 1 ? 's' : ''} ` +
        `${missing.map((spec) => spec.name).join(', ')} in their header row`,
      'header',
    );
  }

  return plan;
}

/** Reads one record's cells by column name and collects what is wrong with them. */
class RowReader {
  readonly problems: string[] = [];

  constructor(
    private readonly plan: HeaderPlan,
    private readonly record: readonly string[],
  ) {}

  /**
   * The trimmed cell, or undefined when the column is absent or the cell empty. A `required`
   * cell that is empty is a problem.
   */
  text(column: string, required = false): string | undefined {
    const index = this.plan.known.get(column);
    const cell = index === undefined ? '' : (this.record[index]?.trim() ?? '');
    if (cell === '' && required) {
      this.problems.push(`${column} is required`);
    }

    return cell === '' ? undefined : cell;
  }

  /** Enum values are matched case-insensitively; the input classes check membership. */
  enumValue(column: string, required = false): string | undefined {
    return this.text(column, required)
      ?.toUpperCase()
      .replace(/[\s-]+/g, '_');
  }

  instant(column: string, required = false): Date | undefined {
    const value = this.text(column, required);
    if (value === undefined) {
      return undefined;
    }
    const parsed = parseIsoInstant(value);
    if (parsed === null) {
      this.problems.push(
        `${column} must be an ISO 8601 date or date-time (2024-05-01 or 2024-05-01T09:30:00Z), got "${value}"`,
      );

      return undefined;
    }

    return parsed;
  }

  number(column: string, required = false): number | undefined {
    const value = this.text(column, required);
    if (value === undefined) {
      return undefined;
    }
    if (!/^[+-]?\d+(\.\d+)?$/.test(value)) {
      this.problems.push(`${column} must be a number like 12 or 12.5, got "${value}"`);

      return undefined;
    }

    return Number(value);
  }

  consent(column: string): 'GRANTED' | 'DENIED' | undefined {
    const value = this.text(column);
    if (value === undefined) {
      return undefined;
    }
    const status = CONSENT_VALUES[value.toLowerCase()];
    if (status === undefined) {
      this.problems.push(
        `${column} must be granted, denied, yes, no, true or false, got "${value}"`,
      );
    }

    return status;
  }

  /** The extra columns as a typed object, or undefined when all of them are empty. */
  extras(): Record<string, string | number | boolean> | undefined {
    const values: Record<string, string | number | boolean> = {};
    let given = false;
    for (const { name, index } of this.plan.extra) {
      const cell = this.record[index]?.trim() ?? '';
      if (cell !== '') {
        values[name] = typedValue(cell);
        given = true;
      }
    }

    return given ? values : undefined;
  }

  /** A short or long row has lost or gained a field somewhere: no cell can be trusted. */
  checkWidth(): boolean {
    if (this.record.length !== this.plan.width) {
      this.problems.push(
        `row has ${this.record.length} field${this.record.length === 1 ? '' : 's'}, the header has ${this.plan.width}`,
      );

      return false;
    }

    return true;
  }
}

const CONSENT_VALUES: Record<string, 'GRANTED' | 'DENIED'> = {
  granted: 'GRANTED',
  yes: 'GRANTED',
  true: 'GRANTED',
  denied: 'DENIED',
  no: 'DENIED',
  false: 'DENIED',
};

/**
 * A custom attribute's value with its type: numbers and booleans become JSON numbers and
 * booleans so segments can compare them. Text that would not read back the same as a number
 * (`007`, a 20-digit id) stays text, because a number would lose its leading zeros or digits.
 */
export function typedValue(text: string): string | number | boolean {
  const lower = text.toLowerCase();
  if (lower === 'true' || lower === 'false') {
    return lower === 'true';
  }
  if (/^-?(0|[1-9]\d*)(\.\d+)?$/.test(text)) {
    const number = Number(text);
    if (Number.isFinite(number) && (text.includes('.') || Number.isSafeInteger(number))) {
      return number;
    }
  }

  return text;
}

const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$/;

/**
 * Parses an ISO 8601 date or date-time strictly. `Date.parse` is not used: it accepts many
 * non-ISO forms, reads offset-less times in the machine's zone and rolls 2024-02-30 over into
 * March. Offset-less values are UTC. Returns null when the text is not a real instant.
 */
export function parseIsoInstant(text: string): Date | null {
  const match = ISO_INSTANT.exec(text);
  if (!match) {
    return null;
  }
  const [year, month, day, hour, minute, second] = match
    .slice(1, 7)
    .map((part) => Number(part ?? 0));
  const millis = Number((match[7] ?? '').padEnd(3, '0').slice(0, 3));
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  // Date.UTC reads years 0–99 as 1900–1999; such years are typos in an import anyway.
  const inRange = year >= 1000 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth;
  if (!inRange || hour > 23 || minute > 59 || second > 59) {
    return null;
  }
  const offset = parseOffset(match[8]);
  if (offset === null) {
    return null;
  }

  return new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis) - offset * 60_000);
}

/** Minutes east of UTC, 0 for Z or no offset, null for an impossible offset. */
function parseOffset(offset: string | undefined): number | null {
  if (offset === undefined || offset.toUpperCase() === 'Z') {
    return 0;
  }
  const digits = offset.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2) || 0);
  if (hours > 14 || minutes > 59) {
    return null;
  }

  return (offset.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
}

/** The row's value, or its problems joined into one reason. */
function finish<T>(reader: RowReader, line: number, value: () => T): Mapped<T> {
  if (reader.problems.length > 0) {
    return failed(reader, line);
  }

  return { ok: true, value: value() };
}

function failed(reader: RowReader, line: number): { ok: false; problem: RowProblem } {
  return { ok: false, problem: { line, reason: reader.problems.join('; ') } };
}

/** A customer as `CustomerService.upsertMany` takes it (before validation). */
export interface CustomerRow {
  externalId: string;
  name?: string;
  email?: string;
  phone?: string;
  country?: string;
  city?: string;
  birthDate?: string;
  gender?: string;
  signedUpAt?: Date;
  attributes?: Record<string, string | number | boolean>;
  consents?: Array<{ channel: Channel; status: 'GRANTED' | 'DENIED' }>;
}

export function mapCustomerRow(
  plan: HeaderPlan,
  record: readonly string[],
  line: number,
): Mapped<CustomerRow> {
  const reader = new RowReader(plan, record);
  if (!reader.checkWidth()) {
    return failed(reader, line);
  }
  const consents = CHANNELS.flatMap((channel) => {
    const status = reader.consent(`${CONSENT_PREFIX}${channel.toLowerCase()}`);

    return status ? [{ channel, status }] : [];
  });
  const row: CustomerRow = {
    externalId: reader.text('external_id', true) ?? '',
    name: reader.text('name'),
    email: reader.text('email'),
    phone: reader.text('phone'),
    country: reader.text('country'),
    city: reader.text('city'),
    birthDate: reader.text('birth_date'),
    gender: reader.enumValue('gender'),
    signedUpAt: reader.instant('signed_up_at'),
    attributes: reader.extras(),
    consents: consents.length > 0 ? consents : undefined,
  };

  return finish(reader, line, () => withoutUndefined(row));
}

/** An interaction as `InteractionService.ingest` takes it (before validation). */
export interface InteractionRow {
  customerExternalId: string;
  clientEventId: string;
  channel: string;
  type: string;
  occurredAt: Date;
  value?: number;
  score?: number;
  properties?: Record<string, string | number | boolean>;
}

export function mapInteractionRow(
  plan: HeaderPlan,
  record: readonly string[],
  line: number,
): Mapped<InteractionRow> {
  const reader = new RowReader(plan, record);
  if (!reader.checkWidth()) {
    return failed(reader, line);
  }
  const row = {
    customerExternalId: reader.text('customer_external_id', true),
    clientEventId: reader.text('client_event_id', true),
    channel: reader.enumValue('channel', true),
    type: reader.text('type', true),
    occurredAt: reader.instant('occurred_at', true),
    value: reader.number('value'),
    score: reader.number('score'),
    properties: reader.extras(),
  };

  // Every required value is present when there are no problems.
  return finish(reader, line, () => withoutUndefined(row) as InteractionRow);
}

/** Order fields that every row of one order must agree on (or leave empty). */
export interface OrderFields {
  customerExternalId?: string;
  orderedAt?: Date;
  currency?: string;
  status?: string;
  amount?: number;
}

/** The product a row adds to its order. */
export interface OrderItemRow {
  productId: string;
  productName: string;
  category?: string;
  quantity: number;
  unitPrice: number;
}

/** One row of an orders file: order fields, and the line it adds (null when none). */
export interface OrderRow {
  line: number;
  clientOrderId: string;
  fields: OrderFields;
  item: OrderItemRow | null;
}

/** A failed order row still names its order when it can, so the whole order is held back. */
export type MappedOrderRow = Mapped<OrderRow> & { clientOrderId?: string };

const ORDER_FIELD_COLUMNS: Record<keyof OrderFields, string> = {
  customerExternalId: 'customer_external_id',
  orderedAt: 'ordered_at',
  currency: 'currency',
  status: 'status',
  amount: 'amount',
};

const PRODUCT_COLUMNS = ['product_id', 'product_name', 'category', 'quantity', 'unit_price'];

export function mapOrderRow(
  plan: HeaderPlan,
  record: readonly string[],
  line: number,
): MappedOrderRow {
  const reader = new RowReader(plan, record);
  const widthOk = reader.checkWidth();
  // Read even from a short row: the row's order must be held back, or it would be stored
  // without this row's line.
  const clientOrderId = reader.text('client_order_id', widthOk);
  if (!widthOk) {
    const problem = failed(reader, line);

    return clientOrderId === undefined ? problem : { ...problem, clientOrderId };
  }
  const fields = withoutUndefined({
    customerExternalId: reader.text('customer_external_id'),
    orderedAt: reader.instant('ordered_at'),
    currency: reader.text('currency'),
    status: reader.enumValue('status'),
    amount: reader.number('amount'),
  });
  const hasProduct = PRODUCT_COLUMNS.some((column) => reader.text(column) !== undefined);
  const item: OrderItemRow | null = hasProduct
    ? withoutUndefined({
        productId: reader.text('product_id', true) ?? '',
        productName: reader.text('product_name', true) ?? '',
        category: reader.text('category'),
        quantity: reader.number('quantity', true) ?? 0,
        unitPrice: reader.number('unit_price', true) ?? 0,
      })
    : null;
  const mapped = finish(reader, line, () => ({
    line,
    clientOrderId: clientOrderId ?? '',
    fields,
    item,
  }));

  return clientOrderId === undefined ? mapped : { ...mapped, clientOrderId };
}

/** An order assembled from its rows, ready for validation. */
export interface GroupedOrder {
  clientOrderId: string;
  /** Every CSV line that belongs to the order, in file order. */
  lines: number[];
  customerExternalId: string;
  orderedAt: Date;
  currency: string;
  status: string;
  amount?: number;
  items: Array<{ line: number; item: OrderItemRow }>;
}

interface OpenOrder {
  clientOrderId: string;
  fields: OrderFields;
  /** The line each order field was first given on, to name both lines in a conflict. */
  fieldLines: Partial<Record<keyof OrderFields, number>>;
  rows: Array<{ line: number; item: OrderItemRow | null }>;
  rejected: RowProblem[];
  conflict: string | null;
}

/**
 * Gathers order rows into orders by client order id. Rows of one order need not be adjacent
 * while the order is open; `drain()` closes every open order and says which are complete. An
 * order is all or nothing: one bad row, or two rows disagreeing on an order field, rejects
 * all its rows, because storing the rest would store a wrong order.
 */
export class OrderGrouper {
  private open = new Map<string, OpenOrder>();

  /** Number of open orders. */
  get size(): number {
    return this.open.size;
  }

  has(clientOrderId: string): boolean {
    return this.open.has(clientOrderId);
  }

  add(row: OrderRow): void {
    const order = this.orderOf(row.clientOrderId);
    order.rows.push({ line: row.line, item: row.item });
    for (const key of Object.keys(row.fields) as Array<keyof OrderFields>) {
      const value = row.fields[key];
      const current = order.fields[key];
      if (current === undefined) {
        Object.assign(order.fields, { [key]: value });
        order.fieldLines[key] = row.line;
      } else if (!sameValue(current, value) && order.conflict === null) {
        order.conflict =
          `rows of order ${row.clientOrderId} disagree on ${ORDER_FIELD_COLUMNS[key]}: ` +
          `${show(current)} on line ${order.fieldLines[key]}, ${show(value)} on line ${row.line}`;
      }
    }
  }

  /** Records a row of the order that could not be read; the order will be rejected whole. */
  reject(clientOrderId: string, problem: RowProblem): void {
    this.orderOf(clientOrderId).rejected.push(problem);
  }

  /**
   * Closes all open orders: complete ones to store, a problem for every row of the others, and
   * the ids of all of them (later rows of a closed order cannot join it any more).
   */
  drain(): { orders: GroupedOrder[]; problems: RowProblem[]; closed: string[] } {
    const orders: GroupedOrder[] = [];
    const problems: RowProblem[] = [];
    const closed = [...this.open.keys()];
    for (const order of this.open.values()) {
      const reason = this.whyIncomplete(order);
      if (reason === null) {
        orders.push(complete(order));
        continue;
      }
      problems.push(...order.rejected);
      problems.push(...order.rows.map((row) => ({ line: row.line, reason })));
    }
    this.open = new Map();
    problems.sort((a, b) => a.line - b.line);

    return { orders, problems, closed };
  }

  private orderOf(clientOrderId: string): OpenOrder {
    let order = this.open.get(clientOrderId);
    if (!order) {
      order = { clientOrderId, fields: {}, fieldLines: {}, rows: [], rejected: [], conflict: null };
      this.open.set(clientOrderId, order);
    }

    return order;
  }

  private whyIncomplete(order: OpenOrder): string | null {
    if (order.rejected.length > 0) {
      const lines = order.rejected.map((problem) => problem.line);
      const which =
        lines.length === 1 ? `row on line ${lines[0]}` : `rows on lines ${lines.join(', ')}`;

      return `order ${order.clientOrderId} has a rejected ${which}`;
    }
    if (order.conflict !== null) {
      return order.conflict;
    }
    const missing = (['customerExternalId', 'orderedAt', 'currency', 'status'] as const).filter(
      (key) => order.fields[key] === undefined,
    );
    if (missing.length > 0) {
      const columns = missing.map((key) => ORDER_FIELD_COLUMNS[key]).join(', ');

      return `order ${order.clientOrderId} has no ${columns} on any of its rows`;
    }

    return null;
  }
}

function complete(order: OpenOrder): GroupedOrder {
  const { fields } = order;

  return withoutUndefined({
    clientOrderId: order.clientOrderId,
    lines: order.rows.map((row) => row.line),
    customerExternalId: fields.customerExternalId as string,
    orderedAt: fields.orderedAt as Date,
    currency: fields.currency as string,
    status: fields.status as string,
    amount: fields.amount,
    items: order.rows.flatMap((row) => (row.item ? [{ line: row.line, item: row.item }] : [])),
  });
}

function sameValue(a: unknown, b: unknown): boolean {
  return a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : a === b;
}

function show(value: unknown): string {
  return value instanceof Date ? value.toISOString() : JSON.stringify(value);
}

/**
 * Drops undefined properties: an absent key means "leave the stored value alone" to the
 * services, and keeps the data equal to what a GraphQL client would send.
 */
function withoutUndefined<T extends object>(value: T): T {
  // A plain loop over keys: this runs for every row of a file, and entries/filter/fromEntries
  // allocate an array per property.
  const source = value as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(source)) {
    if (source[key] !== undefined) {
      result[key] = source[key];
    }
  }

  return result as T;
}
