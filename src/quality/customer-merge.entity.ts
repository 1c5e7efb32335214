import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { instant, json, text } from '../db/columns';

/**
 * A customer merged into another: the redirect that lets its old external id and global id find
 * the survivor, and the record of what moved. No foreign keys: the merged row is gone, and a
 * later merge of the survivor repoints `survivor_id` rather than dropping the redirect.
 */
@Entity('customer_merges')
@Index('uq_customer_merges_external_id', ['mergedExternalId'], { unique: true })
@Index('idx_customer_merges_survivor', ['survivorId'])
export class CustomerMergeEntity {
  @PrimaryColumn({ name: 'merged_customer_id', type: 'int' })
  mergedCustomerId!: number;

  @Column(text('merged_external_id', 128))
  mergedExternalId!: string;

  @Column({ name: 'survivor_id', type: 'int' })
  survivorId!: number;

  /** Rows moved from the merged customer to the survivor, by kind. */
  @Column(json('moved_counts'))
  movedCounts!: Record<string, number> | null;

  /** The API key that merged; null for the command line. */
  @Column({ name: 'merged_by_key_id', type: 'int', nullable: true })
  mergedByKeyId!: number | null;

  @Column(instant('merged_at'))
  mergedAt!: Date;
}
