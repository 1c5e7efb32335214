import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { CustomerEntity } from '../customers/customer.entity';
import { instant, json, text } from '../db/columns';

@Entity('interactions')
@Index('uq_interactions_client_event_id', ['clientEventId'], { unique: true })
// Timelines read "latest N per customer"; KPIs scan by time and by type within time.
@Index('idx_interactions_customer_time', ['customerId', 'occurredAt'])
// Segment behaviour conditions count one customer's interactions on a channel in a window;
// the score makes a customer's average survey score a covered read.
@Index('idx_interactions_customer_channel_time_score', [
  'customerId',
  'channel',
  'occurredAt',
  'score',
])
// Experiment outcomes and segment conditions count one customer's interactions of a type.
@Index('idx_interactions_customer_type_time', ['customerId', 'type', 'occurredAt'])
@Index('idx_interactions_time', ['occurredAt'])
// Covers KPI reads of one type over time with the customer (no row lookups).
@Index('idx_interactions_type_time_customer', ['type', 'occurredAt', 'customerId'])
export class InteractionEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'customer_id', type: 'int' })
  customerId!: number;

  @Column(text('channel', 16))
  channel!: string;

  @Column(text('type', 64))
  type!: string;

  @Column(instant('occurred_at'))
  occurredAt!: Date;

  @Column({ name: 'value', type: 'double', nullable: true })
  value!: number | null;

  /** A survey answer: CSAT 1–5 or NPS 0–10. */
  @Column({ name: 'score', type: 'smallint', nullable: true })
  score!: number | null;

  @Column(json('properties'))
  properties!: Record<string, unknown> | null;

  @Column(text('client_event_id', 128))
  clientEventId!: string;

  @Column(instant('created_at'))
  createdAt!: Date;

  @ManyToOne(() => CustomerEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'customer_id', foreignKeyConstraintName: 'fk_interactions_customer' })
  customer?: CustomerEntity;
}
