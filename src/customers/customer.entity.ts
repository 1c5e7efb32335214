import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { instant, json, text } from '../db/columns';

@Entity('customers')
@Index('uq_customers_external_id', ['externalId'], { unique: true })
@Index('uq_customers_email', ['email'], { unique: true })
@Index('idx_customers_signed_up_at', ['signedUpAt'])
@Index('idx_customers_country', ['country'])
export class CustomerEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column(text('external_id', 128))
  externalId!: string;

  @Column(text('name', 200, true))
  name!: string | null;

  @Column(text('email', 254, true))
  email!: string | null;

  @Column(text('phone', 32, true))
  phone!: string | null;

  /** ISO 3166-1 alpha-2. */
  @Column(text('country', 2, true))
  country!: string | null;

  @Column(text('city', 100, true))
  city!: string | null;

  /** `YYYY-MM-DD`. */
  @Column({ name: 'birth_date', type: 'date', nullable: true })
  birthDate!: string | null;

  @Column(text('gender', 16, true))
  gender!: string | null;

  @Column(instant('signed_up_at'))
  signedUpAt!: Date;

  @Column(json('attributes'))
  attributes!: Record<string, unknown> | null;

  @Column(instant('created_at'))
  createdAt!: Date;

  @Column(instant('updated_at'))
  updatedAt!: Date;

  /**
   * Set when the person was erased (right to erasure): personal fields are cleared and the row
   * stays, under its id, as the anonymous owner of past orders and interactions.
   */
  @Column(instant('erased_at', true))
  erasedAt!: Date | null;

  /** Soft delete: set when deleted; every read filters on it being null. */
  @Column(instant('deleted_at', true))
  deletedAt!: Date | null;

  /** Optimistic concurrency: updates say `WHERE version = ?` and bump it. */
  @Column({ name: 'version', type: 'int', default: 1 })
  version!: number;
}
