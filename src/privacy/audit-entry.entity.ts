import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { instant, json, text } from '../db/columns';

/**
 * One access to personal data: who (API key), what (action), about whom (customers), when.
 * No foreign keys: the log must outlive anything it mentions, and it holds ids and field
 * names only, never the personal data itself, so erasing a person leaves it intact.
 */
@Entity('audit_entries')
// Each filter of `auditLog` narrows on one column and pages newest first.
@Index('idx_audit_entries_time', ['occurredAt'])
@Index('idx_audit_entries_key_time', ['apiKeyId', 'occurredAt'])
@Index('idx_audit_entries_customer_time', ['customerId', 'occurredAt'])
@Index('idx_audit_entries_action_time', ['action', 'occurredAt'])
export class AuditEntryEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column(instant('occurred_at'))
  occurredAt!: Date;

  /** Null for the command line. */
  @Column({ name: 'api_key_id', type: 'int', nullable: true })
  apiKeyId!: number | null;

  @Column(text('action', 32))
  action!: string;

  /** The customer, when the entry is about exactly one. */
  @Column({ name: 'customer_id', type: 'int', nullable: true })
  customerId!: number | null;

  @Column({ name: 'customer_count', type: 'int' })
  customerCount!: number;

  /** Up to MAX_LISTED_CUSTOMER_IDS ids, as a JSON array of numbers. */
  @Column(json('customer_ids'))
  customerIds!: number[] | null;

  @Column(text('operation_name', 200, true))
  operationName!: string | null;

  @Column(text('request_id', 128, true))
  requestId!: string | null;

  @Column(json('details'))
  details!: Record<string, unknown> | null;
}
