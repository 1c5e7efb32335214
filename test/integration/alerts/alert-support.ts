import { KpiValueEntity } from '../../../src/kpis/kpi-value.entity';
import { KpiEntity } from '../../../src/kpis/kpi.entity';
import { toGlobalId } from '../../../src/graphql/global-id';
import type { TestPulse } from '../support/start-pulse';
import type { DataSource } from 'typeorm';

const DAY_MS = 86_400_000;
/** Day 0 of the crafted daily series. */
export const FIRST_DAY = Date.parse('2026-01-01T00:00:00.000Z');

let kpiCount = 0;

/** A daily KPI stored directly, so that alert tests craft its values instead of computing them. */
export async function insertKpi(
  pulse: TestPulse,
  fields: Partial<KpiEntity> = {},
): Promise<{ dbId: number; id: string }> {
  const dbId = await insertKpiRow(pulse.app.db, fields);

  return { dbId, id: toGlobalId('Kpi', dbId) };
}

/** `insertKpi` into any data source (a database between migrations, say); returns its id. */
export async function insertKpiRow(
  db: DataSource,
  fields: Partial<KpiEntity> = {},
): Promise<number> {
  kpiCount += 1;
  const now = new Date();
  const repository = db.getRepository(KpiEntity);
  const row = await repository.save(
    repository.create({
      key: `alert_kpi_${kpiCount}_${Math.floor(Math.random() * 1e6)}`,
      name: 'Conversion rate',
      description: null,
      owner: null,
      metric: 'CONVERSION_RATE',
      metricConfig: null,
      scope: null,
      granularity: 'DAY',
      targetValue: null,
      targetDirection: 'HIGHER_IS_BETTER',
      targets: null,
      tolerance: 0.05,
      createdAt: now,
      updatedAt: now,
      version: 1,
      ...fields,
    }),
  );

  return row.id;
}

/** Just after day `day` closed, when an evaluation judges it. */
export function dayClosed(day: number): Date {
  return new Date(FIRST_DAY + (day + 1) * DAY_MS + 60_000);
}

/**
 * Stores the value of day `day` and runs alert evaluation as it runs after a KPI evaluation
 * just after that day closed: each call is one judged period.
 */
export async function closeDay(
  pulse: TestPulse,
  kpiId: number,
  day: number,
  value: number | null,
): Promise<void> {
  await storeDay(pulse, kpiId, day, value);
  await pulse.app.services.alerts.evaluate([{ kpiId }], dayClosed(day));
}

/** Stores the value of day `day` without evaluating. */
export async function storeDay(
  pulse: TestPulse,
  kpiId: number,
  day: number,
  value: number | null,
): Promise<void> {
  await pulse.app.db.getRepository(KpiValueEntity).save({
    kpiId,
    periodStart: new Date(FIRST_DAY + day * DAY_MS),
    periodEnd: new Date(FIRST_DAY + (day + 1) * DAY_MS),
    value,
    numerator: value ?? 0,
    denominator: value === null ? 0 : 1,
    computedAt: new Date(),
  });
}

export const RULE_FIELDS = `
  id kpiId name kind params severity for hysteresis state consecutive
  lastPeriodStart firingSince mutedUntil acknowledgedAt webhookUrl hasWebhookSecret version
`;

export const EVENT_FIELDS = `
  id cursor type severity ruleId kpiId periodStart value message details occurredAt
`;

export interface RuleView {
  id: string;
  state: string;
  consecutive: number;
  version: number;
  [field: string]: unknown;
}

export interface EventView {
  id: string;
  cursor: string;
  type: string;
  message: string;
  value: number | null;
  [field: string]: unknown;
}

/** Creates a rule over HTTP as ADMIN and returns it. */
export async function createRule(
  pulse: TestPulse,
  input: Record<string, unknown>,
): Promise<RuleView> {
  const response = await pulse.query<{ createAlertRule: { alertRule: RuleView } }>(
    `mutation ($input: CreateAlertRuleInput!) { createAlertRule(input: $input) { alertRule { ${RULE_FIELDS} } } }`,
    { input: { name: 'Low conversion', severity: 'WARNING', ...input } },
  );
  if (response.errors) {
    throw new Error(JSON.stringify(response.errors));
  }

  return response.data!.createAlertRule.alertRule;
}

export async function readRule(pulse: TestPulse, id: string): Promise<RuleView> {
  const response = await pulse.query<{ alertRule: RuleView }>(
    `query ($id: ID!) { alertRule(id: $id) { ${RULE_FIELDS} } }`,
    { id },
  );

  return response.data!.alertRule;
}

/** The events of a rule, oldest first. */
export async function eventsOf(pulse: TestPulse, ruleId: string): Promise<EventView[]> {
  const response = await pulse.query<{ alertHistory: { edges: Array<{ node: EventView }> } }>(
    `query ($ruleIds: [ID!]) { alertHistory(first: 100, filter: { ruleIds: $ruleIds }) { edges { node { ${EVENT_FIELDS} } } } }`,
    { ruleIds: [ruleId] },
  );

  return response.data!.alertHistory.edges.map((edge) => edge.node).reverse();
}
