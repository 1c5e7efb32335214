import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { CustomerEntity } from '../customers/customer.entity';
import { instant, money, text } from '../db/columns';

@Entity('orders')
@Index('uq_orders_client_order_id', ['clientOrderId'], { unique: true })
@Index('idx_orders_customer_time', ['customerId', 'orderedAt'])
@Index('idx_orders_time', ['orderedAt'])
// Covers "has paid orders", "spend" and paid orders in a time window per customer (summaries,
// segment value conditions) without reading the order rows.
@Index('idx_orders_customer_status_time', ['customerId', 'status', 'orderedAt', 'amount'])
export class OrderEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'customer_id', type: 'int' })
  customerId!: number;

  @Column(text('client_order_id', 128))
  clientOrderId!: string;

  @Column(instant('ordered_at'))
  orderedAt!: Date;

  @Column(money('amount'))
  amount!: number;

  /** ISO 4217. */
  @Column(text('currency', 3))
  currency!: string;

  /** PLACED, PAID, REFUNDED or CANCELLED. */
  @Column(text('status', 16))
  status!: string;

  @Column(instant('created_at'))
  createdAt!: Date;

  @Column(instant('updated_at'))
  updatedAt!: Date;

  @ManyToOne(() => CustomerEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'customer_id', foreignKeyConstraintName: 'fk_orders_customer' })
  customer?: CustomerEntity;
}
