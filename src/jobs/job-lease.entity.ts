import { Column, Entity, PrimaryColumn } from 'typeorm';
import { instant, text } from '../db/columns';

/**
 * Who runs a job now: one row per job name. A holder owns the job until `expires_at`, and
 * renews it while it works; after that any instance may take it over (see JobLease).
 */
@Entity('job_leases')
export class JobLeaseEntity {
  @PrimaryColumn({ name: 'name', type: 'varchar', length: 64 })
  name!: string;

  @Column(text('holder', 128))
  holder!: string;

  @Column(instant('expires_at'))
  expiresAt!: Date;
}
