import { fromGlobalId, toGlobalId } from '../graphql/global-id';
import type { WebhookDeliveryEntity } from './webhook-delivery.entity';
import type { WebhookDeliveryFilter as ServiceFilter } from './webhook.service';
import {
  WebhookDelivery,
  type WebhookDeliveryFilter,
  WebhookDeliveryStatus,
} from './webhook.types';

/** The GraphQL view of a delivery row, with ids as global ids. */
export function toWebhookDelivery(row: WebhookDeliveryEntity): WebhookDelivery {
  return Object.assign(new WebhookDelivery(), {
    id: toGlobalId('WebhookDelivery', row.id),
    eventId: toGlobalId('AlertEvent', row.eventId),
    ruleId: toGlobalId('AlertRule', row.ruleId),
    url: row.url,
    status: WebhookDeliveryStatus[row.status],
    attempts: row.attempts,
    lastStatusCode: row.lastStatusCode,
    lastError: row.lastError,
    nextAttemptAt: row.nextAttemptAt,
    createdAt: row.createdAt,
    deliveredAt: row.deliveredAt,
  });
}

/** The service's filter for the API's, with global ids decoded (errors name `filter.*`). */
export function toWebhookDeliveryFilter(filter: WebhookDeliveryFilter | undefined): ServiceFilter {
  return {
    statuses: filter?.statuses,
    ruleId: filter?.ruleId ? fromGlobalId(filter.ruleId, 'AlertRule', 'filter.ruleId') : null,
    eventId: filter?.eventId ? fromGlobalId(filter.eventId, 'AlertEvent', 'filter.eventId') : null,
  };
}
