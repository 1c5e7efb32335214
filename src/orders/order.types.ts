import {
  ArrayMaxSize,
  ArrayMinSize,
  IsIn,
  IsInt,
  IsOptional,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionType } from '../graphql/connection';
import { Node } from '../graphql/node';
import { MAX_INGEST_ORDERS } from './order.service';

export enum OrderStatus {
  PLACED = 'PLACED',
  PAID = 'PAID',
  REFUNDED = 'REFUNDED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(OrderStatus, {
  name: 'OrderStatus',
  description: 'Where an order stands. Only PAID orders count as spend.',
  valuesConfig: {
    PLACED: { description: 'Placed, not paid yet.' },
    PAID: { description: 'Paid.' },
    REFUNDED: { description: 'Paid, then refunded.' },
    CANCELLED: { description: 'Cancelled, before or after payment.' },
  },
});

@ObjectType({ implements: Node, description: 'One product in an order.' })
export class OrderLine extends Node {
  dbId!: number;

  @Field({ description: 'Product id in the shop system.' })
  productId!: string;

  @Field({ description: 'Product name.' })
  productName!: string;

  @Field(() => String, { nullable: true, description: 'Product category.' })
  category!: string | null;

  @Field(() => Int, { description: 'Units bought.' })
  quantity!: number;

  @Field(() => Float, { description: 'Price of one unit.' })
  unitPrice!: number;

  @Field(() => Float, { description: 'quantity × unitPrice.' })
  lineTotal!: number;
}

@ObjectType({ implements: Node, description: 'A purchase by a customer.' })
export class Order extends Node {
  dbId!: number;
  customerDbId!: number;

  @Field({ description: "The shop's unique id of this order; retries with it are ignored." })
  clientOrderId!: string;

  @Field({ description: 'When it was placed (UTC).' })
  orderedAt!: Date;

  @Field(() => Float, { description: 'Total amount.' })
  amount!: number;

  @Field({ description: 'Currency, ISO 4217.' })
  currency!: string;

  @Field(() => OrderStatus, { description: 'Where the order stands.' })
  status!: OrderStatus;
}

@ObjectType({ description: 'A page of orders, newest first.' })
export class OrderConnection extends ConnectionType(Order) {}

@InputType({ description: 'One line of an order.' })
export class OrderLineInput {
  @Field({ description: 'Product id.' })
  @Length(1, 64)
  productId!: string;

  @Field({ description: 'Product name.' })
  @Length(1, 200)
  productName!: string;

  @Field({ nullable: true, description: 'Product category.' })
  @IsOptional()
  @Length(1, 100)
  category?: string;

  @Field(() => Int, { description: 'Units, at least 1.' })
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  quantity!: number;

  @Field(() => Float, { description: 'Price of one unit, at least 0.' })
  @Min(0)
  @Max(9_999_999)
  unitPrice!: number;
}

@InputType({ description: 'One order to store.' })
export class OrderInput {
  @Field(() => ID, {
    nullable: true,
    description:
      'The customer, by Pulse id (or give customerExternalId); the id of a customer merged into another names the survivor.',
  })
  @IsOptional()
  customerId?: string;

  @Field({
    nullable: true,
    description:
      'The customer, by external id (or give customerId); the external id of a customer merged into another names the survivor.',
  })
  @IsOptional()
  @Length(1, 128)
  customerExternalId?: string;

  @Field({ description: 'Your unique id for this order: sending it again is harmless.' })
  @Length(1, 128)
  clientOrderId!: string;

  @Field({ description: 'When it was placed.' })
  orderedAt!: Date;

  @Field(() => Float, {
    nullable: true,
    description: 'Total amount; defaults to the sum of the lines.',
  })
  @IsOptional()
  @Min(0)
  @Max(9_999_999_999)
  amount?: number;

  @Field({ description: 'Currency, ISO 4217 (EUR, GBP, USD…).' })
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code' })
  currency!: string;

  @Field(() => OrderStatus, {
    description:
      'Where the order stands; resend with a later status (PLACED, then PAID, then REFUNDED or CANCELLED) to update it. The same or an earlier status changes nothing.',
  })
  @IsIn(Object.values(OrderStatus))
  status!: OrderStatus;

  @Field(() => [OrderLineInput], {
    nullable: true,
    description: 'Products in the order (up to 100).',
  })
  @IsOptional()
  @ArrayMaxSize(100)
  @ValidateNested()
  lines?: OrderLineInput[];
}

@InputType({ description: 'Orders to store in one transaction (all or nothing).' })
export class IngestOrdersInput {
  @Field(() => [OrderInput], { description: `Up to ${MAX_INGEST_ORDERS} orders.` })
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_INGEST_ORDERS)
  @ValidateNested()
  orders!: OrderInput[];
}

@ObjectType({ description: 'Result of ingestOrders.' })
export class IngestOrdersPayload {
  @Field(() => Int, { description: 'Orders stored by this call.' })
  accepted!: number;

  @Field(() => Int, {
    description:
      'Orders sent again with the same or an earlier status: not stored again, nothing changed.',
  })
  duplicates!: number;

  @Field(() => Int, {
    description: 'Orders sent again with a later status, which this call moved forward.',
  })
  statusUpdated!: number;
}
