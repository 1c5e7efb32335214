import { type Principal, WRITERS } from '../auth/principal';
import { encodeCursor } from '../db/pagination';
import { fromGlobalId, toGlobalId } from '../graphql/global-id';
import type { AlertEventEntity } from './alert-event.entity';
import type { AlertEventFilter } from './alert-event.service';
import type { AlertRuleEntity } from './alert-rule.entity';
import type { AlertRuleFilter } from './alert-rule.service';
import type { AlertEventType, AlertSeverity } from './evaluate-rule';
import {
  AlertEvent,
  type AlertEventFilter as AlertEventFilterInput,
  type AlertEventTypeValue,
  AlertRule,
  type AlertRuleFilter as AlertRuleFilterInput,
  type AlertKindValue,
  type AlertSeverityValue,
  type AlertStateValue,
} from './alert.types';

/**
 * Whether this viewer may see where a rule's webhook points: only the roles that may write
 * alert rules. An incoming-webhook URL is its own credential (Slack and Teams carry the secret
 * in the path, some receivers in the host name), so anyone else could post to the receiver.
 */
export function seesWebhookUrl(principal: Principal | null | undefined): boolean {
  return principal ? WRITERS.includes(principal.role) : false;
}

/**
 * The GraphQL view of a rule row for this viewer: the webhook secret stays out, and the webhook
 * URL too unless the viewer may write rules (every viewer still sees whether there is one).
 */
export function toAlertRule(
  row: AlertRuleEntity,
  viewer: { principal?: Principal | null },
): AlertRule {
  return Object.assign(new AlertRule(), {
    id: toGlobalId('AlertRule', row.id),
    dbId: row.id,
    kpiId: toGlobalId('Kpi', row.kpiId),
    name: row.name,
    kind: row.kind as AlertKindValue,
    params: row.params ?? {},
    severity: row.severity as AlertSeverityValue,
    for: row.forCount,
    hysteresis: row.hysteresis,
    state: row.state as AlertStateValue,
    consecutive: row.consecutive,
    lastPeriodStart: row.lastPeriodStart,
    firingSince: row.firingSince,
    mutedUntil: row.mutedUntil,
    acknowledgedAt: row.acknowledgedAt,
    webhookUrl: seesWebhookUrl(viewer.principal) ? row.webhookUrl : null,
    hasWebhook: row.webhookUrl !== null,
    hasWebhookSecret: row.webhookSecret !== null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    version: row.version,
  });
}

/** The GraphQL view of an event, stored or live; its cursor is the history list's cursor. */
export function toAlertEvent(row: AlertEventEntity): AlertEvent {
  return Object.assign(new AlertEvent(), {
    id: toGlobalId('AlertEvent', row.id),
    cursor: encodeCursor([row.id]),
    ruleDbId: row.ruleId,
    type: row.type as AlertEventTypeValue,
    severity: row.severity as AlertSeverityValue,
    ruleId: toGlobalId('AlertRule', row.ruleId),
    kpiId: toGlobalId('Kpi', row.kpiId),
    periodStart: row.periodStart,
    value: row.value,
    message: row.message,
    details: row.details,
    occurredAt: row.occurredAt,
  });
}

function ids(values: string[] | null | undefined, type: string, field: string) {
  return values?.map((id, i) => fromGlobalId(id, type, `${field}[${i}]`));
}

export function toRuleFilter(filter: AlertRuleFilterInput | null | undefined): AlertRuleFilter {
  return {
    kpiIds: ids(filter?.kpiIds, 'Kpi', 'filter.kpiIds'),
    kinds: filter?.kinds,
    severities: filter?.severities as AlertSeverity[] | undefined,
    states: filter?.states,
  };
}

export function toEventFilter(filter: AlertEventFilterInput | null | undefined): AlertEventFilter {
  return {
    kpiIds: ids(filter?.kpiIds, 'Kpi', 'filter.kpiIds'),
    ruleIds: ids(filter?.ruleIds, 'AlertRule', 'filter.ruleIds'),
    severities: filter?.severities as AlertSeverity[] | undefined,
    types: filter?.types as AlertEventType[] | undefined,
  };
}
