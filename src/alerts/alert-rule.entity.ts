import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { instant, json, text } from '../db/columns';
import { KpiEntity } from '../kpis/kpi.entity';
import type { AlertKind, AlertSeverity, AlertState } from './evaluate-rule';

@Entity('alert_rules')
// A rule created twice (a retry after a lost answer) would alert twice: names are unique per KPI.
@Index('uq_alert_rules_kpi_name', ['kpiId', 'name'], { unique: true })
export class AlertRuleEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'kpi_id', type: 'int' })
  kpiId!: number;

  @Column(text('name', 100))
  name!: string;

  @Column(text('kind', 16))
  kind!: AlertKind;

  /** The kind's parameters: the `RuleCondition` without its `kind`. */
  @Column(json('params'))
  params!: Record<string, unknown> | null;

  @Column(text('severity', 16))
  severity!: AlertSeverity;

  /** Consecutive periods the condition must hold before the rule fires. */
  @Column({ name: 'for_count', type: 'int', default: 1 })
  forCount!: number;

  /** Margin past the limit the measure must come back before a firing rule resolves. */
  @Column({ name: 'hysteresis', type: 'double', default: 0 })
  hysteresis!: number;

  @Column(text('state', 16))
  state!: AlertState;

  @Column({ name: 'consecutive', type: 'int', default: 0 })
  consecutive!: number;

  /** Start of the last period judged: each period counts once, however often KPIs evaluate. */
  @Column(instant('last_period_start', true))
  lastPeriodStart!: Date | null;

  /** When the rule last fired; null unless FIRING. */
  @Column(instant('firing_since', true))
  firingSince!: Date | null;

  @Column(instant('muted_until', true))
  mutedUntil!: Date | null;

  /** When the current firing was acknowledged; cleared when it fires again or resolves. */
  @Column(instant('acknowledged_at', true))
  acknowledgedAt!: Date | null;

  @Column(text('webhook_url', 2000, true))
  webhookUrl!: string | null;

  @Column(text('webhook_secret', 200, true))
  webhookSecret!: string | null;

  @Column(instant('created_at'))
  createdAt!: Date;

  @Column(instant('updated_at'))
  updatedAt!: Date;

  /** Optimistic concurrency for updates; evaluation does not bump it. */
  @Column({ name: 'version', type: 'int', default: 1 })
  version!: number;

  // A KPI's rules go with it.
  @ManyToOne(() => KpiEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'kpi_id', foreignKeyConstraintName: 'fk_alert_rules_kpi' })
  kpi?: KpiEntity;
}
