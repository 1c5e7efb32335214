import { ConsentEntity } from '../../../src/customers/consent.entity';
import { CustomerEntity } from '../../../src/customers/customer.entity';
import { selectEntities, selectEntitiesBeside } from '../../../src/db/entity-select';
import { fromGlobalId } from '../../../src/graphql/global-id';
import { InteractionEntity } from '../../../src/interactions/interaction.entity';
import { OrderLineEntity } from '../../../src/orders/order-line.entity';
import { OrderEntity } from '../../../src/orders/order.entity';
import { describeEachDialect } from '../support/dialects';
import { unique } from '../support/factories';

const CREATE = `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }`;
const INTERACTIONS = `mutation($input: IngestInteractionsInput!) { ingestInteractions(input: $input) { accepted } }`;
const ORDERS = `mutation($input: IngestOrdersInput!) { ingestOrders(input: $input) { accepted } }`;

// The hot reads skip TypeORM's query builder: every column type they meet (JSON, instants,
// dates, decimals, nulls, enums) must come back exactly as find() gives it.
describeEachDialect('entities read with selectEntities', (pulse) => {
  let customerIds: number[];

  beforeAll(async () => {
    const people = [
      {
        externalId: unique('sel'),
        name: 'Ada Example',
        email: 'ada@example.com',
        phone: '+441234567890',
        birthDate: '1984-06-02',
        country: 'GB',
        attributes: { tier: 3, tags: ['vip'], nested: { since: '2024-01-01' } },
        consents: [
          { channel: 'EMAIL', status: 'GRANTED' },
          { channel: 'SMS', status: 'DENIED' },
        ],
      },
      { externalId: unique('sel') },
    ];
    const globalIds: string[] = [];
    for (const input of people) {
      const created = await pulse().query<{ createCustomer: { customer: { id: string } } }>(
        CREATE,
        { input },
      );
      globalIds.push(created.data!.createCustomer.customer.id);
    }
    customerIds = globalIds.map((id) => fromGlobalId(id, 'Customer', 'id'));
    const globalId = globalIds[0];
    expect(
      (
        await pulse().query(INTERACTIONS, {
          input: {
            interactions: [
              {
                customerId: globalId,
                channel: 'SURVEY',
                type: 'nps',
                clientEventId: unique('evt'),
                occurredAt: '2026-10-01T10:00:00.123Z',
                score: 9,
                properties: { text: 'fine', n: 2 },
              },
              {
                customerId: globalId,
                channel: 'WEB',
                type: 'page_view',
                clientEventId: unique('evt'),
                occurredAt: '2026-10-02T10:00:00Z',
              },
            ],
          },
        })
      ).errors,
    ).toBeUndefined();
    expect(
      (
        await pulse().query(ORDERS, {
          input: {
            orders: [
              {
                customerId: globalId,
                clientOrderId: unique('ord'),
                orderedAt: '2026-10-02T10:00:00Z',
                status: 'PAID',
                currency: 'GBP',
                lines: [
                  { productId: 'p1', productName: 'Shoe', quantity: 2, unitPrice: 80.5 },
                  { productId: 'p2', productName: 'Sock', quantity: 1, unitPrice: 3.99 },
                ],
              },
            ],
          },
        })
      ).errors,
    ).toBeUndefined();
  });

  it('reads customers, consents, interactions, orders and lines exactly as find() does', async () => {
    const db = pulse().app.db;
    const reads: Array<[new () => object, string, string]> = [
      [CustomerEntity, 'id', 'WHERE t.id IN (:...ids) ORDER BY t.id'],
      [ConsentEntity, 'customerId', 'WHERE t.customer_id IN (:...ids) ORDER BY t.channel'],
      [InteractionEntity, 'customerId', 'WHERE t.customer_id IN (:...ids) ORDER BY t.id'],
      [OrderEntity, 'customerId', 'WHERE t.customer_id IN (:...ids) ORDER BY t.id'],
    ];
    for (const [entity, property, rest] of reads) {
      const expected = await db.getRepository(entity).find({
        where: customerIds.map((id) => ({ [property]: id })),
        order: { [property === 'id' ? 'id' : property]: 'ASC' },
      });
      const sorted = (rows: object[]) =>
        [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
      const read = await selectEntities(db, entity, rest, { ids: customerIds });

      expect(read.length).toBeGreaterThan(0);
      expect(read.every((row) => row instanceof entity)).toBe(true);
      expect(sorted(read)).toEqual(sorted(expected));
    }
    const orderIds = (
      await db.getRepository(OrderEntity).findBy({ customerId: customerIds[0] })
    ).map((order) => order.id);
    const lines = await selectEntities(db, OrderLineEntity, 'WHERE t.order_id IN (:...orderIds)', {
      orderIds,
    });
    expect(lines).toHaveLength(2);
    expect(lines).toEqual(
      expect.arrayContaining(
        await db.getRepository(OrderLineEntity).findBy({ orderId: orderIds[0] }),
      ),
    );
  });

  it('reads values beside entities, one shared entity per primary key', async () => {
    const db = pulse().app.db;
    const [order] = await db.getRepository(OrderEntity).findBy({ customerId: customerIds[0] });
    const rows = await selectEntitiesBeside(
      db,
      OrderEntity,
      { line_product_id: 'l.product_id' },
      'JOIN order_lines l ON l.order_id = t.id WHERE t.id = :id ORDER BY l.product_id',
      { id: order.id },
    );

    expect(rows.map((row) => row.beside)).toEqual([
      { line_product_id: 'p1' },
      { line_product_id: 'p2' },
    ]);
    expect(rows[0].entity).toBe(rows[1].entity);
    expect(rows[0].entity).toBeInstanceOf(OrderEntity);
    expect(rows[0].entity).toEqual(order);
  });

  it('refuses a value beside named like a column of the entity', async () => {
    await expect(
      selectEntitiesBeside(pulse().app.db, OrderEntity, { amount: '1' }, 'WHERE 1 = 0'),
    ).rejects.toThrow('selectEntitiesBeside: amount is a column of OrderEntity');
  });
});
