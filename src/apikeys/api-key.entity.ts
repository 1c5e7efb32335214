import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { instant, text } from '../db/columns';

@Entity('api_keys')
@Index('uq_api_keys_key_hash', ['keyHash'], { unique: true })
export class ApiKeyEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column(text('name', 100))
  name!: string;

  /** ADMIN, ANALYST, PARTNER or ALERTS. */
  @Column(text('role', 16))
  role!: string;

  /** SHA-256 of the key, hex; the key itself is never stored. */
  @Column(text('key_hash', 64))
  keyHash!: string;

  /** The key's first characters, so people can tell keys apart in lists. */
  @Column(text('key_prefix', 16))
  keyPrefix!: string;

  @Column(instant('created_at'))
  createdAt!: Date;

  @Column(instant('last_used_at', true))
  lastUsedAt!: Date | null;

  @Column(instant('revoked_at', true))
  revokedAt!: Date | null;
}
