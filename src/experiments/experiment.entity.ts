import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { CustomerEntity } from '../customers/customer.entity';
import { flag, instant, json, text } from '../db/columns';
import { KpiEntity } from '../kpis/kpi.entity';
import { SegmentEntity } from '../segments/segment.entity';
import type {
  ExperimentStatus,
  MetricKind,
  MetricRole,
  OutcomeMeasure,
} from './experiment-definition';

@Entity('experiments')
@Index('uq_experiments_key', ['key'], { unique: true })
@Index('idx_experiments_status', ['status'])
export class ExperimentEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column(text('key', 64))
  key!: string;

  @Column(text('name', 100))
  name!: string;

  @Column(text('hypothesis', 2000, true))
  hypothesis!: string | null;

  @Column(text('owner', 100))
  owner!: string;

  @Column(text('status', 16))
  status!: ExperimentStatus;

  /** Targeting: members of this segment, or every customer when null. */
  @Column({ name: 'segment_id', type: 'int', nullable: true })
  segmentId!: number | null;

  /** Share (0–1) of the targeted customers that enter the experiment. */
  @Column({ name: 'traffic_share', type: 'double' })
  trafficShare!: number;

  /** Random per experiment, so assignments of different experiments are independent. */
  @Column(text('salt', 64))
  salt!: string;

  /** The KPI the experiment aims to move. */
  @Column({ name: 'kpi_id', type: 'int', nullable: true })
  kpiId!: number | null;

  @Column(instant('started_at', true))
  startedAt!: Date | null;

  @Column(instant('stopped_at', true))
  stoppedAt!: Date | null;

  @Column(instant('concluded_at', true))
  concludedAt!: Date | null;

  @Column(instant('archived_at', true))
  archivedAt!: Date | null;

  /** The decision the monitor last saw (so a new one is announced once). */
  @Column(text('last_decision', 16, true))
  lastDecision!: string | null;

  /** Set when the monitor first saw a sample ratio mismatch (announced once). */
  @Column(instant('srm_detected_at', true))
  srmDetectedAt!: Date | null;

  /** Times results were read while the experiment ran (sequential analysis reports it). */
  @Column({ name: 'looks', type: 'int', default: 0 })
  looks!: number;

  /** What concluding recorded: decision, chosen variant, notes, KPI impact estimate. */
  @Column(json('conclusion'))
  conclusion!: Record<string, unknown> | null;

  @Column(instant('created_at'))
  createdAt!: Date;

  @Column(instant('updated_at'))
  updatedAt!: Date;

  @Column({ name: 'version', type: 'int', default: 1 })
  version!: number;

  @ManyToOne(() => SegmentEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'segment_id', foreignKeyConstraintName: 'fk_experiments_segment' })
  segment?: SegmentEntity;

  @ManyToOne(() => KpiEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'kpi_id', foreignKeyConstraintName: 'fk_experiments_kpi' })
  kpi?: KpiEntity;
}

@Entity('experiment_variants')
@Index('uq_experiment_variants_key', ['experimentId', 'key'], { unique: true })
export class ExperimentVariantEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'experiment_id', type: 'int' })
  experimentId!: number;

  @Column(text('key', 64))
  key!: string;

  @Column(text('name', 100))
  name!: string;

  @Column({ name: 'weight', type: 'double' })
  weight!: number;

  @Column(flag('is_control'))
  isControl!: boolean;

  @Column({ name: 'cost_per_customer', type: 'double', nullable: true })
  costPerCustomer!: number | null;

  /** Order of the variants as given; assignment walks cumulative weights in this order. */
  @Column({ name: 'position', type: 'int' })
  position!: number;

  @ManyToOne(() => ExperimentEntity, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'experiment_id',
    foreignKeyConstraintName: 'fk_experiment_variants_experiment',
  })
  experiment?: ExperimentEntity;
}

@Entity('experiment_metrics')
@Index('uq_experiment_metrics_key', ['experimentId', 'key'], { unique: true })
export class ExperimentMetricEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'experiment_id', type: 'int' })
  experimentId!: number;

  @Column(text('key', 64))
  key!: string;

  @Column(text('name', 100))
  name!: string;

  @Column(text('role', 16))
  role!: MetricRole;

  @Column(text('kind', 16))
  kind!: MetricKind;

  @Column(json('numerator'))
  numerator!: OutcomeMeasure;

  @Column(json('denominator'))
  denominator!: OutcomeMeasure | null;

  @Column({ name: 'window_days', type: 'int' })
  windowDays!: number;

  @Column(flag('inverse'))
  inverse!: boolean;

  @Column(flag('cuped'))
  cuped!: boolean;

  @Column({ name: 'position', type: 'int' })
  position!: number;

  @ManyToOne(() => ExperimentEntity, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'experiment_id',
    foreignKeyConstraintName: 'fk_experiment_metrics_experiment',
  })
  experiment?: ExperimentEntity;
}

/** One row per customer who entered an experiment; the first exposure is kept. */
@Entity('experiment_exposures')
@Index('idx_experiment_exposures_variant', ['experimentId', 'variantId', 'firstExposedAt'])
@Index('idx_experiment_exposures_customer', ['customerId'])
export class ExperimentExposureEntity {
  @Column({ name: 'experiment_id', type: 'int', primary: true })
  experimentId!: number;

  @Column({ name: 'customer_id', type: 'int', primary: true })
  customerId!: number;

  @Column({ name: 'variant_id', type: 'int' })
  variantId!: number;

  @Column(instant('first_exposed_at'))
  firstExposedAt!: Date;

  /**
   * Set when this customer was also seen in another variant (e.g. two customer records merged
   * after both were exposed); results report them as a health check.
   */
  @Column(flag('mixed_variants'))
  mixedVariants!: boolean;

  @ManyToOne(() => ExperimentEntity, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'experiment_id',
    foreignKeyConstraintName: 'fk_experiment_exposures_experiment',
  })
  experiment?: ExperimentEntity;

  @ManyToOne(() => CustomerEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'customer_id', foreignKeyConstraintName: 'fk_experiment_exposures_customer' })
  customer?: CustomerEntity;

  @ManyToOne(() => ExperimentVariantEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'variant_id', foreignKeyConstraintName: 'fk_experiment_exposures_variant' })
  variant?: ExperimentVariantEntity;
}
