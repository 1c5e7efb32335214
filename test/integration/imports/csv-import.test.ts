import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { DataSource } from 'typeorm';
import { ConsentEntity } from '../../../src/customers/consent.entity';
import { CustomerEntity } from '../../../src/customers/customer.entity';
import { createDataSource } from '../../../src/db/data-source';
import { importCsv, rejectsFileFor } from '../../../src/imports/csv-import';
import { InteractionEntity } from '../../../src/interactions/interaction.entity';
import { OrderLineEntity } from '../../../src/orders/order-line.entity';
import { OrderEntity } from '../../../src/orders/order.entity';
import { createServices, type Services } from '../../../src/services';

const dir = mkdtempSync(path.join(os.tmpdir(), 'pulse-import-'));

function writeCsv(name: string, lines: string[]): string {
  const file = path.join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);

  return file;
}

/** The rejects file as { line, reason, external id or first field } rows. */
function readRejects(file: string): Array<{ line: number; reason: string; first: string }> {
  const rows: string[][] = parse(readFileSync(rejectsFileFor(file)), { relax_column_count: true });
  expect(rows[0].slice(0, 2)).toEqual(['line', 'reason']);

  return rows.slice(1).map((row) => ({ line: Number(row[0]), reason: row[1], first: row[2] }));
}

