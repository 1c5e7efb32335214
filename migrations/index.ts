import { CreatePlatformTables1795420800000 } from './1795420800000-CreatePlatformTables';
import { CreateAuditEntries1795600000000 } from './1795600000000-CreateAuditEntries';
import { CreateRfmAndLifecycle1795700000000 } from './1795700000000-CreateRfmAndLifecycle';
import { CreateSegments1795700100000 } from './1795700100000-CreateSegments';
import { CreateJobLeases1795700200000 } from './1795700200000-CreateJobLeases';
import { AddSegmentConditionIndexes1795700300000 } from './1795700300000-AddSegmentConditionIndexes';
import { CreateKpis1795800000000 } from './1795800000000-CreateKpis';
import { CreateAlerts1795800100000 } from './1795800100000-CreateAlerts';
import { CreateWebhookDeliveries1795800200000 } from './1795800200000-CreateWebhookDeliveries';
import { CoverInteractionTypeIndex1795800300000 } from './1795800300000-CoverInteractionTypeIndex';
import { CreateExperiments1795900000000 } from './1795900000000-CreateExperiments';
import { AddInteractionCustomerTypeIndex1795900100000 } from './1795900100000-AddInteractionCustomerTypeIndex';
import { CreatePredictions1796000000000 } from './1796000000000-CreatePredictions';
import { CreateNextBestActions1796000100000 } from './1796000100000-CreateNextBestActions';
import { CreateCustomerMerges1795900200000 } from './1795900200000-CreateCustomerMerges';
import { CompactPredictionContributions1796000200000 } from './1796000200000-CompactPredictionContributions';
import { CoverInteractionSurveyScores1796000300000 } from './1796000300000-CoverInteractionSurveyScores';
import { OrderSegmentMembersByEntry1796000400000 } from './1796000400000-OrderSegmentMembersByEntry';
import { UniqueAlertRuleNames1796000500000 } from './1796000500000-UniqueAlertRuleNames';
import { ExactExternalIds1796000600000 } from './1796000600000-ExactExternalIds';
import { CaselessNamesOnSqlite1796000700000 } from './1796000700000-CaselessNamesOnSqlite';
import { ExactEmails1796000830000 } from './1796000830000-ExactEmails';

/** Every migration, oldest first. A new migration is added here as well as in this folder. */
export const MIGRATIONS = [
  CreatePlatformTables1795420800000,
  CreateAuditEntries1795600000000,
  CreateRfmAndLifecycle1795700000000,
  CreateSegments1795700100000,
  CreateJobLeases1795700200000,
  AddSegmentConditionIndexes1795700300000,
  CreateKpis1795800000000,
  CreateAlerts1795800100000,
  CreateWebhookDeliveries1795800200000,
  CoverInteractionTypeIndex1795800300000,
  CreateExperiments1795900000000,
  AddInteractionCustomerTypeIndex1795900100000,
  CreateCustomerMerges1795900200000,
  CreatePredictions1796000000000,
  CreateNextBestActions1796000100000,
  CompactPredictionContributions1796000200000,
  CoverInteractionSurveyScores1796000300000,
  OrderSegmentMembersByEntry1796000400000,
  UniqueAlertRuleNames1796000500000,
  ExactExternalIds1796000600000,
  CaselessNamesOnSqlite1796000700000,
  ExactEmails1796000830000,
];
