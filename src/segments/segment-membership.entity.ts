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
import { SegmentEntity } from './segment.entity';

// Deleting a segment removes its memberships, history and refresh log with it (ON DELETE
// CASCADE); customers are only ever soft-deleted, and a refresh drops them from every segment.

/** A current member of a segment. */
@Entity('segment_memberships')
// Customer.segments looks memberships up by customer; members are paged newest entry first.
@Index('idx_segment_memberships_customer', ['customerId'])
@Index('idx_segment_memberships_entered', ['segmentId', 'enteredAt', 'customerId'])
export class SegmentMembershipEntity {
  @PrimaryColumn({ name: 'segment_id', type: 'int' })
  segmentId!: number;

  @PrimaryColumn({ name: 'customer_id', type: 'int' })
  customerId!: number;

  @Column(instant('entered_at'))
  enteredAt!: Date;

  @ManyToOne(() => SegmentEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'segment_id', foreignKeyConstraintName: 'fk_segment_memberships_segment' })
  segment?: SegmentEntity;

  @ManyToOne(() => CustomerEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'customer_id', foreignKeyConstraintName: 'fk_segment_memberships_customer' })
  customer?: CustomerEntity;
}

/** One stay of a customer in a segment: open (left_at null) while the customer is a member. */
@Entity('segment_membership_history')
// "Members at date D" reads stays that began before D and had not ended by D.
@Index('idx_segment_history_entered', ['segmentId', 'enteredAt'])
@Index('idx_segment_history_left', ['segmentId', 'leftAt'])
@Index('idx_segment_history_customer', ['customerId'])
export class SegmentMembershipHistoryEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'segment_id', type: 'int' })
  segmentId!: number;

  @Column({ name: 'customer_id', type: 'int' })
  customerId!: number;

  @Column(instant('entered_at'))
  enteredAt!: Date;

  @Column(instant('left_at', true))
  leftAt!: Date | null;

  @ManyToOne(() => SegmentEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'segment_id', foreignKeyConstraintName: 'fk_segment_history_segment' })
  segment?: SegmentEntity;
}

/** What started a refresh. */
export type RefreshTrigger = 'MANUAL' | 'SCHEDULE' | 'INGESTION';

/** One refresh of a segment: its size after, and who entered and left. */
@Entity('segment_refreshes')
@Index('idx_segment_refreshes_segment_time', ['segmentId', 'refreshedAt'])
export class SegmentRefreshEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'segment_id', type: 'int' })
  segmentId!: number;

  @Column(instant('refreshed_at'))
  refreshedAt!: Date;

  @Column({ name: 'size', type: 'int' })
  size!: number;

  // LEFT and TRIGGER are reserved words in MySQL: the columns carry longer names so that raw
  // SQL can name them unquoted.
  @Column({ name: 'entered_count', type: 'int' })
  entered!: number;

  @Column({ name: 'left_count', type: 'int' })
  left!: number;

  @Column({ name: 'duration_ms', type: 'int' })
  durationMs!: number;

  @Column(text('triggered_by', 16))
  trigger!: RefreshTrigger;

  @ManyToOne(() => SegmentEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'segment_id', foreignKeyConstraintName: 'fk_segment_refreshes_segment' })
  segment?: SegmentEntity;
}

/**
 * The membership a running refresh computed, before it is compared with the stored one. Rows
 * live only inside the refresh's transaction; refreshes of one segment are serialized, so the
 * segment id is a sufficient key, and refreshes of different segments never touch each
 * other's rows. A real table rather than a TEMPORARY one: MySQL cannot refer to a temporary
 * table twice in one statement, which the NOT EXISTS comparisons need.
 */
@Entity('segment_refresh_staging')
export class SegmentRefreshStagingEntity {
  @PrimaryColumn({ name: 'segment_id', type: 'int' })
  segmentId!: number;

  @PrimaryColumn({ name: 'customer_id', type: 'int' })
  customerId!: number;
}
