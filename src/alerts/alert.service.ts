import type { DataSource, EntityManager } from 'typeorm';
import { newestPerParentSql, parseInstant, parseNumber, sqlInstant } from '../db/dialect';
import { inTransaction } from '../db/transaction';
import { PulseError } from '../errors';
import type { EventPublisher } from '../events';
import { targetFor } from '../kpis/kpi-status';
import { acknowledgedMessage, firedMessage, type KpiLabel, resolvedMessage } from './alert-message';
import { AlertEventEntity } from './alert-event.entity';
import { AlertRuleEntity } from './alert-rule.entity';
import type { AlertRuleService } from './alert-rule.service';
import { AlertTopic, toEventPayload } from './alert.topics';
import {
  type AlertEventType,
  type AlertSeverity,
  judge,
  type KpiFacts,
  type TargetDirection,
  transition,
} from './evaluate-rule';
import { storedCondition, trailingPeriods } from './rule-condition';

/** A stored event as `onEvents` listeners (webhooks) get it: with the rule's webhook. */
export interface AlertEventRecord {
  id: number;
  ruleId: number;
  kpiId: number;
  type: AlertEventType;
  severity: AlertSeverity;
  periodStart: Date | null;
  value: number | null;
  message: string;
  occurredAt: Date;
  webhookUrl: string | null;
  webhookSecret: string | null;
}

export type AlertEventListener = (events: AlertEventRecord[]) => Promise<void> | void;

/** What evaluation reads of a KPI (the `kpis` row). */
interface KpiRow {
  label: KpiLabel;
  targetValue: number | null;
  /** Per-period overrides of the target. */
  targets: Array<{ periodStart: string; value: number }> | null;
  direction: TargetDirection;
  tolerance: number;
}

// Metrics whose values are shares of 1; messages show them as percentages.
const SHARE_METRICS = new Set([
  'CONVERSION_RATE',
  'REPEAT_PURCHASE_RATE',
  'RETENTION_RATE',
  'CHURN_RATE',
  'ENGAGEMENT_RATE',
  'CSAT',
]);

/**
 * Evaluates alert rules after each KPI evaluation, acknowledges alerts, and hands every event
 * it stored to subscribers (topic ALERT_EVENT) and `onEvents` listeners, after commit.
 */
export class AlertService {
  private readonly listeners: AlertEventListener[] = [];
  private readonly judgedListeners: Array<(rules: number) => void> = [];

  constructor(
    private readonly db: DataSource,
    private readonly events: EventPublisher,
    private readonly rules: AlertRuleService,
  ) {}

  /** Calls `listener` after commit with the events just written by this instance. */
  onEvents(listener: AlertEventListener): void {
    this.listeners.push(listener);
  }

  /** Calls `listener` with the number of rules each evaluation judged (for /metrics). */
  onJudged(listener: (rules: number) => void): void {
    this.judgedListeners.push(listener);
  }

  /**
   * Judges every rule of the evaluated KPIs on its KPI's latest closed period (period_end ≤
   * now), once per period: a rule already judged on that period is skipped, so `for` counts
   * periods however often KPIs are evaluated. State changes and events are written in one
   * transaction, then published. Registered with KpiEvaluationService.onEvaluated; that job's
   * lease makes one instance evaluate at a time.
   */
  async evaluate(evaluated: ReadonlyArray<{ kpiId: number }>, now: Date): Promise<void> {
    const kpiIds = [...new Set(evaluated.map((kpi) => kpi.kpiId))];
    if (kpiIds.length === 0) {
      return;
    }
    // Counted inside the transaction, reported after its commit (a retried attempt recounts).
    let judged = 0;
    const written = await inTransaction(this.db, async (tx) => {
      judged = 0;
      const rules = await tx
        .getRepository(AlertRuleEntity)
        .createQueryBuilder('r')
        .where('r.kpi_id IN (:...kpiIds)', { kpiIds })
        .orderBy('r.id')
        .getMany();
      if (rules.length === 0) {
        return [];
      }
      const depth = 1 + Math.max(...rules.map((rule) => trailingPeriods(conditionOf(rule))));
      const kpis = await this.kpis(tx, kpiIds);
      const values = await this.closedValues(tx, kpiIds, depth, now);
      const stored: Array<{ event: AlertEventEntity; rule: AlertRuleEntity }> = [];
      for (const rule of rules) {
        const kpi = kpis.get(rule.kpiId);
        const [latest, ...before] = values.get(rule.kpiId) ?? [];
        if (!kpi || !latest || rule.lastPeriodStart?.getTime() === latest.periodStart.getTime()) {
          continue;
        }
        judged += 1;
        const event = await this.evaluateRule(tx, rule, kpi, latest, before, now);
        if (event) {
          stored.push({ event, rule });
        }
      }

      return stored;
    });
    for (const listener of this.judgedListeners) {
      listener(judged);
    }
    await this.announce(written);
  }

