import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { instant, json, text } from '../db/columns';
import { AlertRuleEntity } from './alert-rule.entity';
import type { AlertEventType, AlertSeverity } from './evaluate-rule';

/** One FIRED, RESOLVED or ACKNOWLEDGED event; its id orders events and is their cursor. */
@Entity('alert_events')
@Index('idx_alert_events_rule', ['ruleId', 'id'])
@Index('idx_alert_events_kpi', ['kpiId', 'id'])
export class AlertEventEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'rule_id', type: 'int' })
  ruleId!: number;

  @Column({ name: 'kpi_id', type: 'int' })
  kpiId!: number;

  @Column(text('type', 16))
  type!: AlertEventType;

  @Column(text('severity', 16))
  severity!: AlertSeverity;

  /** The period judged; null for ACKNOWLEDGED. */
  @Column(instant('period_start', true))
  periodStart!: Date | null;

  /** The KPI value that triggered the event; null for ACKNOWLEDGED. */
  @Column({ name: 'value', type: 'double', nullable: true })
  value!: number | null;

  @Column(text('message', 1000))
  message!: string;

  /** The numbers behind the judgement (threshold, previous value, median, band…). */
  @Column(json('details'))
  details!: Record<string, unknown> | null;

  @Column(instant('occurred_at'))
  occurredAt!: Date;

  @ManyToOne(() => AlertRuleEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'rule_id', foreignKeyConstraintName: 'fk_alert_events_rule' })
  rule?: AlertRuleEntity;
}
