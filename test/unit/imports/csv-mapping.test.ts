import {
  canonicalColumn,
  mapCustomerRow,
  mapInteractionRow,
  mapOrderRow,
  type OrderRow,
  OrderGrouper,
  parseIsoInstant,
  planHeader,
  typedValue,
} from '../../../src/imports/csv-mapping';

function orderRow(header: string[], record: string[], line: number): OrderRow {
  const mapped = mapOrderRow(planHeader('orders', header), record, line);
  if (!mapped.ok) {
    throw new Error(`line ${line} did not map: ${mapped.problem.reason}`);
  }

  return mapped.value;
}

describe('planHeader', () => {
  it('reads snake_case, camelCase, spaced and upper-case names as the same column', () => {
    expect(
      ['external_id', 'externalId', 'External Id', 'EXTERNAL_ID', 'external-id'].map(
        canonicalColumn,
      ),
    ).toEqual(Array(5).fill('external_id'));
    const plan = planHeader('customers', ['externalId', 'signedUpAt', 'Consent_Email']);
    expect([...plan.known.keys()]).toEqual(['external_id', 'signed_up_at', 'consent_email']);
  });

  it('refuses a file whose header lacks a required column, naming it', () => {
    expect(() => planHeader('interactions', ['customer_external_id', 'channel', 'type'])).toThrow(
      'interactions files need the columns client_event_id, occurred_at in their header row',
    );
  });

  it('refuses a header that names a column twice, even in two spellings', () => {
    expect(() => planHeader('customers', ['external_id', 'email', 'externalId'])).toThrow(
      'Column "externalId" (column 3) repeats column 1 of the header',
    );
  });

  it('refuses a consent column for a channel that does not exist instead of storing it as an attribute', () => {
    expect(() => planHeader('customers', ['external_id', 'consent_fax'])).toThrow(
      /"consent_fax" is not a consent channel/,
    );
  });

  it('lists unknown columns of an orders file as ignored', () => {
    const plan = planHeader('orders', [
      'client_order_id',
      'customer_external_id',
      'ordered_at',
      'currency',
      'status',
      'colour',
    ]);
    expect(plan.ignored).toEqual(['colour']);
    expect(plan.extra).toEqual([]);
  });
});

describe('mapCustomerRow', () => {
  const header = [
    'external_id',
    'name',
    'email',
    'phone',
    'country',
    'city',
    'birth_date',
    'gender',
    'signed_up_at',
    'consent_email',
    'consent_sms',
    'consent_mobile_app',
    'loyalty_tier',
    'visits',
    'ltv',
    'vip',
    'zip',
    'note',
  ];
  const plan = planHeader('customers', header);

  it('maps every known column to the field the API takes', () => {
    const record = [
      'C1',
      'Ada Lovelace',
      'ada@example.com',
      '+44 20 7946 0000',
      'GB',
      'London',
      '1815-12-10',
      'female',
      '2024-05-01T09:30:00Z',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
    ];
    expect(mapCustomerRow(plan, record, 2)).toEqual({
      ok: true,
      value: {
        externalId: 'C1',
        name: 'Ada Lovelace',
        email: 'ada@example.com',
        phone: '+44 20 7946 0000',
        country: 'GB',
        city: 'London',
        birthDate: '1815-12-10',
        gender: 'FEMALE',
        signedUpAt: new Date('2024-05-01T09:30:00Z'),
      },
    });
  });

  it('leaves out empty cells so that stored values are left alone', () => {
    const record = ['C2', ...Array(header.length - 1).fill('')];
    expect(mapCustomerRow(plan, record, 3)).toEqual({ ok: true, value: { externalId: 'C2' } });
  });

  it('puts unknown columns into attributes, typed as number, boolean or text, and omits empty ones', () => {
    const record = [
      'C3',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      'gold',
      '12',
      '-3.75',
      'TRUE',
      '00123',
      '',
    ];
    const mapped = mapCustomerRow(plan, record, 4);
    expect(mapped.ok && mapped.value.attributes).toEqual({
      loyalty_tier: 'gold',
      visits: 12,
      ltv: -3.75,
      vip: true,
      zip: '00123',
    });
  });

  it('reads consent values granted/yes/true as GRANTED and denied/no/false as DENIED, in any case', () => {
    const cells = (email: string, sms: string, app: string) => {
      const record = ['C4', ...Array(header.length - 1).fill('')];
      record[9] = email;
      record[10] = sms;
      record[11] = app;

      return record;
    };
    const consents = (record: string[]) => {
      const mapped = mapCustomerRow(plan, record, 5);

      return mapped.ok ? mapped.value.consents : mapped.problem.reason;
    };
    expect(consents(cells('Granted', 'no', 'TRUE'))).toEqual([
      { channel: 'EMAIL', status: 'GRANTED' },
      { channel: 'MOBILE_APP', status: 'GRANTED' },
      { channel: 'SMS', status: 'DENIED' },
    ]);
    expect(consents(cells('yes', 'false', 'denied'))).toEqual([
      { channel: 'EMAIL', status: 'GRANTED' },
      { channel: 'MOBILE_APP', status: 'DENIED' },
      { channel: 'SMS', status: 'DENIED' },
    ]);
    expect(consents(cells('', '', ''))).toBeUndefined();
    expect(consents(cells('maybe', '', ''))).toBe(
      'consent_email must be granted, denied, yes, no, true or false, got "maybe"',
    );
  });

  it.each([
    ['a missing external id', { 0: '' }, 'external_id is required'],
    [
      'a date that is not ISO 8601',
      { 8: '05/01/2024' },
      'signed_up_at must be an ISO 8601 date or date-time (2024-05-01 or 2024-05-01T09:30:00Z), got "05/01/2024"',
    ],
    [
      'a day that does not exist',
      { 8: '2024-02-30' },
      'signed_up_at must be an ISO 8601 date or date-time (2024-05-01 or 2024-05-01T09:30:00Z), got "2024-02-30"',
    ],
  ])('rejects %s with the line number and a reason naming the column', (_title, patch, reason) => {
    const record = Object.assign(['C5', ...Array(header.length - 1).fill('')], patch);
    expect(mapCustomerRow(plan, record, 7)).toEqual({ ok: false, problem: { line: 7, reason } });
  });

  it('rejects a short row instead of reading shifted cells', () => {
    expect(mapCustomerRow(plan, ['C6', 'Bob'], 9)).toEqual({
      ok: false,
      problem: { line: 9, reason: `row has 2 fields, the header has ${header.length}` },
    });
  });
});