  /** Acknowledges the firing alert of a rule: records and publishes an ACKNOWLEDGED event. */
  async acknowledge(ruleId: number, now = new Date()): Promise<AlertEventEntity> {
    const written = await inTransaction(this.db, async (tx) => {
      const rule = await this.rules.get(ruleId, 'input.ruleId', tx);
      if (rule.state !== 'FIRING' || rule.acknowledgedAt !== null) {
        throw new PulseError(
          'CONFLICT',
          rule.state !== 'FIRING'
            ? `Alert rule ${ruleId} is ${rule.state}, not FIRING: there is nothing to acknowledge`
            : `Alert rule ${ruleId} was already acknowledged at ${rule.acknowledgedAt!.toISOString()}`,
          'input.ruleId',
          { state: rule.state },
        );
      }
      // Conditional, so that of two concurrent acknowledgements only one records an event.
      const result = await tx
        .createQueryBuilder()
        .update(AlertRuleEntity)
        .set({ acknowledgedAt: now })
        .where("id = :ruleId AND state = 'FIRING' AND acknowledged_at IS NULL", { ruleId })
        .execute();
      if (!result.affected) {
        throw new PulseError('CONFLICT', `Alert rule ${ruleId} changed meanwhile`, 'input.ruleId');
      }
      // The acknowledgement carries the period and value of the alert it acknowledges.
      const fired = await tx.getRepository(AlertEventEntity).findOne({
        where: { ruleId, type: 'FIRED' },
        order: { id: 'DESC' },
      });
      const [kpi] = await tx.query('SELECT name FROM kpis WHERE id = ?', [rule.kpiId]);
      const event = await this.store(tx, rule, 'ACKNOWLEDGED', {
        periodStart: fired?.periodStart ?? null,
        value: fired?.value ?? null,
        message: acknowledgedMessage(rule.name, String(kpi?.name ?? `KPI ${rule.kpiId}`)),
        details: { acknowledgedEventId: fired?.id ?? null },
        occurredAt: now,
      });

      return [{ event, rule }];
    });
    await this.announce(written);

    return written[0].event;
  }

  private async evaluateRule(
    tx: EntityManager,
    rule: AlertRuleEntity,
    kpi: KpiRow,
    latest: PeriodValue,
    before: PeriodValue[],
    now: Date,
  ): Promise<AlertEventEntity | null> {
    const condition = conditionOf(rule);
    const facts: KpiFacts = {
      value: latest.value,
      trailing: before.map((period) => period.value),
      target: targetFor(kpi, latest.periodStart),
      direction: kpi.direction,
      tolerance: kpi.tolerance,
    };
    const judgement = judge(condition, rule.hysteresis, facts);
    const muted = rule.mutedUntil !== null && now < rule.mutedUntil;
    const next = transition(rule, judgement, rule.forCount, muted);
    const set: Partial<Pick<AlertRuleEntity, EvaluatedColumn>> = {
      state: next.state,
      consecutive: next.consecutive,
      lastPeriodStart: latest.periodStart,
    };
    // Firing time and acknowledgement belong to one firing: reset when it starts or ends, and
    // otherwise left alone, so an acknowledgement made meanwhile is not overwritten.
    if ((next.state === 'FIRING') !== (rule.state === 'FIRING')) {
      Object.assign(set, {
        firingSince: next.state === 'FIRING' ? now : null,
        acknowledgedAt: null,
      });
    }
    // Judged on the rule as read: if a user changed it since (on MySQL the read is a snapshot,
    // and updateAlertRule may commit before this write), the judgement is stale and would
    // overwrite the restart a new condition makes. The rule is then left to the next evaluation.
    // Evaluation does not bump the version: it is the user's, for their updates.
    const written = await tx
      .createQueryBuilder()
      .update(AlertRuleEntity)
      .set(set)
      .where('id = :id AND version = :version', { id: rule.id, version: rule.version })
      .execute();
    if (!written.affected || !next.event || !judgement) {
      return null;
    }
    const message =
      next.event === 'FIRED'
        ? firedMessage(condition, judgement, kpi.label, next.consecutive)
        : resolvedMessage(condition, judgement, kpi.label);

    return this.store(tx, rule, next.event, {
      periodStart: latest.periodStart,
      value: latest.value,
      message,
      details: {
        ...judgement.details,
        measure: Number.isFinite(judgement.measure) ? judgement.measure : null,
        limit: judgement.limit,
        periods: next.consecutive,
      },
      occurredAt: now,
    });
  }

