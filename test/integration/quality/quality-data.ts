import type { DataSource } from 'typeorm';
import { insertSkippingDuplicates, sqlInstant } from '../../../src/db/dialect';
import { QUALITY_FIELDS, type QualityField } from '../../../src/quality/quality-rules';
import { insertOrderRows } from '../support/factories';

const HOUR = 3_600_000;

type Profile = Record<QualityField, string | null>;

/** A seeded customer: its stored values and, by hand, which of them are valid. */
export interface QualityCustomer {
  key: string;
  profile: Profile;
  valid: QualityField[];
  signedUpAt: Date;
  deleted?: boolean;
  erased?: boolean;
}

const profile = (
  name: string | null,
  email: string | null,
  phone: string | null,
  country: string | null,
  city: string | null,
  birth_date: string | null,
  gender: string | null,
): Profile => ({ name, email, phone, country, city, birth_date, gender });

/**
 * Customers with good, bad and empty values, written straight into the table (the API would
 * normalise or refuse the bad ones). Validity is stated by hand, independently of the SQL rules.
 */
export const QUALITY_CUSTOMERS: QualityCustomer[] = [
  {
    key: 'good',
    profile: profile(
      'Ada Lovelace',
      'ada@example.com',
      '+447700900123',
      'GB',
      'London',
      '1990-05-01',
      'FEMALE',
    ),
    valid: [...QUALITY_FIELDS],
    signedUpAt: new Date(Date.UTC(2025, 0, 10)),
  },
  {
    key: 'untidy',
    profile: profile(
      ' Bob  Smith',
      'Bob@Example.com',
      '0770 090 0123',
      'gb',
      'Paris ',
      '1899-12-31',
      'male',
    ),
    valid: [],
    signedUpAt: new Date(Date.UTC(2025, 1, 10)),
  },
  {
    key: 'wrong',
    profile: profile(
      'Carl\tJones',
      'carl @example.com',
      '+12',
      'XX',
      'New York',
      '2999-01-01',
      'OTHER',
    ),
    valid: ['city'],
    signedUpAt: new Date(Date.UTC(2025, 2, 10)),
  },
  {
    key: 'wrong-2',
    profile: profile('Dee', 'dee@example', '+3361234567890123', 'ZZ', 'Lyon', null, null),
    valid: ['name', 'city'],
    signedUpAt: new Date(Date.UTC(2025, 2, 20)),
  },
  {
    key: 'empty',
    profile: profile(null, '', '   ', null, '', null, null),
    valid: [],
    signedUpAt: new Date(Date.UTC(2025, 3, 5)),
  },
  {
    key: 'good-2',
    profile: profile(
      'Eve',
      'eve.e@mail.example.org',
      '+33612345678',
      'FR',
      'Lyon',
      '1900-01-02',
      'UNDISCLOSED',
    ),
    valid: [...QUALITY_FIELDS],
    signedUpAt: new Date(Date.UTC(2025, 3, 20)),
  },
  {
    key: 'dup',
    profile: profile('Ada Lovelace', null, '+447700900123', null, null, null, null),
    valid: ['name', 'phone'],
    signedUpAt: new Date(Date.UTC(2025, 3, 25)),
  },
  {
    key: 'deleted',
    profile: profile('x  y', 'BAD', null, null, null, null, null),
    valid: [],
    signedUpAt: new Date(Date.UTC(2025, 0, 1)),
    deleted: true,
  },
  {
    key: 'erased',
    profile: profile(null, null, null, null, null, null, null),
    valid: [],
    signedUpAt: new Date(Date.UTC(2025, 0, 1)),
    erased: true,
  },
];

/** Filled: not null and not blank. */
export function isFilled(value: string | null): boolean {
  return value !== null && value.trim() !== '';
}

/** Inserts the customers (external ids prefixed) and returns their ids by key. */
export async function insertQualityCustomers(
  db: DataSource,
  prefix: string,
  now: Date,
): Promise<Map<string, number>> {
  const at = (date: Date) => sqlInstant(db, date);
  await insertSkippingDuplicates(
    db.manager,
    'customers',
    [
      'external_id',
      ...QUALITY_FIELDS,
      'signed_up_at',
      'created_at',
      'updated_at',
      'deleted_at',
      'erased_at',
      'version',
    ],
    QUALITY_CUSTOMERS.map((c) => [
      `${prefix}-${c.key}`,
      ...QUALITY_FIELDS.map((field) => c.profile[field]),
      at(c.signedUpAt),
      at(now),
      at(now),
      c.deleted ? at(now) : null,
      c.erased ? at(now) : null,
      1,
    ]),
  );
  const rows: Array<{ id: number; external_id: string }> = await db.query(
    'SELECT id, external_id FROM customers WHERE external_id LIKE ?',
    [`${prefix}-%`],
  );

  return new Map(rows.map((row) => [row.external_id.slice(prefix.length + 1), Number(row.id)]));
}

/** Interactions `[customerKey, channel, hoursBeforeNow or Date]`, inserted as given. */
export async function insertEvents(
  db: DataSource,
  ids: Map<string, number>,
  now: Date,
  interactions: Array<[string, string, Date]>,
  orders: Array<[string, Date]>,
): Promise<void> {
  const at = (date: Date) => sqlInstant(db, date);
  let n = 0;
  await insertSkippingDuplicates(
    db.manager,
    'interactions',
    ['customer_id', 'channel', 'type', 'occurred_at', 'client_event_id', 'created_at'],
    interactions.map(([key, channel, when]) => [
      ids.get(key),
      channel,
      'page_view',
      at(when),
      `quality-${now.getTime()}-${(n += 1)}`,
      at(now),
    ]),
  );
  await insertOrderRows(
    db.manager,
    orders.map(([key, when]) => ({
      customerId: ids.get(key),
      clientOrderId: `quality-${now.getTime()}-${(n += 1)}`,
      orderedAt: at(when),
      amount: 10,
      status: 'PAID',
      writtenAt: at(now),
    })),
  );
}

export const hoursBefore = (now: Date, hours: number) => new Date(now.getTime() - hours * HOUR);
