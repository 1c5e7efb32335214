import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { instant, json, text } from '../db/columns';

/** What decides a segment's members. */
export type SegmentKind = 'RULE' | 'RFM' | 'LIFECYCLE' | 'STATIC';

@Entity('segments')
@Index('uq_segments_name', ['name'], { unique: true })
export class SegmentEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column(text('name', 100))
  name!: string;

  @Column(text('description', 1000, true))
  description!: string | null;

  @Column(text('kind', 16))
  kind!: SegmentKind;

  /**
   * RULE: the stored `SegmentDefinition`; RFM: `{ groups }`; LIFECYCLE: `{ stages }`;
   * STATIC: null (its members are the definition).
   */
  @Column(json('definition'))
  definition!: Record<string, unknown> | null;

  @Column(instant('created_at'))
  createdAt!: Date;

  @Column(instant('updated_at'))
  updatedAt!: Date;

  /** Optimistic concurrency: updates say `WHERE version = ?` and bump it. */
  @Column({ name: 'version', type: 'int', default: 1 })
  version!: number;

  @Column(instant('last_refreshed_at', true))
  lastRefreshedAt!: Date | null;

  /** Members as of the last refresh (or the last STATIC add/remove). */
  @Column({ name: 'size', type: 'int', default: 0 })
  size!: number;
}