  private store(
    tx: EntityManager,
    rule: AlertRuleEntity,
    type: AlertEventType,
    fields: Pick<AlertEventEntity, 'periodStart' | 'value' | 'message' | 'details' | 'occurredAt'>,
  ): Promise<AlertEventEntity> {
    const repository = tx.getRepository(AlertEventEntity);

    return repository.save(
      repository.create({
        ruleId: rule.id,
        kpiId: rule.kpiId,
        type,
        severity: rule.severity,
        ...fields,
      }),
    );
  }

  // Called after commit only: a subscriber that hears of an event can always find it stored.
  private async announce(
    written: Array<{ event: AlertEventEntity; rule: AlertRuleEntity }>,
  ): Promise<void> {
    if (written.length === 0) {
      return;
    }
    for (const { event } of written) {
      this.events.publish(AlertTopic.EVENT, toEventPayload(event));
    }
    const records: AlertEventRecord[] = written.map(({ event, rule }) => ({
      id: event.id,
      ruleId: event.ruleId,
      kpiId: event.kpiId,
      type: event.type,
      severity: event.severity,
      periodStart: event.periodStart,
      value: event.value,
      message: event.message,
      occurredAt: event.occurredAt,
      webhookUrl: rule.webhookUrl,
      webhookSecret: rule.webhookSecret,
    }));
    for (const listener of this.listeners) {
      await listener(records);
    }
  }

  private async kpis(tx: EntityManager, kpiIds: number[]): Promise<Map<number, KpiRow>> {
    const rows: Array<Record<string, unknown>> = await tx.query(
      `SELECT id, name, metric, target_value, targets, target_direction, tolerance FROM kpis WHERE id IN (${marks(kpiIds)})`,
      kpiIds,
    );

    return new Map(
      rows.map((row) => [
        Number(row.id),
        {
          label: { name: String(row.name), isShare: SHARE_METRICS.has(String(row.metric)) },
          targetValue: parseNumber(row.target_value),
          // simple-json: stored as JSON text.
          targets: row.targets ? JSON.parse(String(row.targets)) : null,
          direction: row.target_direction as TargetDirection,
          tolerance: parseNumber(row.tolerance) ?? 0,
        },
      ]),
    );
  }

  /**
   * The latest `depth` closed periods of each KPI, newest first, in ONE statement.
   */
  private async closedValues(
    tx: EntityManager,
    kpiIds: number[],
    depth: number,
    now: Date,
  ): Promise<Map<number, PeriodValue[]>> {
    const { sql, params } = newestPerParentSql(tx, {
      select: 'v.kpi_id, v.period_start, v.value',
      table: 'kpi_values',
      parentColumn: 'kpi_id',
      parentIds: kpiIds,
      condition: 'v.period_end <= ?',
      conditionParams: [sqlInstant(tx, now)],
      orderColumn: 'period_start',
      count: depth,
    });
    const rows: Array<Record<string, unknown>> = await tx.query(sql, params);
    const byKpi = new Map<number, PeriodValue[]>();
    for (const row of rows) {
      const kpiId = Number(row.kpi_id);
      const list = byKpi.get(kpiId) ?? [];
      list.push({ periodStart: parseInstant(row.period_start)!, value: parseNumber(row.value) });
      byKpi.set(kpiId, list);
    }

    return byKpi;
  }
}

/** What evaluation writes to a rule (never its definition, mute or version). */
type EvaluatedColumn =
  'state' | 'consecutive' | 'lastPeriodStart' | 'firingSince' | 'acknowledgedAt';

interface PeriodValue {
  periodStart: Date;
  value: number | null;
}

function conditionOf(rule: AlertRuleEntity) {
  return storedCondition(rule.kind, rule.params);
}

function marks(values: unknown[]): string {
  return values.map(() => '?').join(', ');
}
