import { fromGlobalId } from '../../../src/graphql/global-id';
import { BUILT_IN_METRICS, valueOf } from '../../../src/kpis/metrics';
import { periodsBetween } from '../../../src/kpis/periods';
import { describeEachDialect } from '../support/dialects';
import {
  CUSTOM,
  customReference,
  generateKpiData,
  type KpiTestData,
  referenceFigures,
} from './kpi-data';

const DAY = 86_400_000;
const CREATE = `mutation Create($input: CreateKpiInput!) {
  createKpi(input: $input) { kpi { id key metric granularity } }
}`;
const SERIES = `query Series($id: ID!, $from: DateTimeISO!, $to: DateTimeISO!) {
  kpi(id: $id) { series(from: $from, to: $to) { periodStart periodEnd value numerator denominator target status } }
}`;

interface SeriesValue {
  periodStart: string;
  value: number | null;
  numerator: number;
  denominator: number | null;
}

describeEachDialect('KPI values', (pulse) => {
  // Mid-month, mid-day: the open month and the late-data window are both partial.
  const now = new Date(Date.UTC(2026, 2, 18, 13, 30));
  const from = new Date(Date.UTC(2025, 10, 1));
  let data: KpiTestData;
  const ids = new Map<string, string>();

  beforeAll(async () => {
    data = await generateKpiData(pulse().app.db, 5, 150, now, 130);
    for (const metric of BUILT_IN_METRICS) {
      for (const country of [undefined, 'FR']) {
        const key = `${metric.toLowerCase()}${country ? '_fr' : ''}`;
        const response = await pulse().query<{ createKpi: { kpi: { id: string } } }>(CREATE, {
          input: {
            key,
            metric,
            granularity: 'MONTH',
            targetValue: 1,
            scope: country ? { country } : null,
          },
        });
        if (!response.data) {
          throw new Error(JSON.stringify(response.errors));
        }
        ids.set(key, response.data.createKpi.kpi.id);
      }
    }
    for (const [key, metricConfig] of Object.entries(CUSTOM)) {
      const response = await pulse().query<{ createKpi: { kpi: { id: string } } }>(CREATE, {
        input: { key, metric: 'CUSTOM', granularity: 'MONTH', metricConfig },
      });
      ids.set(key, response.data!.createKpi.kpi.id);
    }
    const quality = await pulse().query<{ createKpi: { kpi: { id: string } } }>(CREATE, {
      input: {
        key: 'country_filled_fr',
        metric: 'DATA_QUALITY',
        granularity: 'MONTH',
        metricConfig: { field: 'country', measure: 'FILLED' },
        scope: { country: 'FR' },
      },
    });
    ids.set('country_filled_fr', quality.data!.createKpi.kpi.id);
    await pulse().app.services.kpiEvaluation.evaluate(now, { cold: true });
  });

  it('stores DATA_QUALITY per month over the live customers signed up by the month end', async () => {
    const response = await pulse().query<{ kpi: { series: SeriesValue[] } }>(SERIES, {
      id: ids.get('country_filled_fr'),
      from: from.toISOString(),
      to: now.toISOString(),
    });
    const spans = periodsBetween(from, now, 'MONTH', 'UTC', 100);
    const existing = spans.map(
      (span) =>
        data.customers.filter((c) => !c.deleted && c.country === 'FR' && c.signedUpAt < span.end)
          .length,
    );
    expect(response.data!.kpi.series.map((v) => [v.numerator, v.denominator, v.value])).toEqual(
      existing.map((n) => [n, n, n ? 1 : null]),
    );
    expect(new Set(existing).size).toBeGreaterThan(2);
  });

  it.each(Object.keys(CUSTOM))(
    'stores the custom metric %s per month equal to the JavaScript reference',
    async (key) => {
      const response = await pulse().query<{ kpi: { series: SeriesValue[] } }>(SERIES, {
        id: ids.get(key),
        from: from.toISOString(),
        to: now.toISOString(),
      });
      const spans = periodsBetween(from, now, 'MONTH', 'UTC', 100);
      const series = response.data!.kpi.series;
      expect(series).toHaveLength(spans.length);
      spans.forEach((span, i) => {
        const [numerator, denominator] = customReference(data, key, span);
        expect([series[i].numerator, series[i].denominator]).toEqual([
          expect.closeTo(numerator, 6),
          denominator,
        ]);
      });
      expect(series.some((v) => v.numerator !== 0)).toBe(true);
    },
  );

  it.each(
    BUILT_IN_METRICS.flatMap(
      (m) =>
        [
          [m, undefined],
          [m, 'FR'],
        ] as const,
    ),
  )(
    'stores %s (country %s) per month equal to the JavaScript reference',
    async (metric, country) => {
      const id = ids.get(`${metric.toLowerCase()}${country ? '_fr' : ''}`);
      const response = await pulse().query<{ kpi: { series: SeriesValue[] } }>(SERIES, {
        id,
        from: from.toISOString(),
        to: now.toISOString(),
      });
      const spans = periodsBetween(from, now, 'MONTH', 'UTC', 100);
      const series = response.data!.kpi.series;
      expect(series.map((v) => v.periodStart)).toEqual(spans.map((s) => s.start.toISOString()));
      spans.forEach((span, i) => {
        const previous = periodsBetween(
          new Date(span.start.getTime() - 1),
          span.start,
          'MONTH',
          'UTC',
          1,
        )[0];
        const [numerator, denominator] = referenceFigures(data, metric, span, previous, country);
        expect(series[i].numerator).toBeCloseTo(numerator, 6);
        expect(series[i].denominator).toEqual(denominator);
        const value = valueOf(metric, numerator, denominator);
        if (value === null) {
          expect(series[i].value).toBeNull();
        } else {
          expect(series[i].value).toBeCloseTo(value, 9);
        }
      });
      // The data set is large enough that no month of any metric is trivially zero.
      expect(series.some((v) => v.numerator !== 0)).toBe(true);
    },
  );

  it('recomputes only the open day and the days ending within the late-data window when incremental', async () => {
    const response = await pulse().query<{ createKpi: { kpi: { id: string } } }>(CREATE, {
      input: { key: 'daily_orders', metric: 'ORDERS', granularity: 'DAY' },
    });
    const kpiId = fromGlobalId(response.data!.createKpi.kpi.id, 'Kpi', 'id');
    const { services, db } = pulse().app;
    await services.kpiEvaluation.evaluate(now, { kpiIds: [kpiId] });
    const later = new Date(now.getTime() + DAY);
    const evaluated = await services.kpiEvaluation.evaluate(later, { kpiIds: [kpiId] });
    const rows: Array<{ n: number | string; touched: number | string }> = await db.query(
      'SELECT COUNT(*) AS n, SUM(CASE WHEN computed_at > ? THEN 1 ELSE 0 END) AS touched FROM kpi_values WHERE kpi_id = ?',
      [
        pulse().dialect === 'mysql' ? now : now.toISOString().replace('T', ' ').replace('Z', ''),
        kpiId,
      ],
    );
    // Days overlapping [later − 3 days, later]: 3 closed ones and the open one.
    expect(evaluated[0].values.map((v) => v.periodStart.toISOString())).toEqual([
      '2026-03-16T00:00:00.000Z',
      '2026-03-17T00:00:00.000Z',
      '2026-03-18T00:00:00.000Z',
      '2026-03-19T00:00:00.000Z',
    ]);
    expect(Number(rows[0].touched)).toBe(4);
    // The cold first run stored 18 months of days (plus the open day) and the second added one.
    expect(Number(rows[0].n)).toBeGreaterThan(540);
  });
});
