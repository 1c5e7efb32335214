import {
  Arg,
  Args,
  ArgsType,
  Authorized,
  Ctx,
  Field,
  FieldResolver,
  Mutation,
  Resolver,
  Root,
} from 'type-graphql';
import { WRITERS } from '../auth/principal';
import { decodeCustomerIds, loadCustomer } from '../customers/customer.mapper';
import { Customer } from '../customers/customer.types';
import type { PulseContext } from '../graphql/context';
import { toConnection } from '../graphql/connection';
import { loadNestedPage } from '../graphql/nested-page';
import { ForwardPageArgs } from '../graphql/page-args';
import type { Services } from '../services';
import { toOrder, toOrderLine } from './order.mapper';
import {
  IngestOrdersInput,
  IngestOrdersPayload,
  Order,
  OrderConnection,
  OrderLine,
  OrderStatus,
} from './order.types';

@ArgsType()
class CustomerOrdersArgs extends ForwardPageArgs {
  @Field(() => OrderStatus, { nullable: true, description: 'Only orders in this status.' })
  status?: OrderStatus;

  @Field({ nullable: true, description: 'Only orders placed at or after this instant.' })
  since?: Date;
}

@Resolver(() => Order)
export class OrderResolver {
  constructor(private readonly services: Services) {}

  @Authorized(WRITERS)
  @Mutation(() => IngestOrdersPayload, {
    description:
      'Stores up to 5,000 orders with their lines in one transaction. Known clientOrderIds are not stored again; a later status updates them, the same or an earlier one changes nothing.',
  })
  ingestOrders(
    @Arg('input', { description: 'The orders.' }) input: IngestOrdersInput,
  ): Promise<IngestOrdersPayload> {
    return this.services.orders.ingest(decodeCustomerIds(input.orders, 'input.orders'));
  }

  @FieldResolver(() => Customer, { description: 'The customer who ordered.' })
  customer(@Root() order: Order, @Ctx() ctx: PulseContext): Promise<Customer | null> {
    return loadCustomer(ctx, order.customerDbId);
  }

  @FieldResolver(() => [OrderLine], { description: 'The products in the order.' })
  async lines(@Root() order: Order, @Ctx() ctx: PulseContext): Promise<OrderLine[]> {
    return (await ctx.loaders.linesByOrderId.load(order.dbId)).map(toOrderLine);
  }
}

@Resolver(() => Customer)
export class CustomerOrdersResolver {
  constructor(private readonly services: Services) {}

  @FieldResolver(() => OrderConnection, { description: "The customer's orders, newest first." })
  orders(
    @Root() customer: Customer,
    @Args() args: CustomerOrdersArgs,
    @Ctx() ctx: PulseContext,
  ): Promise<OrderConnection> {
    return loadNestedPage(
      {
        parentId: customer.dbId,
        filter: { status: args.status ?? null, since: args.since ?? null },
        first: args.first,
        after: args.after,
        maxPageSize: this.services.maxPageSize,
        rows: ctx.loaders.latestOrdersByCustomer,
        counts: ctx.loaders.orderCountByCustomer,
        sortKey: (row) => ({ at: row.orderedAt, id: row.id }),
      },
      (page) => toConnection(OrderConnection, page, toOrder),
    );
  }
}
