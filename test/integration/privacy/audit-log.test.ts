import { Role } from '../../../src/auth/principal';
import { describeEachDialect } from '../support/dialects';
import { expectError } from '../support/expect-error';
import { createCustomers } from '../support/factories';
import { collect, wsClient } from '../support/ws';
import { AUDIT_LOG, apiKeyIdOf, auditEntries } from './privacy-support';

const PAGE = `query Page($ids: [ID!]!) { nodes(ids: $ids) { ... on Customer { id name email } } }`;
const ONE = `query One($id: ID!) { customer(id: $id) { id email } }`;
const UPDATE = `mutation Update($input: UpdateCustomerInput!) { updateCustomer(input: $input) { customer { version } } }`;
const DELETE = `mutation Delete($input: DeleteCustomerInput!) { deleteCustomer(input: $input) { deletedId } }`;
const UPSERT = `mutation Upsert($input: UpsertCustomersInput!) { upsertCustomers(input: $input) { created updated unchanged } }`;

describeEachDialect('auditLog', (pulse) => {
  describe('reads', () => {
    it('records one READ_PERSONAL_DATA entry per ADMIN request, with the key, the operation and every customer read', async () => {
      const customers = await createCustomers(pulse(), 3);
      const ids = customers.map((customer) => customer.id);

      const response = await pulse().query(PAGE, { ids });

      expect(response.errors).toBeUndefined();
      const entries = await auditEntries(pulse(), {
        customerId: ids[1],
        actions: ['READ_PERSONAL_DATA'],
        apiKeyId: await apiKeyIdOf(pulse(), Role.ADMIN),
      });
      // The factory's upsert read the customers back too.
      expect(entries.map((entry) => entry.operationName)).toEqual(['Page', 'Upsert']);
      expect(entries[0]).toMatchObject({
        customerId: null,
        customerCount: 3,
        customerIds: ids,
        requestId: expect.any(String),
      });
    });

    it('records an ANALYST read of one customer with the customer id', async () => {
      const [customer] = await createCustomers(pulse(), 1);

      expect(
        (await pulse().query(ONE, { id: customer.id }, { role: Role.ANALYST })).errors,
      ).toBeUndefined();

      const entries = await auditEntries(pulse(), {
        customerId: customer.id,
        apiKeyId: await apiKeyIdOf(pulse(), Role.ANALYST),
      });
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({
        action: 'READ_PERSONAL_DATA',
        customerId: customer.id,
        customerCount: 1,
        customerIds: [customer.id],
        operationName: 'One',
      });
    });

    it('records each of many concurrent reads with an entry of its own', async () => {
      const customers = await createCustomers(pulse(), 12);
      const responses = await Promise.all(
        customers.map((customer) =>
          pulse().query(ONE, { id: customer.id }, { role: Role.ANALYST }),
        ),
      );
      expect(responses.map((response) => response.errors)).toEqual(customers.map(() => undefined));

      const apiKeyId = await apiKeyIdOf(pulse(), Role.ANALYST);
      const entries = await Promise.all(
        customers.map((customer) => auditEntries(pulse(), { customerId: customer.id, apiKeyId })),
      );
      expect(entries.map((of) => of.map((entry) => entry.customerIds))).toEqual(
        customers.map((customer) => [[customer.id]]),
      );
      expect(new Set(entries.map(([entry]) => entry.requestId)).size).toBe(customers.length);
    });

    it('records nothing for a PARTNER read, which is masked', async () => {
      const customers = await createCustomers(pulse(), 2);
      const ids = customers.map((customer) => customer.id);

      const response = await pulse().query<{ nodes: Array<{ email: string }> }>(
        PAGE,
        { ids },
        { role: Role.PARTNER },
      );

      expect(response.data!.nodes[0].email).toMatch(/^c\*\*\*@e\*\*\*\.com$/);
      expect(
        await auditEntries(pulse(), { apiKeyId: await apiKeyIdOf(pulse(), Role.PARTNER) }),
      ).toEqual([]);
    });

    it('records one entry per subscription event that carries a customer, over WebSocket', async () => {
      const [customer] = await createCustomers(pulse(), 1);
      const client = wsClient(pulse(), pulse().keys[Role.ANALYST]);
      const live = collect(
        client,
        `subscription Live($ids: [ID!]!) { interactionRecorded(customerIds: $ids) { id customer { name } } }`,
        { ids: [customer.id] },
        2,
      );
      await live.ready;
      for (const suffix of ['a', 'b']) {
        await pulse().query(
          `mutation($input: IngestInteractionsInput!) { ingestInteractions(input: $input) { accepted } }`,
          {
            input: {
              interactions: [
                {
                  customerId: customer.id,
                  channel: 'WEB',
                  type: 'page_view',
                  occurredAt: '2026-01-01T00:00:00Z',
                  clientEventId: `${customer.externalId}-${suffix}`,
                },
              ],
            },
          },
        );
      }
      expect(await live.results).toHaveLength(2);
      await client.dispose();

      const entries = await auditEntries(pulse(), {
        customerId: customer.id,
        apiKeyId: await apiKeyIdOf(pulse(), Role.ANALYST),
      });
      expect(entries.map((entry) => [entry.action, entry.customerId])).toEqual([
        ['READ_PERSONAL_DATA', customer.id],
        ['READ_PERSONAL_DATA', customer.id],
      ]);
    });
  });

  describe('writes', () => {
    it('records create, update and delete of a customer with the fields and consents changed, never their values', async () => {
      const created = await pulse().query<{ createCustomer: { customer: { id: string } } }>(
        `mutation Create { createCustomer(input: { name: "Ada", consents: [{ channel: SMS, status: GRANTED }] }) { customer { id } } }`,
        {},
        { role: Role.ANALYST },
      );
      const id = created.data!.createCustomer.customer.id;
      await pulse().query(
        UPDATE,
        { input: { id, version: 1, city: 'Leeds', phone: null } },
        { role: Role.ANALYST },
      );
      await pulse().query(DELETE, { input: { id } }, { role: Role.ANALYST });

      const entries = await auditEntries(pulse(), {
        customerId: id,
        actions: ['CREATE_CUSTOMER', 'UPDATE_CUSTOMER', 'DELETE_CUSTOMER'],
      });

      const analyst = await apiKeyIdOf(pulse(), Role.ANALYST);
      expect(
        entries.map(({ action, apiKeyId, operationName, details }) => ({
          action,
          apiKeyId,
          operationName,
          details,
        })),
      ).toEqual([
        { action: 'DELETE_CUSTOMER', apiKeyId: analyst, operationName: 'Delete', details: null },
        {
          action: 'UPDATE_CUSTOMER',
          apiKeyId: analyst,
          operationName: 'Update',
          details: { fields: ['phone', 'city'], consents: [] },
        },
        {
          action: 'CREATE_CUSTOMER',
          apiKeyId: analyst,
          operationName: 'Create',
          details: { consents: ['SMS'] },
        },
      ]);
      expect(JSON.stringify(entries)).not.toContain('Leeds');
    });

    it('records an upsert that changed customers once, and a retry that changed nothing not at all', async () => {
      const [customer] = await createCustomers(pulse(), 1);
      const input = { customers: [{ externalId: customer.externalId, city: 'York' }] };

      await pulse().query(UPSERT, { input });
      await pulse().query(UPSERT, { input });

      const entries = await auditEntries(pulse(), {
        customerId: customer.id,
        actions: ['UPSERT_CUSTOMERS'],
      });
      expect(entries.map((entry) => entry.details)).toEqual([
        { created: 0, updated: 1, unchanged: 0 },
        { created: 1, updated: 0, unchanged: 0 },
      ]);
    });

    it('records nothing for a write that failed', async () => {
      const [customer] = await createCustomers(pulse(), 1);

      expectError(
        await pulse().query(UPDATE, { input: { id: customer.id, version: 9, city: 'Hull' } }),
        'CONFLICT',
      );

      expect(
        await auditEntries(pulse(), { customerId: customer.id, actions: ['UPDATE_CUSTOMER'] }),
      ).toEqual([]);
    });
  });

  describe('queries', () => {
    it('filters by time range, newest first', async () => {
      const [customer] = await createCustomers(pulse(), 1);
      // Instants have millisecond precision: keep clear of the entries on either side.
      const pause = () => new Promise((resolve) => setTimeout(resolve, 5));
      await pause();
      const middle = new Date();
      await pause();
      await pulse().query(ONE, { id: customer.id });

      const after = await auditEntries(pulse(), {
        customerId: customer.id,
        occurred: { from: middle.toISOString() },
      });
      const before = await auditEntries(pulse(), {
        customerId: customer.id,
        occurred: { to: middle.toISOString() },
      });

      expect(after.map((entry) => entry.operationName)).toEqual(['One']);
      expect(before.map((entry) => [entry.action, entry.operationName])).toEqual([
        ['READ_PERSONAL_DATA', 'Upsert'],
        ['UPSERT_CUSTOMERS', 'Upsert'],
      ]);
    });

    it('pages newest first with cursors that neither skip nor repeat an entry', async () => {
      const [customer] = await createCustomers(pulse(), 1);
      for (let i = 0; i < 3; i += 1) {
        await pulse().query(ONE, { id: customer.id });
      }
      const all = await auditEntries(pulse(), { customerId: customer.id });
      expect(all).toHaveLength(5);
      const pages: string[][] = [];
      let after: string | null = null;
      do {
        const response: any = await pulse().query(AUDIT_LOG, {
          filter: { customerId: customer.id },
          first: 2,
          after,
        });
        const connection = response.data.auditLog;
        expect(connection.totalCount).toBe(5);
        pages.push(connection.edges.map((edge: any) => edge.node.id));
        after = connection.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null;
      } while (after);

      expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
      expect(pages.flat()).toEqual(all.map((entry) => entry.id));
      const times = all.map((entry) => Date.parse(entry.occurredAt));
      expect([...times].sort((a, b) => b - a)).toEqual(times);
    });

    it('refuses a page larger than the cap with BAD_USER_INPUT', async () => {
      expectError(await pulse().query(AUDIT_LOG, { first: 101 }), 'BAD_USER_INPUT', 'first');
    });

    it('resolves an entry through node(id) for ADMIN', async () => {
      const [customer] = await createCustomers(pulse(), 1);
      const [entry] = await auditEntries(pulse(), { customerId: customer.id });

      const response = await pulse().query<{ node: { id: string; action: string } }>(
        `query($id: ID!) { node(id: $id) { id ... on AuditEntry { action } } }`,
        { id: entry.id },
      );

      expect(response.data!.node).toEqual({ id: entry.id, action: entry.action });
    });

    it.each([Role.ANALYST, Role.PARTNER, Role.ALERTS])(
      'refuses the %s role with FORBIDDEN, through auditLog and node',
      async (role) => {
        const [customer] = await createCustomers(pulse(), 1);
        const [entry] = await auditEntries(pulse(), { customerId: customer.id });

        expectError(await pulse().query(AUDIT_LOG, {}, { role }), 'FORBIDDEN');
        const viaNode = await pulse().query(
          `query($id: ID!) { node(id: $id) { id } }`,
          { id: entry.id },
          { role },
        );
        expect(viaNode.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      },
    );
  });
});
