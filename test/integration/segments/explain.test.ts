import { Role } from '../../../src/auth/principal';
import { describeEachDialect } from '../support/dialects';
import { expectError } from '../support/expect-error';
import { createCustomers, unique } from '../support/factories';
import { createSegment } from './segment-support';

const EXPLAIN = `query Explain($segmentId: ID!, $customerId: ID!) {
  explainMembership(segmentId: $segmentId, customerId: $customerId) {
    holds evaluatedAt conditions { path depth kind description holds valueSeen }
  }
}`;

const INGEST_ORDERS = `mutation Orders($input: IngestOrdersInput!) {
  ingestOrders(input: $input) { accepted }
}`;

const RULE = {
  all: [
    { profile: { field: 'COUNTRY', operator: 'IN', values: ['gb', 'ie'] } },
    { value: { metric: 'TOTAL_SPENT', operator: 'GTE', value: 100, window: { lastDays: 90 } } },
    {
      not: {
        profile: {
          field: 'ATTRIBUTE',
          path: 'tier',
          type: 'STRING',
          operator: 'EQ',
          value: 'bronze',
        },
      },
    },
  ],
};

describeEachDialect('explainMembership', (pulse) => {
  let segmentId: string;
  let member: string;
  let nonMember: string;
  beforeAll(async () => {
    const customers = await createCustomers(pulse(), 2, (i) =>
      i === 0 ? { country: 'GB', attributes: { tier: 'Gold' } } : { country: 'FR' },
    );
    [member, nonMember] = customers.map((c) => c.id);
    const orderedAt = new Date(Date.now() - 5 * 86_400_000).toISOString();
    const order = (customerId: string, amount: number) => ({
      customerId,
      clientOrderId: unique('order'),
      amount,
      currency: 'EUR',
      status: 'PAID',
      orderedAt,
    });
    const ingested = await pulse().query(INGEST_ORDERS, {
      input: { orders: [order(member, 100), order(member, 50.5), order(nonMember, 20)] },
    });
    expect(ingested.errors).toBeUndefined();
    segmentId = (await createSegment(pulse(), { kind: 'RULE', definition: RULE })).id;
  });

  it('says every node holds for a customer who matches, with the values seen', async () => {
    const response = await pulse().query<{ explainMembership: Record<string, unknown> }>(EXPLAIN, {
      segmentId,
      customerId: member,
    });
    expect(response.data?.explainMembership).toMatchObject({
      holds: true,
      conditions: [
        { path: 'definition', depth: 0, kind: 'ALL', holds: true, valueSeen: null },
        {
          path: 'definition.all[0]',
          depth: 1,
          kind: 'PROFILE',
          description: 'country is one of "gb", "ie"',
          holds: true,
          valueSeen: 'GB',
        },
        {
          path: 'definition.all[1]',
          kind: 'VALUE',
          description: 'total spent in the last 90 days is at least 100',
          holds: true,
          valueSeen: 150.5,
        },
        { path: 'definition.all[2]', kind: 'NOT', holds: true },
        {
          path: 'definition.all[2].not',
          depth: 2,
          description: 'attribute tier (string) is "bronze"',
          holds: false,
          valueSeen: 'Gold',
        },
      ],
    });
  });

  it('names the failing conditions and their values for a customer who does not match', async () => {
    const response = await pulse().query<{
      explainMembership: { holds: boolean; conditions: Array<Record<string, unknown>> };
    }>(EXPLAIN, { segmentId, customerId: nonMember });
    const explanation = response.data?.explainMembership;
    expect(explanation?.holds).toBe(false);
    expect(
      explanation?.conditions.map(({ path, holds, valueSeen }) => ({ path, holds, valueSeen })),
    ).toEqual([
      { path: 'definition', holds: false, valueSeen: null },
      { path: 'definition.all[0]', holds: false, valueSeen: 'FR' },
      { path: 'definition.all[1]', holds: false, valueSeen: 20 },
      { path: 'definition.all[2]', holds: true, valueSeen: null },
      { path: 'definition.all[2].not', holds: false, valueSeen: null },
    ]);
  });

  it('masks the personal values a PARTNER sees, as on the customer itself', async () => {
    const [person] = await createCustomers(pulse(), 1, () => ({
      city: 'Manchester',
      attributes: { tier: 'Gold', visits: 3 },
    }));
    const rule = (field: string, extra: Record<string, unknown> = {}) => ({
      profile: { field, operator: 'IS_SET', ...extra },
    });
    const personal = await createSegment(pulse(), {
      kind: 'RULE',
      definition: {
        all: [
          rule('CITY'),
          rule('ATTRIBUTE', { path: 'tier', type: 'STRING' }),
          rule('ATTRIBUTE', { path: 'visits', type: 'NUMBER' }),
        ],
      },
    });
    const seenBy = async (role: Role) => {
      const response = await pulse().query<{
        explainMembership: { conditions: Array<{ valueSeen: unknown }> };
      }>(EXPLAIN, { segmentId: personal.id, customerId: person.id }, { role });

      return response.data?.explainMembership.conditions.map((c) => c.valueSeen);
    };
    expect(await seenBy(Role.ANALYST)).toEqual([null, 'Manchester', 'Gold', 3]);
    // City as Customer.city shows it (initials), text in attributes as `***`, numbers as they are.
    expect(await seenBy(Role.PARTNER)).toEqual([null, 'M***', '***', 3]);
  });

  it('runs as many statements for a three-condition rule as for a one-condition rule', async () => {
    const small = (
      await createSegment(pulse(), {
        kind: 'RULE',
        definition: { profile: { field: 'COUNTRY', operator: 'EQ', value: 'GB' } },
      })
    ).id;
    const statements = async (id: string) =>
      (
        await pulse().countStatements(() =>
          pulse().query(EXPLAIN, { segmentId: id, customerId: member }),
        )
      ).statements;
    expect(await statements(segmentId)).toBe(await statements(small));
  });

  it('answers NOT_FOUND on customerId for a customer that does not exist', async () => {
    const missing = Buffer.from('Customer:999999', 'utf8').toString('base64url');
    expectError(
      await pulse().query(EXPLAIN, { segmentId, customerId: missing }),
      'NOT_FOUND',
      'customerId',
    );
  });
});
