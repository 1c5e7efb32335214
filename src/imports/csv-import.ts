import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { pipeline } from 'node:stream';
import { finished } from 'node:stream/promises';
import { validate, type ValidationError } from 'class-validator';
import { CsvError, type Info, parse } from 'csv-parse';
import {
  ConsentInput,
  MAX_UPSERT_CUSTOMERS,
  UpsertCustomerInput,
} from '../customers/customer.types';
import { badInput, PulseError } from '../errors';
import { MAX_INGEST_INTERACTIONS } from '../interactions/interaction.service';
import { InteractionInput } from '../interactions/interaction.types';
import { OrderInput, OrderLineInput, OrderStatus } from '../orders/order.types';
import { COMMAND_LINE } from '../privacy/audit-record';
import { emailKey } from '../quality/normalize';
import type { Services } from '../services';
import {
  type GroupedOrder,
  type HeaderPlan,
  type ImportKind,
  mapCustomerRow,
  mapInteractionRow,
  mapOrderRow,
  OrderGrouper,
  planHeader,
} from './csv-mapping';

/** Rows per service call: each call is one transaction, so a batch lands whole or not at all. */
export const BATCH_SIZES: Record<ImportKind, number> = {
  customers: MAX_UPSERT_CUSTOMERS,
  interactions: MAX_INGEST_INTERACTIONS,
  // Below the API's 5,000: an order carries up to 100 lines, and one transaction should stay
  // small enough to retry cheaply when a row is refused.
  orders: 1000,
};

export type ImportServices = Pick<Services, 'customers' | 'interactions' | 'orders'>;

export interface ImportOptions {
  /** Called as the file is read, with bytes read so far and the file's size. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
}

export interface ImportSummary {
  kind: ImportKind;
  /** Data rows read (the header and blank lines are not rows). */
  rows: number;
  /** The services' counts, summed: created/updated/unchanged or accepted/duplicates(/statusUpdated). */
  imported: Record<string, number>;
  /** Rows not imported; each is in the rejects file with its line number and reason. */
  rejected: number;
  /** `<file>.rejects.csv`, or null when no row was rejected. */
  rejectsFile: string | null;
  /** Header columns the import did not use. */
  ignoredColumns: string[];
}

/** `customers.csv` → `customers.rejects.csv`. */
export function rejectsFileFor(file: string): string {
  return `${file.replace(/\.csv$/i, '')}.rejects.csv`;
}

/**
 * Imports a CSV file of customers, interactions or orders through the same services and input
 * rules as the GraphQL API. Good rows are committed in batches as the file streams in; bad
 * rows go to the rejects file with their line number and reason. Running the same file again
 * changes nothing: the services match rows by external, event and order ids.
 */
export async function importCsv(
  services: ImportServices,
  kind: ImportKind,
  file: string,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  const totalBytes = (await stat(file)).size;
  const rejectsPath = rejectsFileFor(file);
  // A rejects file left by an earlier run would describe rows that may be fixed by now.
  await rm(rejectsPath, { force: true });
  const parser = parse({
    bom: true,
    columns: false,
    relax_column_count: true,
    trim: true,
    info: true,
  });
  // pipeline() destroys the parser when reading fails, so the error surfaces in the loop below.
  pipeline(createReadStream(file), parser, () => undefined);
  let importer: Importer | null = null;
  let rejects: RejectsFile | null = null;
  let rows = 0;
  let lastLine = 0;
  // csv-parse counts a CRLF inside a quoted cell as two lines; editors show one line break.
  let crlfInCells = 0;
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: Info;
    }>) {
      // info.lines is the line a record ends on; a quoted field may span lines.
      const line = lastLine + 1;
      for (const cell of record) {
        if (cell.includes('\r\n')) {
          crlfInCells += cell.split('\r\n').length - 1;
        }
      }
      lastLine = info.lines - crlfInCells;
      if (record.every((cell) => cell === '')) {
        continue;
      }
      if (importer === null) {
        rejects = new RejectsFile(rejectsPath, record);
        importer = createImporter(planHeader(kind, record), services, rejects);
        continue;
      }
      rows += 1;
      await importer.add(record, line);
      options.onProgress?.(info.bytes, totalBytes);
    }
    if (importer === null || rejects === null) {
      throw badInput(`${file} is empty: it needs a header row naming the columns`, 'file');
    }
    await importer.finish();
  } catch (error) {
    throw error instanceof CsvError ? notCsv(file, error) : error;
  } finally {
    parser.destroy();
    await rejects?.close();
  }
  options.onProgress?.(totalBytes, totalBytes);

  return {
    kind,
    rows,
    imported: { ...importer.counts },
    rejected: rejects.count,
    rejectsFile: rejects.count > 0 ? rejectsPath : null,
    ignoredColumns: importer.plan.ignored,
  };
}

