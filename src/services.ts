import type { DataSource } from 'typeorm';
import { AlertEventService } from './alerts/alert-event.service';
import { AlertRuleService } from './alerts/alert-rule.service';
import { AlertService } from './alerts/alert.service';
import { WebhookDispatcher } from './alerts/webhook-dispatcher';
import { WebhookService } from './alerts/webhook.service';
import { ApiKeyService } from './apikeys/api-key.service';
import { type Config, loadConfig } from './config';
import {
  DataChanges,
  type EventPublisher,
  type EventSource,
  NO_EVENT_SOURCE,
  NO_EVENTS,
} from './events';
import { AssignmentService } from './experiments/assignment.service';
import { ExperimentConclusionService } from './experiments/experiment-conclusion.service';
import { ExperimentMonitorService } from './experiments/experiment-monitor.service';
import { ExperimentService } from './experiments/experiment.service';
import { OutcomeService } from './experiments/outcome.service';
import { PlanService } from './experiments/plan.service';
import { ExperimentResultsService } from './experiments/results.service';
import { NormalizationService } from './quality/normalize.service';
import { CustomerSummaryService } from './customers/customer-summary.service';
import { CustomerService } from './customers/customer.service';
import { InteractionService } from './interactions/interaction.service';
import { OrderService } from './orders/order.service';
import { ActionService } from './predictions/action.service';
import { NextBestActionService } from './predictions/next-best-action.service';
import { AuditService } from './privacy/audit.service';
import { ContactPolicyService } from './privacy/contact-policy.service';
import { ErasureService } from './privacy/erasure.service';
import { exportSections } from './privacy/export-sections';
import { CustomerExportService } from './privacy/export.service';
import { KpiBreakdownService } from './kpis/kpi-breakdown.service';
import { KpiEvaluationService } from './kpis/kpi-evaluation.service';
import { KpiValuesService } from './kpis/kpi-values.service';
import { KpiService } from './kpis/kpi.service';
import { createLog, type Log } from './log';
import { BinaryTrainingService } from './predictions/binary-training.service';
import { ClvTrainingService } from './predictions/clv-training.service';
import { FeatureService } from './predictions/feature.service';
import { ModelRegistryService } from './predictions/model-registry.service';
import { PredictionService } from './predictions/prediction.service';
import { ScoringService } from './predictions/scoring.service';
import { TrainingService } from './predictions/training.service';
import { QualityService } from './quality/quality.service';
import { DuplicatesService } from './quality/duplicates.service';
import { MergeService } from './quality/merge.service';
import { ExplainService } from './segments/explain.service';
import { LifecycleService } from './segments/lifecycle.service';
import { RfmService } from './segments/rfm.service';
import { SegmentMembersService } from './segments/segment-members.service';
import { SegmentProfileService } from './segments/segment-profile.service';
import { SegmentRefreshService } from './segments/segment-refresh.service';
import { SegmentService } from './segments/segment.service';

