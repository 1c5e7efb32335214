import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { instant } from '../db/columns';
import { KpiEntity } from './kpi.entity';

/** A KPI's value for one period, as last computed. */
@Entity('kpi_values')
export class KpiValueEntity {
  @PrimaryColumn({ name: 'kpi_id', type: 'int' })
  kpiId!: number;

  @PrimaryColumn({ name: 'period_start', type: 'datetime', precision: 3 })
  periodStart!: Date;

  @Column(instant('period_end'))
  periodEnd!: Date;

  /** null when the denominator is 0 (a rate of nothing). */
  @Column({ name: 'value', type: 'double', nullable: true })
  value!: number | null;

  @Column({ name: 'numerator', type: 'double' })
  numerator!: number;

  @Column({ name: 'denominator', type: 'double', nullable: true })
  denominator!: number | null;

  @Column(instant('computed_at'))
  computedAt!: Date;

  @ManyToOne(() => KpiEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'kpi_id', foreignKeyConstraintName: 'fk_kpi_values_kpi' })
  kpi?: KpiEntity;
}