function notCsv(file: string, error: CsvError): PulseError {
  return badInput(
    `${file} is not valid CSV: ${error.message}. Fix it and import it again; ` +
      'rows imported before the error are recognised and not imported twice.',
    'file',
  );
}

/** Turns rows of one kind into service calls. */
interface Importer {
  readonly plan: HeaderPlan;
  readonly counts: Record<string, number>;
  add(record: readonly string[], line: number): Promise<void>;
  /** Commits what is still waiting; called once at the end of the file. */
  finish(): Promise<void>;
}

function createImporter(
  plan: HeaderPlan,
  services: ImportServices,
  rejects: RejectsFile,
): Importer {
  switch (plan.kind) {
    case 'customers':
      return new CustomerImporter(plan, services.customers, rejects);
    case 'interactions':
      return new InteractionImporter(plan, services.interactions, rejects);
    case 'orders':
      return new OrderImporter(plan, services.orders, rejects);
    default: {
      const unreachable: never = plan.kind;
      throw new Error(`Unknown import kind ${String(unreachable)}`);
    }
  }
}

interface SourceRow {
  line: number;
  record: readonly string[];
}

/** One item of a service call and the CSV rows it came from (an order has several). */
interface Pending<T> {
  data: T;
  rows: SourceRow[];
}

/** Paths in service errors start with this, so `rows[12].email` names the batch's 13th item. */
const FIELD = 'rows';

/**
 * Sends a batch to a service. A service refuses a whole batch for one bad item (an unknown
 * customer, a taken email) and names it in the error's field; that item is rejected and the
 * rest sent again, so one bad row never blocks good ones. Any other error stops the import.
 * Returns null when every item was refused.
 */
async function sendBatch<T, R>(
  batch: Array<Pending<T>>,
  send: (rows: T[], field: string) => Promise<R>,
  refuse: (item: Pending<T>, reason: string) => void,
): Promise<R | null> {
  let remaining = batch;
  while (remaining.length > 0) {
    try {
      return await send(
        remaining.map((item) => item.data),
        FIELD,
      );
    } catch (error) {
      const index = refusedIndex(error, remaining.length);
      if (index === null) {
        throw error;
      }
      refuse(remaining[index], (error as PulseError).message);
      remaining = remaining.filter((_, i) => i !== index);
    }
  }

  return null;
}

function refusedIndex(error: unknown, length: number): number | null {
  // CONFLICT is an item that collides with a stored one (a taken email), BAD_USER_INPUT the rest.
  if (!(error instanceof PulseError) || !['BAD_USER_INPUT', 'CONFLICT'].includes(error.code)) {
    return null;
  }
  const match = new RegExp(`^${FIELD}\\[(\\d+)\\]`).exec(error.field ?? '');
  const index = match ? Number(match[1]) : length;

  return index < length ? index : null;
}

function addCounts(totals: Record<string, number>, result: object | null): void {
  for (const key of Object.keys(totals)) {
    totals[key] += Number((result as Record<string, unknown> | null)?.[key] ?? 0);
  }
}

