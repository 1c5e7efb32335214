import { type LoaderOptions, rowLoader } from '../db/loaders';
import type { WebhookService } from './webhook.service';

export function createWebhookLoaders(webhooks: WebhookService, options: LoaderOptions) {
  return {
    webhookDeliveryById: rowLoader(
      (ids) => webhooks.byIds(ids),
      (row) => row.id,
      options,
    ),
  };
}
