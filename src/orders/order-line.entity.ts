import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { money, text } from '../db/columns';
import { OrderEntity } from './order.entity';

@Entity('order_lines')
@Index('idx_order_lines_order', ['orderId'])
export class OrderLineEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'order_id', type: 'int' })
  orderId!: number;

  @Column(text('product_id', 64))
  productId!: string;

  @Column(text('product_name', 200))
  productName!: string;

  @Column(text('category', 100, true))
  category!: string | null;

  @Column({ name: 'quantity', type: 'int' })
  quantity!: number;

  @Column(money('unit_price'))
  unitPrice!: number;

  @ManyToOne(() => OrderEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'order_id', foreignKeyConstraintName: 'fk_order_lines_order' })
  order?: OrderEntity;
}
