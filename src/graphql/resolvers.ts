import type { NonEmptyArray } from 'type-graphql';
import { AlertEventResolver, AlertRuleResolver } from '../alerts/alert.resolver';
import { WebhookResolver } from '../alerts/webhook.resolver';
import { ApiKeyResolver } from '../apikeys/api-key.resolver';
import { AnalyzeResolver } from '../experiments/analyze.resolver';
import { AssignmentResolver } from '../experiments/assignment.resolver';
import { ExperimentResolver, ExperimentVariantResolver } from '../experiments/experiment.resolver';
import { CustomerResolver } from '../customers/customer.resolver';
import {
  CustomerInteractionsResolver,
  InteractionResolver,
} from '../interactions/interaction.resolver';
import { KpiDriversResolver } from '../kpis/kpi-drivers.resolver';
import { KpiResolver } from '../kpis/kpi.resolver';
import { CustomerOrdersResolver, OrderResolver } from '../orders/order.resolver';
import { ActionResolver } from '../predictions/action.resolver';
import {
  CustomerNextBestActionResolver,
  NextBestActionResolver,
} from '../predictions/next-best-action.resolver';
import { AuditResolver } from '../privacy/audit.resolver';
import { PrivacyResolver } from '../privacy/privacy.resolver';
import {
  CustomerPredictionResolver,
  ModelVersionResolver,
  PredictionResolver,
} from '../predictions/prediction.resolver';
import { QualityResolver } from '../quality/quality.resolver';
import { DuplicatesResolver } from '../quality/duplicates.resolver';
import { CustomerLifecycleResolver, LifecycleResolver } from '../segments/lifecycle.resolver';
import { CustomerRfmResolver } from '../segments/rfm.resolver';
import { SegmentProfileResolver } from '../segments/segment-profile.resolver';
import {
  CustomerSegmentsResolver,
  SegmentMembershipChangeResolver,
  SegmentResolver,
} from '../segments/segment.resolver';
import { NodeResolver } from './node.resolver';

/** Every resolver class; a feature adds its resolvers here. */
export const RESOLVERS: NonEmptyArray<Function> = [
  NodeResolver,
  CustomerResolver,
  InteractionResolver,
  CustomerInteractionsResolver,
  OrderResolver,
  CustomerOrdersResolver,
  ApiKeyResolver,
  AuditResolver,
  PrivacyResolver,
  CustomerRfmResolver,
  CustomerLifecycleResolver,
  LifecycleResolver,
  SegmentResolver,
  SegmentMembershipChangeResolver,
  CustomerSegmentsResolver,
  SegmentProfileResolver,
  KpiResolver,
  KpiDriversResolver,
  WebhookResolver,
  AlertRuleResolver,
  AlertEventResolver,
  ExperimentResolver,
  ExperimentVariantResolver,
  AssignmentResolver,
  AnalyzeResolver,
  DuplicatesResolver,
  QualityResolver,
  ModelVersionResolver,
  PredictionResolver,
  CustomerPredictionResolver,
  ActionResolver,
  NextBestActionResolver,
  CustomerNextBestActionResolver,
];
