import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sqlInstant } from '../../../src/db/dialect';
import { describeEachDialect } from '../support/dialects';
import { unique } from '../support/factories';
import { pulseCli } from '../support/pulse-cli';

// Rows written straight to the table, as data loaded before normalisation existed would be
// (the country column holds two characters, so only case and unknown codes can be untidy).
const MESSY = [
  {
    name: '  Ada   Lovelace ',
    email: ' Ada@Example.COM',
    phone: '07911 123456',
    country: 'gb',
    city: 'London',
  },
  {
    name: 'Grace Hopper',
    email: 'grace@example.com',
    phone: '+1 (415) 555-2671',
    country: 'us',
    city: ' New  York ',
  },
  {
    name: 'Tidy Person',
    email: 'tidy@example.com',
    phone: '+447911123457',
    country: 'FR',
    city: 'Paris',
  },
  {
    name: 'Bad Phone',
    email: 'badphone@example.com',
    phone: 'call me',
    country: 'QQ',
    city: null,
  },
  { name: 'Lower Country', email: 'lower@example.com', phone: null, country: 'de', city: null },
];

describeEachDialect('pulse normalize: stored customers brought to normal form', (pulse) => {
  const prefix = unique('norm');
  let ids: number[] = [];

  beforeAll(async () => {
    const db = pulse().app.db;
    const now = sqlInstant(db, new Date());
    for (const [i, row] of MESSY.entries()) {
      await db.query(
        `INSERT INTO customers (external_id, name, email, phone, country, city, signed_up_at, attributes, created_at, updated_at, version)
         VALUES (?, ?, ?, ?, ?, ?, ?, '{}', ?, ?, 1)`,
        [`${prefix}-${i}`, row.name, row.email, row.phone, row.country, row.city, now, now, now],
      );
    }
    ids = (
      await db.query('SELECT id FROM customers WHERE external_id LIKE ? ORDER BY id', [
        `${prefix}-%`,
      ])
    ).map((row: { id: number }) => Number(row.id));
  });

  const stored = () =>
    pulse().app.db.query(
      'SELECT name, email, phone, country, city, version FROM customers WHERE external_id LIKE ? ORDER BY id',
      [`${prefix}-%`],
    );

  it('reports without writing in a dry run', async () => {
    const before = await stored();
    const report = await pulse().app.services.normalization.normalizeStored({ dryRun: true });
    expect(report).toMatchObject({ dryRun: true, customersChanged: 3, refusedCount: 2 });
    expect(await stored()).toEqual(before);
  });

  it('normalises what it can, leaves what it cannot and says which', async () => {
    const report = await pulse().app.services.normalization.normalizeStored({ dryRun: false });
    expect(report).toEqual({
      dryRun: false,
      examined: 4,
      customersChanged: 3,
      changedByField: { name: 1, email: 1, phone: 2, country: 3, city: 1 },
      refused: [
        {
          customerId: ids[3],
          field: 'phone',
          reason: expect.stringContaining('"call me" is not a valid phone number'),
        },
        {
          customerId: ids[3],
          field: 'country',
          reason: '"QQ" is not an ISO 3166-1 country code or name',
        },
      ],
      refusedCount: 2,
    });
    expect(await stored()).toEqual([
      {
        name: 'Ada Lovelace',
        email: 'ada@example.com',
        phone: '+447911123456',
        country: 'GB',
        city: 'London',
        version: 2,
      },
      {
        name: 'Grace Hopper',
        email: 'grace@example.com',
        phone: '+14155552671',
        country: 'US',
        city: 'New York',
        version: 2,
      },
      {
        name: 'Tidy Person',
        email: 'tidy@example.com',
        phone: '+447911123457',
        country: 'FR',
        city: 'Paris',
        version: 1,
      },
      {
        name: 'Bad Phone',
        email: 'badphone@example.com',
        phone: 'call me',
        country: 'QQ',
        city: null,
        version: 1,
      },
      {
        name: 'Lower Country',
        email: 'lower@example.com',
        phone: null,
        country: 'DE',
        city: null,
        version: 2,
      },
    ]);
    const [audit] = await pulse().app.db.query(
      "SELECT COUNT(*) AS n FROM audit_entries WHERE action = 'UPDATE_CUSTOMER' AND customer_count = 3",
    );
    expect(Number(audit.n)).toBe(1);
  });

  it('changes nothing when run again', async () => {
    const report = await pulse().app.services.normalization.normalizeStored({ dryRun: false });
    expect(report).toMatchObject({ examined: 1, customersChanged: 0, refusedCount: 2 });
  });
});

describe('pulse normalize on the command line', () => {
  const env = { ...process.env };

  beforeAll(() => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pulse-normalize-'));
    process.env.DATABASE_URL = `sqlite:${path.join(dir, 'pulse.sqlite')}`;
  });

  afterAll(() => {
    process.env = env;
  });

  it('prints how many customers were examined and changed, per field', async () => {
    const lines = await pulseCli('normalize', '--dry-run');
    expect(lines[0]).toBe('Examined 0 customers with values not in normal form. Would change 0.');
    expect(JSON.parse(lines[1])).toEqual([
      { field: 'name', changed: 0 },
      { field: 'email', changed: 0 },
      { field: 'phone', changed: 0 },
      { field: 'country', changed: 0 },
      { field: 'city', changed: 0 },
    ]);
  });
});
