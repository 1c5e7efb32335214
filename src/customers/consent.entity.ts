import {
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { instant, text } from '../db/columns';
import { CustomerEntity } from './customer.entity';

/** The current marketing consent of one customer on one channel. */
@Entity('customer_consents')
export class ConsentEntity {
  @PrimaryColumn({ name: 'customer_id', type: 'int' })
  customerId!: number;

  @PrimaryColumn({ name: 'channel', type: 'varchar', length: 16 })
  channel!: string;

  /** GRANTED or DENIED. */
  @Column(text('status', 8))
  status!: string;

  @Column(instant('changed_at'))
  changedAt!: Date;

  /** Where the consent was given or withdrawn (a form, an import, an agent). */
  @Column(text('source', 100, true))
  source!: string | null;

  @ManyToOne(() => CustomerEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'customer_id', foreignKeyConstraintName: 'fk_customer_consents_customer' })
  customer?: CustomerEntity;
}

/** Every consent change ever made, oldest first: the evidence behind the current state. */
@Entity('consent_changes')
@Index('idx_consent_changes_customer', ['customerId', 'changedAt'])
export class ConsentChangeEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'customer_id', type: 'int' })
  customerId!: number;

  @Column(text('channel', 16))
  channel!: string;

  @Column(text('status', 8))
  status!: string;

  @Column(instant('changed_at'))
  changedAt!: Date;

  @Column(text('source', 100, true))
  source!: string | null;

  @ManyToOne(() => CustomerEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'customer_id', foreignKeyConstraintName: 'fk_consent_changes_customer' })
  customer?: CustomerEntity;
}
