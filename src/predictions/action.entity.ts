import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { instant, text } from '../db/columns';
import type { ActionObjective } from './next-best-action';

/** Where an action's effect comes from: typed in, or measured by an experiment. */
export type EffectSource = 'MANUAL' | 'EXPERIMENT';

/**
 * An action the next-best-action rule can recommend. `segment_id` has no foreign key on
 * purpose: deleting the segment removes its memberships, so the action then reaches nobody,
 * whereas ON DELETE SET NULL would silently widen it to every customer.
 */
@Entity('next_best_actions')
@Index('uq_next_best_actions_key', ['key'], { unique: true })
export class ActionEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column(text('key', 64))
  key!: string;

  @Column(text('name', 100))
  name!: string;

  @Column(text('description', 1000, true))
  description!: string | null;

  @Column(text('objective', 16))
  objective!: ActionObjective;

  @Column(text('channel', 16))
  channel!: string;

  @Column({ name: 'cost_per_contact', type: 'double' })
  costPerContact!: number;

  @Column({ name: 'incentive_cost', type: 'double' })
  incentiveCost!: number;

  /** RETAIN: save rate; PURCHASE: relative uplift of the purchase probability. (0, 1]. */
  @Column({ name: 'effect', type: 'double' })
  effect!: number;

  /** Only members of this segment are eligible; everyone when null. */
  @Column({ name: 'segment_id', type: 'int', nullable: true })
  segmentId!: number | null;

  /** Contact cap: interactions of this type on the action's channel count as contacts. */
  @Column(text('contact_type', 64, true))
  contactType!: string | null;

  @Column({ name: 'max_contacts', type: 'int', nullable: true })
  maxContacts!: number | null;

  @Column({ name: 'contact_window_days', type: 'int', nullable: true })
  contactWindowDays!: number | null;

  /** Where the effect is measured: an experiment, its treatment variant and metric. */
  @Column({ name: 'experiment_id', type: 'int', nullable: true })
  experimentId!: number | null;

  @Column(text('variant_key', 64, true))
  variantKey!: string | null;

  @Column(text('metric_key', 64, true))
  metricKey!: string | null;

  @Column(text('effect_source', 16))
  effectSource!: EffectSource;

  @Column(instant('effect_measured_at', true))
  effectMeasuredAt!: Date | null;

  /** Archived actions are never recommended; they stay readable. */
  @Column(instant('archived_at', true))
  archivedAt!: Date | null;

  @Column(instant('created_at'))
  createdAt!: Date;

  @Column(instant('updated_at'))
  updatedAt!: Date;

  @Column({ name: 'version', type: 'int', default: 1 })
  version!: number;
}
