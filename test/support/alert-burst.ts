import { randomBytes } from 'node:crypto';
import { KpiValueEntity } from '../../src/kpis/kpi-value.entity';
import type { Services } from '../../src/services';

/** Rules on one KPI that all fire together: N alert events from one evaluation. */
export interface AlertBurst {
  kpiId: number;
  ruleIds: number[];
  /**
   * Stores a closed day of the KPI with `value` and evaluates the rules on it, as the KPI job
   * does after computing values: above 0 every rule FIRES, at 0 a firing one RESOLVES. Each
   * call judges the next day, so rules see a new period every time. `now` (the events'
   * `occurredAt`) defaults to the end of that day; a later one works while the KPI has no
   * other closed values.
   */
  evaluate(value: number, now?: Date): Promise<void>;
}

// Days of 2020: long closed, outside any late-data window, so the KPI job never recomputes
// them and an evaluation at the end of the day judges exactly that day.
const FIRST_DAY = Date.UTC(2020, 0, 1);
const DAY_MS = 86_400_000;

/** A KPI with `rules` THRESHOLD rules (value ABOVE 0), each with the webhook given. */
export async function createAlertBurst(
  services: Services,
  rules: number,
  webhook: { url: string; secret: string | null } | null = null,
): Promise<AlertBurst> {
  const kpi = await services.kpis.create({
    key: `burst_${randomBytes(4).toString('hex')}`,
    name: 'Burst revenue',
    metric: 'REVENUE',
    granularity: 'DAY',
    targetDirection: 'HIGHER_IS_BETTER',
    tolerance: 0.05,
  });
  const ruleIds: number[] = [];
  for (let i = 0; i < rules; i += 1) {
    const rule = await services.alertRules.create({
      kpiId: kpi.id,
      name: `Burst ${i + 1}`,
      condition: { kind: 'THRESHOLD', threshold: { operator: 'ABOVE', value: 0 } },
      severity: 'WARNING',
      forCount: 1,
      hysteresis: 0,
      webhookUrl: webhook?.url ?? null,
      webhookSecret: webhook?.secret ?? null,
    });
    ruleIds.push(rule.id);
  }
  let day = 0;

  return {
    kpiId: kpi.id,
    ruleIds,
    async evaluate(value, now) {
      const periodStart = new Date(FIRST_DAY + day * DAY_MS);
      const periodEnd = new Date(periodStart.getTime() + DAY_MS);
      day += 1;
      await services.db.getRepository(KpiValueEntity).save({
        kpiId: kpi.id,
        periodStart,
        periodEnd,
        value,
        numerator: value,
        denominator: null,
        computedAt: periodEnd,
      });
      await services.alerts.evaluate([{ kpiId: kpi.id }], now ?? periodEnd);
    },
  };
}
