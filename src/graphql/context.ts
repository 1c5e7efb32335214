import { createAlertLoaders } from '../alerts/alert.loaders';
import { createWebhookLoaders } from '../alerts/webhook.loaders';
import { createApiKeyLoaders } from '../apikeys/api-key.loaders';
import type { Principal } from '../auth/principal';
import { createCustomerLoaders } from '../customers/customer.loaders';
import type { LoaderOptions } from '../db/loaders';
import { createInteractionLoaders } from '../interactions/interaction.loaders';
import { createExperimentLoaders } from '../experiments/experiment.loaders';
import { createPredictionLoaders } from '../predictions/prediction.loaders';
import { createKpiLoaders } from '../kpis/kpi.loaders';
import { createOrderLoaders } from '../orders/order.loaders';
import { createActionLoaders } from '../predictions/action.loaders';
import { AuditCollector } from '../privacy/audit-collector';
import { createPrivacyLoaders } from '../privacy/privacy.loaders';
import { createLifecycleLoaders } from '../segments/lifecycle.loaders';
import { createRfmLoaders } from '../segments/rfm.loaders';
import { createSegmentProfileLoaders } from '../segments/segment-profile.loaders';
import { createSegmentLoaders } from '../segments/segment.loaders';
import type { Services } from '../services';

/** What every resolver sees: who calls, and this request's own loaders. */
export interface PulseContext {
  principal: Principal | null;
  loaders: Loaders;
  requestId: string;
  /** The customers whose personal data this request has read, for the audit log. */
  audit: AuditCollector;
  /**
   * For custom subscribe functions (alertEvents), which type-graphql calls without a resolver
   * instance; resolvers use their constructor's services.
   */
  services: Services;
  /** What an HTTP request did, for its log line (absent on WebSocket operations). */
  trace?: RequestTrace;
}

/** Filled while an HTTP request runs: the operations it carried, by name. */
export interface RequestTrace {
  operations: string[];
  /**
   * Operations of the request the rate limit refused, and the longest retry-after among them:
   * a batch shares one HTTP status and one Retry-After header among its operations.
   */
  rateLimited?: { count: number; retryAfterSeconds: number };
}

export type Loaders = ReturnType<typeof createLoaders>;

/**
 * Loaders live for one request (or one subscription event): their caches must never serve
 * one caller's view of the data to another.
 */
export function createLoaders(services: Services, options: LoaderOptions) {
  return {
    ...createApiKeyLoaders(services.apiKeys, options),
    ...createCustomerLoaders(services.customers, services.customerSummaries, options),
    ...createInteractionLoaders(services.interactions, options),
    ...createOrderLoaders(services.orders, options),
    ...createPrivacyLoaders(services.audit, services.contactPolicy, options),
    ...createRfmLoaders(services.rfm, options),
    ...createLifecycleLoaders(services.lifecycle, options),
    ...createSegmentProfileLoaders(services.segmentProfiles, options),
    ...createSegmentLoaders(services.segments, services.segmentMembers, options),
    ...createKpiLoaders(services.kpis, options),
    ...createWebhookLoaders(services.webhooks, options),
    ...createAlertLoaders(services.alertRules, services.alertEvents, options),
    ...createExperimentLoaders(services.experiments, options),
    ...createPredictionLoaders(services.modelRegistry, services.predictions, options),
    ...createActionLoaders(services.actions, services.nextBestActions, options),
  };
}

export function createContext(
  services: Services,
  principal: Principal | null,
  requestId: string,
  options: LoaderOptions,
  trace?: RequestTrace,
): PulseContext {
  return {
    principal,
    requestId,
    loaders: createLoaders(services, options),
    audit: new AuditCollector(principal, requestId),
    services,
    trace,
  };
}