/**
 * Validates an input object with its class-validator rules, as the API does, and returns the
 * messages joined, or null when it is valid. Messages name the CSV column (`birth_date …`)
 * instead of the property (`birthDate …`), since that is what the person fixing the file sees.
 */
async function invalidReason(input: object): Promise<string | null> {
  const errors = await validate(input, {
    forbidUnknownValues: false,
    validationError: { target: false },
  });
  const messages = messagesOf(errors);

  return messages.length > 0 ? messages.join('; ') : null;
}

function messagesOf(errors: ValidationError[]): string[] {
  return errors.flatMap((error) => [
    ...Object.values(error.constraints ?? {}).map((message) =>
      message.startsWith(error.property)
        ? `${snakeCase(error.property)}${message.slice(error.property.length)}`
        : message,
    ),
    ...messagesOf(error.children ?? []),
  ]);
}

function snakeCase(property: string): string {
  return property.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/**
 * An importer where one CSV row is one item: rows are mapped and validated one by one, batched,
 * and sent to the service when the batch is full or the file ends. Subclasses say how a row
 * becomes an input (or why it cannot) and how a batch is sent.
 */
abstract class RowImporter<TInput> implements Importer {
  abstract readonly counts: Record<string, number>;
  private batch: Array<Pending<TInput>> = [];

  constructor(
    readonly plan: HeaderPlan,
    protected readonly rejects: RejectsFile,
    private readonly batchSize: number,
  ) {}

  /** The row as an input, or the reason it is rejected. */
  protected abstract toInput(
    record: readonly string[],
    line: number,
  ): Promise<TInput | { reason: string }>;

  protected abstract send(rows: TInput[], field: string): Promise<object>;

  /** Called for each item the service refused, after its rows went to the rejects file. */
  protected refused(_item: Pending<TInput>): void {}

  async add(record: readonly string[], line: number): Promise<void> {
    const input = await this.toInput(record, line);
    if (typeof input === 'object' && input !== null && 'reason' in input) {
      this.rejects.add({ line, record }, input.reason);

      return;
    }
    this.batch.push({ data: input, rows: [{ line, record }] });
    if (this.batch.length >= this.batchSize) {
      await this.flush();
    }
  }

  finish(): Promise<void> {
    return this.flush();
  }

  private async flush(): Promise<void> {
    const batch = this.batch;
    this.batch = [];
    const result = await sendBatch(
      batch,
      (rows, field) => this.send(rows, field),
      (item, reason) => {
        this.rejects.addAll(item.rows, reason);
        this.refused(item);
      },
    );
    addCounts(this.counts, result);
    await this.rejects.flush();
  }
}

class CustomerImporter extends RowImporter<UpsertCustomerInput> {
  readonly counts = { created: 0, updated: 0, unchanged: 0 };
  /** Line of each external id seen so far: a customer appears once per file. */
  private readonly lineOfExternalId = new Map<string, number>();
  /** Line of each email seen so far, by `emailKey`: an address is one customer's only. */
  private readonly lineOfEmail = new Map<string, number>();

  constructor(
    plan: HeaderPlan,
    private readonly service: ImportServices['customers'],
    rejects: RejectsFile,
  ) {
    super(plan, rejects, BATCH_SIZES.customers);
  }

  protected async toInput(
    record: readonly string[],
    line: number,
  ): Promise<UpsertCustomerInput | { reason: string }> {
    const mapped = mapCustomerRow(this.plan, record, line);
    if (!mapped.ok) {
      return { reason: mapped.problem.reason };
    }
    const { consents, ...fields } = mapped.value;
    const input = Object.assign(new UpsertCustomerInput(), fields, {
      consents: consents?.map((consent) =>
        Object.assign(new ConsentInput(), consent, { source: 'import' }),
      ),
    });
    const reason = await invalidReason(input);
    if (reason !== null) {
      return { reason };
    }
    // upsertMany refuses a batch naming one customer twice; across batches the second row
    // would silently win. Either way the file is ambiguous, so the later row is rejected.
    const earlier = this.lineOfExternalId.get(input.externalId);
    if (earlier !== undefined) {
      return { reason: `external_id ${input.externalId} is already on line ${earlier}` };
    }
    const email = input.email ? emailKey(input.email) : null;
    const earlierEmail = email && this.lineOfEmail.get(email);
    if (earlierEmail) {
      return { reason: `email ${email} is already on line ${earlierEmail}` };
    }
    this.lineOfExternalId.set(input.externalId, line);
    if (email) {
      this.lineOfEmail.set(email, line);
    }

    return input;
  }

  protected send(rows: UpsertCustomerInput[], field: string): Promise<object> {
    return this.service.upsertMany(rows, COMMAND_LINE, field);
  }

  protected override refused(item: Pending<UpsertCustomerInput>): void {
    this.lineOfExternalId.delete(item.data.externalId);
    if (item.data.email) {
      this.lineOfEmail.delete(emailKey(item.data.email));
    }
  }
}

class InteractionImporter extends RowImporter<InteractionInput> {
  readonly counts = { accepted: 0, duplicates: 0 };

  constructor(
    plan: HeaderPlan,
    private readonly service: ImportServices['interactions'],
    rejects: RejectsFile,
  ) {
    super(plan, rejects, BATCH_SIZES.interactions);
  }

  protected async toInput(
    record: readonly string[],
    line: number,
  ): Promise<InteractionInput | { reason: string }> {
    const mapped = mapInteractionRow(this.plan, record, line);
    if (!mapped.ok) {
      return { reason: mapped.problem.reason };
    }
    const input = Object.assign(new InteractionInput(), mapped.value);
    const reason = await invalidReason(input);

    return reason === null ? input : { reason };
  }

  protected send(rows: InteractionInput[], field: string): Promise<object> {
    return this.service.ingest(
      rows.map((row) => ({ ...row, customerId: null })),
      field,
    );
  }
}

const ORDER_STATUSES: readonly string[] = Object.values(OrderStatus);

class OrderImporter implements Importer {
  readonly counts = { accepted: 0, duplicates: 0, statusUpdated: 0 };
  private grouper = new OrderGrouper();
  /** The records of open orders' rows, by line, for the rejects file. */
  private records = new Map<number, readonly string[]>();
  /** Orders already closed: a later row cannot join them any more. */
  private readonly closed = new Set<string>();

  constructor(
    readonly plan: HeaderPlan,
    private readonly service: ImportServices['orders'],
    private readonly rejects: RejectsFile,
  ) {}

  async add(record: readonly string[], line: number): Promise<void> {
    const mapped = mapOrderRow(this.plan, record, line);
    const clientOrderId = mapped.ok ? mapped.value.clientOrderId : mapped.clientOrderId;
    if (clientOrderId === undefined) {
      // Only a row that could not be read has no order id; it belongs to no order.
      this.rejects.add(
        { line, record },
        mapped.ok ? 'client_order_id is required' : mapped.problem.reason,
      );

      return;
    }
    if (this.closed.has(clientOrderId)) {
      this.rejects.add(
        { line, record },
        `order ${clientOrderId} was already imported from earlier rows; keep the rows of one order together`,
      );

      return;
    }
    // Orders stay open while their rows may still come; the batch closes when it is full and a
    // new order starts.
    if (!this.grouper.has(clientOrderId) && this.grouper.size >= BATCH_SIZES.orders) {
      await this.flush();
    }
    this.records.set(line, record);
    if (!mapped.ok) {
      this.grouper.reject(clientOrderId, mapped.problem);

      return;
    }
    const { item } = mapped.value;
    const reason = item && (await invalidReason(Object.assign(new OrderLineInput(), item)));
    if (reason) {
      this.grouper.reject(clientOrderId, { line, reason });

      return;
    }
    this.grouper.add(mapped.value);
  }

  finish(): Promise<void> {
    return this.flush();
  }

  private async flush(): Promise<void> {
    const { orders, problems, closed } = this.grouper.drain();
    for (const id of closed) {
      this.closed.add(id);
    }
    for (const problem of problems) {
      this.rejects.add(this.row(problem.line), problem.reason);
    }
    const batch: Array<Pending<OrderInput>> = [];
    for (const order of orders) {
      const input = toOrderInput(order);
      const reason = await orderInvalidReason(input);
      const rows = order.lines.map((line) => this.row(line));
      if (reason === null) {
        batch.push({ data: input, rows });
      } else {
        this.rejects.addAll(rows, `order ${order.clientOrderId}: ${reason}`);
      }
    }
    const result = await sendBatch(
      batch,
      (rows, field) =>
        this.service.ingest(
          rows.map((row) => ({ ...row, customerId: null })),
          field,
        ),
      (item, reason) =>
        this.rejects.addAll(item.rows, `order ${item.data.clientOrderId}: ${reason}`),
    );
    addCounts(this.counts, result);
    this.records = new Map();
    await this.rejects.flush();
  }

  private row(line: number): SourceRow {
    return { line, record: this.records.get(line) ?? [] };
  }
}

function toOrderInput(order: GroupedOrder): OrderInput {
  const { items, lines: _lines, ...fields } = order;

  return Object.assign(new OrderInput(), fields, {
    lines:
      items.length > 0
        ? items.map(({ item }) => Object.assign(new OrderLineInput(), item))
        : undefined,
  });
}

/** Class rules, plus the status enum that GraphQL's type system checks for API clients. */
async function orderInvalidReason(input: OrderInput): Promise<string | null> {
  if (!ORDER_STATUSES.includes(input.status)) {
    return `status must be one of ${ORDER_STATUSES.join(', ')}, got "${input.status}"`;
  }

  return invalidReason(input);
}

/**
 * `<file>.rejects.csv`: `line`, `reason`, then the row's fields as they were in the file.
 * Created on the first rejected row; rows are written in line order per batch.
 */
class RejectsFile {
  count = 0;
  private pending: Array<{ row: SourceRow; reason: string }> = [];
  private out: WriteStream | null = null;
  private failure: Error | null = null;

  constructor(
    readonly path: string,
    private readonly header: readonly string[],
  ) {}

  add(row: SourceRow, reason: string): void {
    this.pending.push({ row, reason });
    this.count += 1;
  }

  addAll(rows: SourceRow[], reason: string): void {
    for (const row of rows) {
      this.add(row, reason);
    }
  }

  async flush(): Promise<void> {
    if (this.pending.length === 0) {
      return;
    }
    const out = this.open();
    const pending = this.pending.sort((a, b) => a.row.line - b.row.line);
    this.pending = [];
    for (const { row, reason } of pending) {
      if (!out.write(csvLine([String(row.line), reason, ...row.record]))) {
        await once(out, 'drain');
      }
    }
    if (this.failure) {
      throw this.failure;
    }
  }

  async close(): Promise<void> {
    await this.flush();
    if (this.out) {
      this.out.end();
      await finished(this.out);
    }
  }

  private open(): WriteStream {
    if (!this.out) {
      this.out = createWriteStream(this.path);
      this.out.on('error', (error) => {
        this.failure = error;
      });
      this.out.write(csvLine(['line', 'reason', ...this.header]));
    }

    return this.out;
  }
}

/** One CSV line (RFC 4180): fields with commas, quotes, line breaks or edge spaces are quoted. */
function csvLine(fields: readonly string[]): string {
  return `${fields.map((field) => (/[",\r\n]|^\s|\s$/.test(field) ? `"${field.replace(/"/g, '""')}"` : field)).join(',')}\n`;
}