describe('mapInteractionRow', () => {
  const plan = planHeader('interactions', [
    'customerExternalId',
    'clientEventId',
    'Channel',
    'type',
    'occurredAt',
    'value',
    'score',
    'campaign',
    'opens',
  ]);

  it('maps the columns, upper-cases the channel and types extra columns into properties', () => {
    expect(
      mapInteractionRow(
        plan,
        [
          'C1',
          'e-1',
          'email',
          'email_open',
          '2024-05-01 10:00:00+02:00',
          '1.5',
          '9',
          'spring',
          '3',
        ],
        2,
      ),
    ).toEqual({
      ok: true,
      value: {
        customerExternalId: 'C1',
        clientEventId: 'e-1',
        channel: 'EMAIL',
        type: 'email_open',
        occurredAt: new Date('2024-05-01T08:00:00Z'),
        value: 1.5,
        score: 9,
        properties: { campaign: 'spring', opens: 3 },
      },
    });
  });

  it('reports every problem of a row in one reason', () => {
    expect(
      mapInteractionRow(
        plan,
        ['C1', '', 'email', 'email_open', 'yesterday', 'lots', '', '', ''],
        4,
      ),
    ).toEqual({
      ok: false,
      problem: {
        line: 4,
        reason:
          'client_event_id is required; occurred_at must be an ISO 8601 date or date-time (2024-05-01 or 2024-05-01T09:30:00Z), got "yesterday"; value must be a number like 12 or 12.5, got "lots"',
      },
    });
  });
});

describe('parseIsoInstant and typedValue', () => {
  it('reads an instant without an offset as UTC and applies an explicit offset', () => {
    expect(parseIsoInstant('2024-05-01')?.toISOString()).toBe('2024-05-01T00:00:00.000Z');
    expect(parseIsoInstant('2024-05-01T09:30')?.toISOString()).toBe('2024-05-01T09:30:00.000Z');
    expect(parseIsoInstant('2024-05-01T09:30:00.25-0130')?.toISOString()).toBe(
      '2024-05-01T11:00:00.250Z',
    );
  });

  it('refuses text that Date.parse would accept but is not an ISO 8601 instant', () => {
    expect(
      ['May 1 2024', '2024-13-01', '2024-05-01T24:00', '0024-05-01', '2024-05-01T09:30+15:00'].map(
        parseIsoInstant,
      ),
    ).toEqual(Array(5).fill(null));
  });

  it('keeps numbers that would not read back the same as text', () => {
    expect(
      ['42', '0', '-0.5', '007', '12345678901234567890', '1e3', 'False'].map(typedValue),
    ).toEqual([42, 0, -0.5, '007', '12345678901234567890', '1e3', false]);
  });
});

