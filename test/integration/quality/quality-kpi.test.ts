import { periodsBetween } from '../../../src/kpis/periods';
import type { QualityField } from '../../../src/quality/quality-rules';
import { describeEachDialect } from '../support/dialects';
import { insertQualityCustomers, isFilled, QUALITY_CUSTOMERS } from './quality-data';

const CREATE = `mutation Create($input: CreateKpiInput!) {
  createKpi(input: $input) { kpi { id } }
}`;
const SERIES = `query Series($id: ID!, $from: DateTimeISO!, $to: DateTimeISO!) {
  kpi(id: $id) { series(from: $from, to: $to) { periodStart value numerator denominator } }
}`;

describeEachDialect('DATA_QUALITY KPI', (pulse) => {
  const now = new Date(Date.UTC(2025, 4, 15, 12));
  const from = new Date(Date.UTC(2024, 11, 1));
  const spans = periodsBetween(from, now, 'MONTH', 'UTC', 100);
  const ids = new Map<string, string>();
  const configs: Array<[QualityField, 'FILLED' | 'VALID']> = [
    ['email', 'VALID'],
    ['phone', 'FILLED'],
    ['birth_date', 'VALID'],
  ];

  beforeAll(async () => {
    await insertQualityCustomers(pulse().app.db, 'quality-kpi', now);
    for (const [field, measure] of configs) {
      const response = await pulse().query<{ createKpi: { kpi: { id: string } } }>(CREATE, {
        input: {
          key: `quality_${field}_${measure.toLowerCase()}`,
          metric: 'DATA_QUALITY',
          metricConfig: { field, measure },
          granularity: 'MONTH',
          targetValue: 0.9,
        },
      });
      if (!response.data) {
        throw new Error(JSON.stringify(response.errors));
      }
      ids.set(`${field} ${measure}`, response.data.createKpi.kpi.id);
    }
    await pulse().app.services.kpiEvaluation.evaluate(now, { cold: true });
  });

  it.each(configs)(
    'values %s %s per month as the share among customers signed up by the month end',
    async (field, measure) => {
      const response = await pulse().query<{
        kpi: {
          series: Array<{
            periodStart: string;
            value: number | null;
            numerator: number;
            denominator: number;
          }>;
        };
      }>(SERIES, {
        id: ids.get(`${field} ${measure}`),
        from: from.toISOString(),
        to: now.toISOString(),
      });
      const expected = spans.map((span) => {
        const existing = QUALITY_CUSTOMERS.filter(
          (c) => !c.deleted && !c.erased && c.signedUpAt < span.end,
        );
        const filled = existing.filter((c) => isFilled(c.profile[field])).length;
        const valid = existing.filter((c) => c.valid.includes(field)).length;
        const [numerator, denominator] =
          measure === 'VALID' ? [valid, filled] : [filled, existing.length];

        return {
          periodStart: span.start.toISOString(),
          value: denominator ? numerator / denominator : null,
          numerator,
          denominator,
        };
      });
      expect(response.data?.kpi.series).toEqual(expected);
      // Customers join month by month, so the months differ.
      expect(new Set(expected.map((e) => e.denominator)).size).toBeGreaterThan(2);
    },
  );

  it('evaluates a daily DATA_QUALITY KPI cold: 548 days, more periods than SQLite allows in one union', async () => {
    const created = await pulse().query<{ createKpi: { kpi: { id: string } } }>(CREATE, {
      input: {
        key: 'quality_email_filled_daily',
        metric: 'DATA_QUALITY',
        metricConfig: { field: 'email', measure: 'FILLED' },
        granularity: 'DAY',
      },
    });
    await pulse().app.services.kpiEvaluation.evaluate(now, { cold: true });
    const dayStart = new Date(now.getTime() - 86_400_000);
    const response = await pulse().query<{
      kpi: { series: Array<{ numerator: number; denominator: number }> };
    }>(SERIES, {
      id: created.data!.createKpi.kpi.id,
      from: dayStart.toISOString(),
      to: now.toISOString(),
    });
    const existing = QUALITY_CUSTOMERS.filter((c) => !c.deleted && !c.erased && c.signedUpAt < now);
    const last = response.data!.kpi.series.at(-1)!;
    expect(last.denominator).toBe(existing.length);
    expect(last.numerator).toBe(existing.filter((c) => isFilled(c.profile.email)).length);
  });

  it('refuses a DATA_QUALITY KPI broken down by channel', async () => {
    const response = await pulse().query(CREATE, {
      input: {
        key: 'quality_by_channel',
        metric: 'DATA_QUALITY',
        metricConfig: { field: 'email', measure: 'VALID' },
        granularity: 'MONTH',
        scope: { channel: 'WEB' },
      },
    });
    expect(response.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.scope.channel',
    });
  });
});