/** Every service, built once per process over one data source (the composition root's wiring). */
export function createServices(
  db: DataSource,
  config: Pick<Config, 'maxPageSize' | 'keyCacheSeconds'> &
    Partial<
      Pick<
        Config,
        | 'rfmWindowDays'
        | 'lifecycle'
        | 'reportingTimeZone'
        | 'webhookMaxAttempts'
        | 'webhookAllowedNetworks'
        | 'kpiHistoryMonths'
        | 'kpiLateDataDays'
        | 'defaultPhoneRegion'
        | 'nbaHoldoutShare'
        | 'driftPsiThreshold'
      >
    >,
  events: EventPublisher = NO_EVENTS,
  eventSource: EventSource = NO_EVENT_SOURCE,
  log: Log = createLog('silent'),
) {
  // Services that change personal data record it in the audit log in the same transaction.
  const audit = new AuditService(db, config.maxPageSize);
  // Ingestion announces stored rows here; the server refreshes segments from it (src/jobs/).
  const dataChanges = new DataChanges();
  // Tools that build services without a full Config (CSV import, bench) get the defaults.
  const analytics = { ...loadConfig({}), ...config };
  const customers = new CustomerService(
    db,
    config.maxPageSize,
    audit,
    dataChanges,
    analytics.defaultPhoneRegion,
  );
  const rfm = new RfmService(db, analytics.rfmWindowDays);
  const lifecycle = new LifecycleService(db, analytics.lifecycle, analytics.reportingTimeZone);
  // Segment rules read RFM scores and lifecycle stages: a full refresh recomputes them first.
  const segmentRefresh = new SegmentRefreshService(db, events, [rfm, lifecycle]);
  const kpiValues = new KpiValuesService(db, analytics.reportingTimeZone);
  const kpiEvaluation = new KpiEvaluationService(db, kpiValues, events, {
    timeZone: analytics.reportingTimeZone,
    historyMonths: analytics.kpiHistoryMonths,
    lateDataDays: analytics.kpiLateDataDays,
  });
  const alertRules = new AlertRuleService(db, config.maxPageSize, analytics.webhookAllowedNetworks);
  // Sends only once the server starts it; command-line tools that build services never do.
  const webhooks = new WebhookService(
    db,
    config.maxPageSize,
    new WebhookDispatcher(db, {
      maxAttempts: analytics.webhookMaxAttempts,
      allowedNetworks: analytics.webhookAllowedNetworks,
    }),
  );
  const alerts = new AlertService(db, events, alertRules);
  // Webhooks are a second channel for the same stored events, handed over after commit.
  alerts.onEvents((stored) => webhooks.enqueue(stored));
  // Rules are judged after every KPI evaluation, under its lease (one instance at a time).
  kpiEvaluation.onEvaluated((evaluated, now) => alerts.evaluate(evaluated, now));
  const experiments = new ExperimentService(db, config.maxPageSize, events);
  const assignment = new AssignmentService(db, experiments);
  const experimentResults = new ExperimentResultsService(
    db,
    experiments,
    assignment,
    new OutcomeService(db),
  );
  const duplicates = new DuplicatesService(db, config.maxPageSize);
  const features = new FeatureService(db);
  const modelRegistry = new ModelRegistryService(db, config.maxPageSize);
  const scoring = new ScoringService(
    db,
    modelRegistry,
    features,
    log,
    analytics.driftPsiThreshold,
    dataChanges,
  );
  const segments = new SegmentService(
    db,
    config.maxPageSize,
    segmentRefresh,
    new ExplainService(db),
  );
  const kpis = new KpiService(db, config.maxPageSize, analytics.reportingTimeZone);
  const actions = new ActionService(
    db,
    config.maxPageSize,
    segments,
    experiments,
    experimentResults,
  );
  // A segment that a KPI, an action or an experiment names cannot be deleted.
  segments.usedBy(kpis.segmentUsers, actions.segmentUsers, experiments.segmentUsers);

  return {
    db,
    maxPageSize: config.maxPageSize,
    apiKeys: new ApiKeyService(db, audit, config.keyCacheSeconds * 1000, config.maxPageSize),
    audit,
    customers,
    normalization: new NormalizationService(db, audit, analytics.defaultPhoneRegion),
    customerSummaries: new CustomerSummaryService(db),
    interactions: new InteractionService(db, events, dataChanges),
    orders: new OrderService(db, dataChanges),
    dataChanges,
    contactPolicy: new ContactPolicyService(customers),
    customerExport: new CustomerExportService(db, audit, exportSections(audit)),
    erasure: new ErasureService(db, audit),
    duplicates,
    merges: new MergeService(db, audit),
    rfm,
    lifecycle,
    segments,
    segmentMembers: new SegmentMembersService(db, config.maxPageSize),
    segmentProfiles: new SegmentProfileService(db),
    kpis,
    kpiValues,
    kpiEvaluation,
    kpiBreakdowns: new KpiBreakdownService(db, kpiValues, analytics.reportingTimeZone),
    webhooks,
    alertRules,
    alerts,
    alertEvents: new AlertEventService(db, config.maxPageSize, eventSource),
    experiments,
    assignment,
    experimentResults,
    experimentConclusions: new ExperimentConclusionService(experiments, experimentResults),
    experimentMonitor: new ExperimentMonitorService(db, experiments, experimentResults),
    experimentPlans: new PlanService(db, segments),
    quality: new QualityService(db, duplicates),
    modelRegistry,
    scoring,
    predictions: new PredictionService(db),
    training: new TrainingService(
      db,
      modelRegistry,
      new BinaryTrainingService(features),
      new ClvTrainingService(features),
      scoring,
      log,
    ),
    actions,
    nextBestActions: new NextBestActionService(db, config.maxPageSize, analytics.nbaHoldoutShare),
  };
}

export type Services = ReturnType<typeof createServices>;
