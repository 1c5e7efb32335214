import type { AlertEventEntity } from './alert-event.entity';
import type { AlertEventType, AlertSeverity } from './evaluate-rule';

/** Topics of alert events. */
export const AlertTopic = {
  /** A stored alert event, published after the transaction that wrote it committed. */
  EVENT: 'ALERT_EVENT',
} as const;

/**
 * An alert event as it travels through pub/sub (in memory or Redis): JSON only, dates as ISO
 * strings, and never the rule's webhook secret. `id` is the event's row id, its cursor.
 */
export interface AlertEventPayload {
  id: number;
  ruleId: number;
  kpiId: number;
  type: AlertEventType;
  severity: AlertSeverity;
  periodStart: string | null;
  value: number | null;
  message: string;
  details: Record<string, unknown> | null;
  occurredAt: string;
}

export function toEventPayload(row: AlertEventEntity): AlertEventPayload {
  return {
    id: row.id,
    ruleId: row.ruleId,
    kpiId: row.kpiId,
    type: row.type,
    severity: row.severity,
    periodStart: row.periodStart?.toISOString() ?? null,
    value: row.value,
    message: row.message,
    details: row.details,
    occurredAt: row.occurredAt.toISOString(),
  };
}

/** Back to the row shape, for the GraphQL mapper that serves both history and live events. */
export function fromEventPayload(payload: AlertEventPayload): AlertEventEntity {
  return {
    ...payload,
    periodStart: payload.periodStart === null ? null : new Date(payload.periodStart),
    occurredAt: new Date(payload.occurredAt),
  };
}
