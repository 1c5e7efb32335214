import {
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { CustomerEntity } from '../customers/customer.entity';
import { instant, text } from '../db/columns';

/** A live customer's lifecycle stage as of the last lifecycle refresh. */
@Entity('customer_lifecycle')
// Lifecycle segments and the lifecycle mix select customers by stage.
@Index('idx_customer_lifecycle_stage', ['stage'])
export class CustomerLifecycleEntity {
  @PrimaryColumn({ name: 'customer_id', type: 'int' })
  customerId!: number;

  /** A LifecycleStage. */
  @Column(text('stage', 16))
  stage!: string;

  /** The refresh that first saw the customer in this stage. */
  @Column(instant('since'))
  since!: Date;

  @Column(instant('computed_at'))
  computedAt!: Date;

  @ManyToOne(() => CustomerEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'customer_id', foreignKeyConstraintName: 'fk_customer_lifecycle_customer' })
  customer?: CustomerEntity;
}

/** A change of stage seen by a lifecycle refresh; the first one of a customer has no `from`. */
@Entity('lifecycle_moves')
// Move counts read a time range; the customer index serves the cascade and per-customer reads.
@Index('idx_lifecycle_moves_time', ['movedAt'])
@Index('idx_lifecycle_moves_customer', ['customerId'])
export class LifecycleMoveEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'customer_id', type: 'int' })
  customerId!: number;

  @Column(text('from_stage', 16, true))
  fromStage!: string | null;

  @Column(text('to_stage', 16))
  toStage!: string;

  @Column(instant('moved_at'))
  movedAt!: Date;

  @ManyToOne(() => CustomerEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'customer_id', foreignKeyConstraintName: 'fk_lifecycle_moves_customer' })
  customer?: CustomerEntity;
}
