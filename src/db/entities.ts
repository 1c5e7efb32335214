import { AlertEventEntity } from '../alerts/alert-event.entity';
import { AlertRuleEntity } from '../alerts/alert-rule.entity';
import { WebhookDeliveryEntity } from '../alerts/webhook-delivery.entity';
import { ApiKeyEntity } from '../apikeys/api-key.entity';
import { ConsentChangeEntity, ConsentEntity } from '../customers/consent.entity';
import { CustomerEntity } from '../customers/customer.entity';
import {
  ExperimentEntity,
  ExperimentExposureEntity,
  ExperimentMetricEntity,
  ExperimentVariantEntity,
} from '../experiments/experiment.entity';
import { InteractionEntity } from '../interactions/interaction.entity';
import { JobLeaseEntity } from '../jobs/job-lease.entity';
import { KpiValueEntity } from '../kpis/kpi-value.entity';
import { KpiEntity } from '../kpis/kpi.entity';
import { OrderLineEntity } from '../orders/order-line.entity';
import { OrderEntity } from '../orders/order.entity';
import { AuditEntryEntity } from '../privacy/audit-entry.entity';
import { CustomerMergeEntity } from '../quality/customer-merge.entity';
import { ActionEntity } from '../predictions/action.entity';
import { ModelVersionEntity } from '../predictions/model-version.entity';
import { PredictionEntity } from '../predictions/prediction.entity';
import { ScoringRunEntity } from '../predictions/scoring-run.entity';
import { CustomerLifecycleEntity, LifecycleMoveEntity } from '../segments/lifecycle.entity';
import { CustomerRfmEntity } from '../segments/rfm.entity';
import {
  SegmentMembershipEntity,
  SegmentMembershipHistoryEntity,
  SegmentRefreshEntity,
  SegmentRefreshStagingEntity,
} from '../segments/segment-membership.entity';
import { SegmentEntity } from '../segments/segment.entity';

/** Every table Pulse owns; the data source and the drift check read this list. */
export const ENTITIES = [
  CustomerEntity,
  ConsentEntity,
  ConsentChangeEntity,
  InteractionEntity,
  OrderEntity,
  OrderLineEntity,
  ApiKeyEntity,
  AuditEntryEntity,
  CustomerRfmEntity,
  CustomerLifecycleEntity,
  LifecycleMoveEntity,
  SegmentEntity,
  SegmentMembershipEntity,
  SegmentMembershipHistoryEntity,
  SegmentRefreshEntity,
  SegmentRefreshStagingEntity,
  JobLeaseEntity,
  KpiEntity,
  KpiValueEntity,
  AlertRuleEntity,
  AlertEventEntity,
  WebhookDeliveryEntity,
  ExperimentEntity,
  ExperimentVariantEntity,
  ExperimentMetricEntity,
  ExperimentExposureEntity,
  CustomerMergeEntity,
  ModelVersionEntity,
  PredictionEntity,
  ScoringRunEntity,
  ActionEntity,
];