describe('OrderGrouper', () => {
  const header = [
    'client_order_id',
    'customer_external_id',
    'ordered_at',
    'currency',
    'status',
    'amount',
    'product_id',
    'product_name',
    'category',
    'quantity',
    'unit_price',
  ];

  it('groups rows by client order id into one order with a line per row, even when not adjacent', () => {
    const grouper = new OrderGrouper();
    grouper.add(
      orderRow(
        header,
        ['O1', 'C1', '2024-05-01T10:00:00Z', 'EUR', 'paid', '', 'P1', 'Pen', 'office', '2', '1.50'],
        2,
      ),
    );
    grouper.add(
      orderRow(header, ['O2', 'C2', '2024-05-02', 'EUR', 'PLACED', '30', '', '', '', '', ''], 3),
    );
    grouper.add(orderRow(header, ['O1', '', '', '', '', '', 'P2', 'Ink', '', '1', '4'], 4));
    const { orders, problems, closed } = grouper.drain();
    expect(problems).toEqual([]);
    expect(closed).toEqual(['O1', 'O2']);
    expect(orders).toEqual([
      {
        clientOrderId: 'O1',
        lines: [2, 4],
        customerExternalId: 'C1',
        orderedAt: new Date('2024-05-01T10:00:00Z'),
        currency: 'EUR',
        status: 'PAID',
        items: [
          {
            line: 2,
            item: {
              productId: 'P1',
              productName: 'Pen',
              category: 'office',
              quantity: 2,
              unitPrice: 1.5,
            },
          },
          { line: 4, item: { productId: 'P2', productName: 'Ink', quantity: 1, unitPrice: 4 } },
        ],
      },
      {
        clientOrderId: 'O2',
        lines: [3],
        customerExternalId: 'C2',
        orderedAt: new Date('2024-05-02T00:00:00Z'),
        currency: 'EUR',
        status: 'PLACED',
        amount: 30,
        items: [],
      },
    ]);
    expect(grouper.size).toBe(0);
  });

  it('rejects every row of an order whose rows disagree on an order field, naming both lines', () => {
    const grouper = new OrderGrouper();
    grouper.add(
      orderRow(header, ['O1', 'C1', '2024-05-01', 'EUR', 'PAID', '', 'P1', 'Pen', '', '1', '2'], 2),
    );
    grouper.add(
      orderRow(
        header,
        ['O1', 'C1', '2024-05-01T00:00:00Z', 'USD', 'PAID', '', 'P2', 'Ink', '', '1', '3'],
        3,
      ),
    );
    const reason = 'rows of order O1 disagree on currency: "EUR" on line 2, "USD" on line 3';
    expect(grouper.drain()).toEqual({
      orders: [],
      problems: [
        { line: 2, reason },
        { line: 3, reason },
      ],
      closed: ['O1'],
    });
  });

  it('holds back the whole order when one of its rows was rejected', () => {
    const grouper = new OrderGrouper();
    grouper.add(
      orderRow(header, ['O1', 'C1', '2024-05-01', 'EUR', 'PAID', '', 'P1', 'Pen', '', '1', '2'], 2),
    );
    const bad = mapOrderRow(
      planHeader('orders', header),
      ['O1', '', '', '', '', '', 'P2', 'Ink', '', 'two', '3'],
      3,
    );
    expect(bad).toMatchObject({
      ok: false,
      clientOrderId: 'O1',
      problem: { line: 3, reason: 'quantity must be a number like 12 or 12.5, got "two"' },
    });
    grouper.reject('O1', {
      line: 3,
      reason: 'quantity must be a number like 12 or 12.5, got "two"',
    });
    expect(grouper.drain().problems).toEqual([
      { line: 2, reason: 'order O1 has a rejected row on line 3' },
      { line: 3, reason: 'quantity must be a number like 12 or 12.5, got "two"' },
    ]);
  });

  it('rejects an order that gives no currency on any of its rows', () => {
    const grouper = new OrderGrouper();
    grouper.add(
      orderRow(header, ['O9', 'C1', '2024-05-01', '', 'PAID', '5', '', '', '', '', ''], 6),
    );
    expect(grouper.drain().problems).toEqual([
      { line: 6, reason: 'order O9 has no currency on any of its rows' },
    ]);
  });

  it('requires the product columns on a row that names a product', () => {
    const mapped = mapOrderRow(
      planHeader('orders', header),
      ['O1', 'C1', '2024-05-01', 'EUR', 'PAID', '', 'P1', '', '', '', '2'],
      5,
    );
    expect(mapped).toEqual({
      ok: false,
      clientOrderId: 'O1',
      problem: { line: 5, reason: 'product_name is required; quantity is required' },
    });
  });
});
