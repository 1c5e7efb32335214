import { Role } from '../../../src/auth/principal';
import { describeEachDialect } from '../support/dialects';
import { createCustomers } from '../support/factories';

const CONTACTABLE = `query($ids: [ID!]!) { nodes(ids: $ids) { ... on Customer { id contactableChannels } } }`;

describeEachDialect('Customer.contactableChannels', (pulse) => {
  it('lists GRANTED channels only: DENIED and unrecorded channels are not contactable', async () => {
    const [granted, denied, none] = await createCustomers(pulse(), 3, (i) => ({
      consents: [
        [
          { channel: 'SMS', status: 'GRANTED' },
          { channel: 'EMAIL', status: 'GRANTED' },
          { channel: 'PHONE', status: 'DENIED' },
        ],
        [{ channel: 'EMAIL', status: 'DENIED' }],
        [],
      ][i],
    }));

    const response = await pulse().query<{ nodes: Array<{ contactableChannels: string[] }> }>(
      CONTACTABLE,
      { ids: [granted.id, denied.id, none.id] },
      { role: Role.PARTNER },
    );

    expect(response.errors).toBeUndefined();
    expect(response.data!.nodes.map((node) => node.contactableChannels)).toEqual([
      ['EMAIL', 'SMS'],
      [],
      [],
    ]);
  });

  it('follows a withdrawn consent at once', async () => {
    const [customer] = await createCustomers(pulse(), 1, () => ({
      consents: [{ channel: 'EMAIL', status: 'GRANTED' }],
    }));
    await pulse().query(
      `mutation($input: UpdateCustomerInput!) { updateCustomer(input: $input) { customer { id } } }`,
      {
        input: { id: customer.id, version: 1, consents: [{ channel: 'EMAIL', status: 'DENIED' }] },
      },
    );

    const response = await pulse().query<{ nodes: Array<{ contactableChannels: string[] }> }>(
      CONTACTABLE,
      { ids: [customer.id] },
    );

    expect(response.data!.nodes[0].contactableChannels).toEqual([]);
  });

  it('costs the same number of statements for 10 customers as for 60', async () => {
    const customers = await createCustomers(pulse(), 60, () => ({
      consents: [{ channel: 'EMAIL', status: 'GRANTED' }],
    }));
    const ids = customers.map((customer) => customer.id);
    // As PARTNER, so that no audit entry is part of the count.
    await pulse().query('{ customers(first: 1) { edges { cursor } } }', {}, { role: Role.PARTNER });
    const count = async (first: number) =>
      (
        await pulse().countStatements(() =>
          pulse().query(CONTACTABLE, { ids: ids.slice(0, first) }, { role: Role.PARTNER }),
        )
      ).statements;

    expect(await count(10)).toBe(await count(60));
    // One for the customers, one for the consents of all of them.
    expect(await count(60)).toBe(2);
  });
});