describe('importCsv on SQLite', () => {
  let db: DataSource;
  let services: Services;

  beforeAll(async () => {
    db = createDataSource({ type: 'sqlite', path: ':memory:' });
    await db.initialize();
    await db.runMigrations();
    services = createServices(db, { maxPageSize: 100, keyCacheSeconds: 0 });
  });

  afterAll(async () => {
    await db.destroy();
  });

  describe('customers', () => {
    // Line numbers are the file's: the header is line 1 and the quoted name of C9 spans
    // lines 12 and 13, so C10 is on line 14.
    const file = writeCsv('customers.csv', [
      'external_id,name,email,country,birth_date,signedUpAt,consent_email,tier,visits',
      'C1,Ada,ada@example.com,GB,1990-01-02,2024-01-01T00:00:00Z,yes,gold,12',
      'C2,Bob,not-an-email,GB,,,,,',
      ',Cy,cy@example.com,GB,,,,,',
      'C4,Dee',
      'C5,Eve,eve@example.com,GB,1990-13-01,,,,',
      'C6,Fay,fay@example.com,GB,,2024-02-30,,,',
      'C7,Gus,ada@example.com,GB,,,,,',
      '"C8","Hal, Jr.",hal@example.com,GB,,,no,silver,',
      'C1,Ada again,ada2@example.com,GB,,,,,',
      '',
      'C9,"Ivy',
      'Multi",ivy@example.com,FR,,,,,',
      'C10,Jo,jo@example.com,Narnia,,,,,',
    ]);
    const rejected = [
      { line: 3, reason: '"not-an-email" is not an email address', first: 'C2' },
      { line: 4, reason: 'external_id is required', first: '' },
      { line: 5, reason: 'row has 2 fields, the header has 9', first: 'C4' },
      {
        line: 6,
        reason: 'birth_date must be a date YYYY-MM-DD that exists, between 1900 and today',
        first: 'C5',
      },
      {
        line: 7,
        reason:
          'signed_up_at must be an ISO 8601 date or date-time (2024-05-01 or 2024-05-01T09:30:00Z), got "2024-02-30"',
        first: 'C6',
      },
      { line: 8, reason: 'email ada@example.com is already on line 2', first: 'C7' },
      { line: 10, reason: 'external_id C1 is already on line 2', first: 'C1' },
      { line: 14, reason: '"Narnia" is not an ISO 3166-1 country code or name', first: 'C10' },
    ];

    it('stores the good rows and writes each bad row to the rejects file with its line number and reason', async () => {
      const progress: number[] = [];
      const summary = await importCsv(services, 'customers', file, {
        onProgress: (bytes, total) => progress.push(bytes / total),
      });

      expect(summary).toEqual({
        kind: 'customers',
        rows: 11,
        imported: { created: 3, updated: 0, unchanged: 0 },
        rejected: rejected.length,
        rejectsFile: path.join(dir, 'customers.rejects.csv'),
        ignoredColumns: [],
      });
      expect(readRejects(file)).toEqual(rejected);
      expect(progress.at(-1)).toBe(1);

      const stored = await db.getRepository(CustomerEntity).find({ order: { externalId: 'ASC' } });
      expect(stored.map((row) => [row.externalId, row.name, row.email])).toEqual([
        ['C1', 'Ada', 'ada@example.com'],
        ['C8', 'Hal, Jr.', 'hal@example.com'],
        // Names are normalised: the line break inside the quoted name becomes one space.
        ['C9', 'Ivy Multi', 'ivy@example.com'],
      ]);
      expect(stored[0].attributes).toEqual({ tier: 'gold', visits: 12 });
      expect(stored[0].signedUpAt.toISOString()).toBe('2024-01-01T00:00:00.000Z');
      const consents = await db.getRepository(ConsentEntity).find({ order: { customerId: 'ASC' } });
      expect(consents.map((row) => [row.customerId, row.channel, row.status, row.source])).toEqual([
        [stored[0].id, 'EMAIL', 'GRANTED', 'import'],
        [stored[1].id, 'EMAIL', 'DENIED', 'import'],
      ]);
    });

    it('changes nothing when the same file is imported again, and rejects the same rows', async () => {
      const before = await db.getRepository(CustomerEntity).find({ order: { id: 'ASC' } });

      const summary = await importCsv(services, 'customers', file);

      expect(summary.imported).toEqual({ created: 0, updated: 0, unchanged: 3 });
      expect(readRejects(file)).toEqual(rejected);
      expect(await db.getRepository(CustomerEntity).find({ order: { id: 'ASC' } })).toEqual(before);
    });

    it('removes a stale rejects file when every row of the file is imported', async () => {
      const clean = writeCsv('clean.csv', ['externalId,Name', 'C20,Zed']);
      writeFileSync(rejectsFileFor(clean), 'line,reason\n2,old\n');

      const summary = await importCsv(services, 'customers', clean);

      expect(summary).toMatchObject({ rejected: 0, rejectsFile: null, imported: { created: 1 } });
      expect(existsSync(rejectsFileFor(clean))).toBe(false);
    });

    // Windows tools end lines with CRLF, inside quoted cells too. csv-parse counts such a break
    // as two lines, which put every later rejected row one line further per break.
    it('numbers lines as an editor does in a CRLF file with a line break inside a cell', async () => {
      const crlf = path.join(dir, 'crlf.csv');
      writeFileSync(
        crlf,
        [
          '\uFEFFexternal_id,name,email',
          'W1,"Wen\r\nMulti",wen@example.com',
          '',
          'W2,Xi,not-an-email',
          'W3,"Yu\r\nTwo\r\nBreaks",yu@example.com',
          'W4,Zo,also-not-an-email',
        ].join('\r\n'),
      );

      const summary = await importCsv(services, 'customers', crlf);

      expect(summary).toMatchObject({ rows: 4, rejected: 2, imported: { created: 2 } });
      expect(readRejects(crlf).map((row) => [row.line, row.first])).toEqual([
        [5, 'W2'],
        [9, 'W4'],
      ]);
    });

    it('refuses a file without an external_id column before importing anything', async () => {
      const headless = writeCsv('no-id.csv', ['name,email', 'Kim,kim@example.com']);

      await expect(importCsv(services, 'customers', headless)).rejects.toThrow(
        'customers files need the column external_id in their header row',
      );
    });
  });

  describe('interactions', () => {
    const file = writeCsv('interactions.csv', [
      'customer_external_id,client_event_id,channel,type,occurred_at,value,score,campaign',
      'C1,ev-1,email,email_open,2024-04-01T08:00:00Z,,,spring',
      'CX,ev-2,email,email_open,2024-04-01T08:05:00Z,,,spring',
      'C8,ev-3,web,page_view,2024-04-01T09:00:00Z,12.5,,',
      'C9,ev-4,survey,survey_response,2024-04-02,,11,',
      'C1,ev-5,SMS,sms_click,2024-04-03 10:00:00+02:00,,,',
    ]);

    it('rejects the row of an unknown customer and stores the others', async () => {
      const summary = await importCsv(services, 'interactions', file);

      expect(summary).toMatchObject({
        rows: 5,
        imported: { accepted: 3, duplicates: 0 },
        rejected: 2,
      });
      expect(readRejects(file)).toEqual([
        { line: 3, reason: 'No customer with external id CX', first: 'CX' },
        { line: 5, reason: 'score must not be greater than 10', first: 'C9' },
      ]);
      const stored = await db
        .getRepository(InteractionEntity)
        .find({ order: { clientEventId: 'ASC' } });
      expect(
        stored.map((row) => [row.clientEventId, row.channel, row.value, row.properties]),
      ).toEqual([
        ['ev-1', 'EMAIL', null, { campaign: 'spring' }],
        ['ev-3', 'WEB', 12.5, null],
        ['ev-5', 'SMS', null, null],
      ]);
      expect(stored[2].occurredAt.toISOString()).toBe('2024-04-03T08:00:00.000Z');
    });

    it('counts every row as a duplicate when the same file is imported again', async () => {
      const summary = await importCsv(services, 'interactions', file);

      expect(summary.imported).toEqual({ accepted: 0, duplicates: 3 });
      expect(await db.getRepository(InteractionEntity).count()).toBe(3);
    });
  });

  describe('orders', () => {
    const header =
      'client_order_id,customer_external_id,ordered_at,currency,status,amount,product_id,product_name,category,quantity,unit_price,gift_wrap';
    const file = writeCsv('orders.csv', [
      header,
      'O1,C1,2024-03-01T10:00:00Z,EUR,PAID,,P1,Pen,office,2,1.25,no',
      'O2,C8,2024-03-02,EUR,placed,,P3,Pad,,3,2.00,',
      'O1,,,,,,P2,Ink,office,1,4.10,yes',
      'O3,C1,2024-03-03,EUR,PAID,,P1,Pen,,1,1.25,',
      'O3,C1,2024-03-03,USD,PAID,,P2,Ink,,1,4.10,',
      'O4,CX,2024-03-04,EUR,PAID,,P1,Pen,,1,1,',
      'O5,C8,2024-03-05,GBP,PAID,99.90,,,,,,',
      'O6,C9,2024-03-06,EUR,PAID,,P1,Pen,,0,1.25,',
      'O6,C9,2024-03-06,EUR,PAID,,P2,Ink,,1,4.10,',
    ]);

    it('stores orders with their lines, sums the lines into the amount and rejects whole orders', async () => {
      const summary = await importCsv(services, 'orders', file);

      expect(summary).toMatchObject({
        rows: 9,
        imported: { accepted: 3, duplicates: 0, statusUpdated: 0 },
        rejected: 5,
        ignoredColumns: ['gift_wrap'],
      });
      const conflict = 'rows of order O3 disagree on currency: "EUR" on line 5, "USD" on line 6';
      expect(readRejects(file)).toEqual([
        { line: 5, reason: conflict, first: 'O3' },
        { line: 6, reason: conflict, first: 'O3' },
        { line: 7, reason: 'order O4: No customer with external id CX', first: 'O4' },
        { line: 9, reason: 'quantity must not be less than 1', first: 'O6' },
        { line: 10, reason: 'order O6 has a rejected row on line 9', first: 'O6' },
      ]);
      const orders = await db.getRepository(OrderEntity).find({ order: { clientOrderId: 'ASC' } });
      expect(
        orders.map((row) => [row.clientOrderId, Number(row.amount), row.currency, row.status]),
      ).toEqual([
        ['O1', 6.6, 'EUR', 'PAID'],
        ['O2', 6, 'EUR', 'PLACED'],
        ['O5', 99.9, 'GBP', 'PAID'],
      ]);
      const lines = await db.getRepository(OrderLineEntity).find({ order: { id: 'ASC' } });
      expect(
        lines.map((row) => [row.orderId, row.productId, row.quantity, Number(row.unitPrice)]),
      ).toEqual([
        [orders[0].id, 'P1', 2, 1.25],
        [orders[0].id, 'P2', 1, 4.1],
        [orders[1].id, 'P3', 3, 2],
      ]);
    });

    it('counts known orders as duplicates on a rerun and updates the status of an order sent with a new one', async () => {
      expect((await importCsv(services, 'orders', file)).imported).toEqual({
        accepted: 0,
        duplicates: 3,
        statusUpdated: 0,
      });

      const paid = writeCsv('orders-paid.csv', [
        header,
        'O2,C8,2024-03-02,EUR,PAID,,P3,Pad,,3,2.00,',
      ]);
      expect((await importCsv(services, 'orders', paid)).imported).toEqual({
        accepted: 0,
        duplicates: 0,
        statusUpdated: 1,
      });
      expect(await db.getRepository(OrderLineEntity).count()).toBe(3);
    });
  });
});
