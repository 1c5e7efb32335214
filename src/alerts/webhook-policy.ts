import { createHmac } from 'node:crypto';
import { toGlobalId } from '../graphql/global-id';
import type { AlertEventRecord } from './alert.service';

// What a webhook delivery sends and when it retries; pure, so the rules are tested directly.

/** Where a delivery stands: PENDING until a 2xx answer (DELIVERED) or the last failed attempt. */
export type WebhookStatus = 'PENDING' | 'DELIVERED' | 'FAILED';

/** The header that carries the signature. */
export const SIGNATURE_HEADER = 'X-Pulse-Signature';

/**
 * `sha256=<hex>`: HMAC-SHA256 of the exact body bytes with the rule's secret, the scheme
 * GitHub's webhooks use, so receivers can reuse their verification code.
 */
export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/**
 * The JSON body of an event's webhook. Ids are the API's global ids, so a receiver can look
 * the rule or KPI up with `node(id)`.
 */
export function webhookBody(event: AlertEventRecord): string {
  return JSON.stringify({
    event: {
      id: toGlobalId('AlertEvent', event.id),
      type: event.type,
      severity: event.severity,
      message: event.message,
      periodStart: event.periodStart?.toISOString() ?? null,
      occurredAt: event.occurredAt.toISOString(),
    },
    rule: { id: toGlobalId('AlertRule', event.ruleId) },
    kpi: { id: toGlobalId('Kpi', event.kpiId), value: event.value },
  });
}

/** Delay before the first retry; each later one doubles it. */
export const FIRST_RETRY_MS = 1000;
/** No retry waits longer than this. */
export const MAX_RETRY_MS = 10 * 60_000;

/**
 * How long to wait after failed attempt number `attempt` (1-based): 1 s, 2 s, 4 s… capped at
 * 10 minutes, each scaled by a factor from 0.8 to 1.2 (`random` in [0, 1)) so that receivers
 * coming back from an outage are not hit by every instance's retries at the same instant.
 */
export function retryDelayMs(attempt: number, random: number): number {
  const exponential = Math.min(FIRST_RETRY_MS * 2 ** (attempt - 1), MAX_RETRY_MS);

  return Math.round(exponential * (0.8 + 0.4 * random));
}
