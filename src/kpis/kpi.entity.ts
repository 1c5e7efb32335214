import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { instant, json, text } from '../db/columns';
import type { Period } from './periods';

/** Which way a KPI should move. */
export type TargetDirection = 'HIGHER_IS_BETTER' | 'LOWER_IS_BETTER';

@Entity('kpis')
@Index('uq_kpis_key', ['key'], { unique: true })
export class KpiEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column(text('key', 64))
  key!: string;

  @Column(text('name', 100))
  name!: string;

  @Column(text('description', 1000, true))
  description!: string | null;

  @Column(text('owner', 100, true))
  owner!: string | null;

  /** A built-in metric name or CUSTOM (see metrics.ts). */
  @Column(text('metric', 32))
  metric!: string;

  /** The metric's options (steps, types) or, for CUSTOM, its whole definition. */
  @Column(json('metric_config'))
  metricConfig!: Record<string, unknown> | null;

  /** `{ segmentId?, channel?, country? }`: the rows every part of the metric is limited to. */
  @Column(json('scope'))
  scope!: Record<string, unknown> | null;

  @Column(text('granularity', 16))
  granularity!: Period;

  @Column({ name: 'target_value', type: 'double', nullable: true })
  targetValue!: number | null;

  @Column(text('target_direction', 16))
  targetDirection!: TargetDirection;

  /** Per-period overrides of the target: `[{ periodStart: ISO, value }]`. */
  @Column(json('targets'))
  targets!: Array<{ periodStart: string; value: number }> | null;

  /** Relative distance from the target that is still AT_RISK rather than OFF_TRACK. */
  @Column({ name: 'tolerance', type: 'double' })
  tolerance!: number;

  @Column(instant('created_at'))
  createdAt!: Date;

  @Column(instant('updated_at'))
  updatedAt!: Date;

  @Column({ name: 'version', type: 'int', default: 1 })
  version!: number;
}
