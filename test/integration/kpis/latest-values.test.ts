import { insertSkippingDuplicates, sqlInstant } from '../../../src/db/dialect';
import { fromGlobalId } from '../../../src/graphql/global-id';
import { describeEachDialect } from '../support/dialects';
import { unique } from '../support/factories';

const CREATE = `mutation Create($input: CreateKpiInput!) { createKpi(input: $input) { kpi { id } } }`;

// The KPI board and alert evaluation read each KPI's newest values in one statement: MySQL with
// one LIMIT part per KPI, SQLite with a window. Both must keep exactly the newest `count` values
// of each KPI at or before the instant, grouped by KPI and newest first.
describeEachDialect('latest stored values per KPI', (pulse) => {
  const now = new Date('2026-06-15T12:00:00Z');
  const day = (n: number) => new Date(Date.UTC(2026, 5, n));
  let kpiIds: number[];
  /** Period starts stored per KPI: the second has fewer than asked, the third none. */
  let stored: Map<number, Date[]>;

  beforeAll(async () => {
    kpiIds = [];
    for (let i = 0; i < 3; i += 1) {
      const response = await pulse().query<{ createKpi: { kpi: { id: string } } }>(CREATE, {
        input: { key: unique('latest').replace(/-/g, '_'), metric: 'ORDERS', granularity: 'DAY' },
      });
      kpiIds.push(fromGlobalId(response.data!.createKpi.kpi.id, 'Kpi', 'id'));
    }
    // Written out of order; days 16 and 20 of the first KPI start after `now`.
    stored = new Map([
      [kpiIds[0], [3, 14, 1, 15, 20, 9, 16, 12].map(day)],
      [kpiIds[1], [10, 2].map(day)],
      [kpiIds[2], []],
    ]);
    const { db } = pulse().app;
    await insertSkippingDuplicates(
      db.manager,
      'kpi_values',
      ['kpi_id', 'period_start', 'period_end', 'value', 'numerator', 'denominator', 'computed_at'],
      [...stored].flatMap(([kpiId, starts]) =>
        starts.map((start) => [
          kpiId,
          sqlInstant(db, start),
          sqlInstant(db, new Date(start.getTime() + 86_400_000)),
          start.getUTCDate(),
          start.getUTCDate(),
          null,
          sqlInstant(db, now),
        ]),
      ),
    );
  });

  it.each([1, 3, 10])('keeps the newest %i of each KPI', async (count) => {
    const values = await pulse().app.services.kpis.latestValues(kpiIds, count, now);

    const expected = kpiIds.flatMap((kpiId) =>
      stored
        .get(kpiId)!
        .filter((start) => start <= now)
        .sort((a, b) => b.getTime() - a.getTime())
        .slice(0, count)
        .map((start) => [kpiId, start.toISOString(), start.getUTCDate()]),
    );
    expect(values.map((v) => [v.kpiId, v.periodStart.toISOString(), v.value])).toEqual(expected);
  });
});
