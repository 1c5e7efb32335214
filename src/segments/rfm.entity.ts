import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { CustomerEntity } from '../customers/customer.entity';
import { instant, text } from '../db/columns';

/**
 * A customer's RFM figures and scores as of the last RFM refresh. Only customers with a paid
 * order in the window have a row: the others have nothing to score (`Customer.rfm` is null).
 */
@Entity('customer_rfm')
// RFM segments select customers by group.
@Index('idx_customer_rfm_group', ['rfmGroup'])
export class CustomerRfmEntity {
  @PrimaryColumn({ name: 'customer_id', type: 'int' })
  customerId!: number;

  /** Whole days from the last paid order in the window to the refresh. */
  @Column({ name: 'recency_days', type: 'int' })
  recencyDays!: number;

  /** Paid orders in the window. */
  @Column({ name: 'frequency', type: 'int' })
  frequency!: number;

  /** Spend of those orders. */
  @Column({ name: 'monetary', type: 'decimal', precision: 14, scale: 2 })
  monetary!: string;

  /** Quintile scores, 1 (lowest fifth) to 5 (highest; for R: most recent). */
  @Column({ name: 'r', type: 'smallint' })
  r!: number;

  @Column({ name: 'f', type: 'smallint' })
  f!: number;

  @Column({ name: 'm', type: 'smallint' })
  m!: number;

  /** An RfmGroup. */
  @Column(text('rfm_group', 32))
  rfmGroup!: string;

  @Column(instant('computed_at'))
  computedAt!: Date;

  @ManyToOne(() => CustomerEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'customer_id', foreignKeyConstraintName: 'fk_customer_rfm_customer' })
  customer?: CustomerEntity;
}
