import { createLog } from '../src/log';
import { DEMO_END } from '../src/seed/demo-data';
import { createServices, type Services } from '../src/services';
import { benchDatabase, openSeeded, printTable } from './database';

// Segment refresh timings (issue 4): RFM scoring, lifecycle stages and a three-condition
// behavioural RULE segment, each run RUNS times, at 10,000 customers and at the main data set.
// The first run writes every row; the later ones find little to change, as a scheduled refresh
// usually does. "Now" is the end of the demo data, so relative windows select real activity.
const RUNS = 3;
const SMALL = 10_000;
const SEGMENT_NAME = 'bench: engaged web buyers';

/**
 * Visited the web at least 3 times in the last 30 days, AND placed a paid order in the last 90
 * days, AND has not denied email consent: an audience for an email campaign.
 */
const ENGAGED_WEB_BUYERS = {
  version: 1,
  root: {
    all: [
      {
        behaviour: {
          channel: 'WEB',
          occurrence: 'COUNT',
          comparison: 'AT_LEAST',
          times: 3,
          window: { lastDays: 30 },
        },
      },
      { value: { metric: 'ORDER_COUNT', operator: 'GTE', value: 1, window: { lastDays: 90 } } },
      {
        not: { profile: { field: 'CONSENT', channel: 'EMAIL', operator: 'EQ', value: 'DENIED' } },
      },
    ],
  },
};

export async function segmentBench(server: string, mainUrl: string, customers: number) {
  const log = createLog('warn');
  const rows: string[][] = [];
  const sizes: Array<[number, string]> = [
    [SMALL, await benchDatabase(server, 'pulse_bench_10k')],
    [customers, mainUrl],
  ];
  for (const [count, url] of sizes) {
    const db = await openSeeded(url, count, log);
    const [{ interactions }] = await db.query('SELECT COUNT(*) AS interactions FROM interactions');
    const label = `${count.toLocaleString('en')} / ${Number(interactions).toLocaleString('en')}`;
    const services = createServices(db, { maxPageSize: 100, keyCacheSeconds: 10 });
    const segmentId = await benchSegment(services);
    const timings: Array<[string, () => Promise<unknown>]> = [
      ['RFM segmentation (RfmService.refresh)', () => services.rfm.refresh(DEMO_END)],
      ['lifecycle stages (LifecycleService.refresh)', () => services.lifecycle.refresh(DEMO_END)],
      [
        'segment: ≥3 WEB visits in 30 d AND paid order in 90 d AND NOT email DENIED',
        () => services.segments.refresh(segmentId, 'MANUAL', DEMO_END),
      ],
    ];
    for (const [what, run] of timings) {
      const ms = await timeRuns(run);
      rows.push([what, label, String(ms[0]), String(median(ms)), ms.join(', ')]);
      console.log(`${what} at ${label}: ${ms.join(', ')} ms`);
    }
    const [segment] = await services.segments.byIds([segmentId]);
    rows.push([`  (segment size: ${segment.size.toLocaleString('en')})`, label, '', '', '']);
    await db.destroy();
  }
  printTable(
    ['refresh', 'customers / interactions', 'first run ms', `median of ${RUNS} ms`, 'runs ms'],
    rows,
  );
}

/** The benchmark's segment, created on the first run and reused (by name) after. */
export async function benchSegment(services: Services): Promise<number> {
  const [existing] = await services.db.query('SELECT id FROM segments WHERE name = ?', [
    SEGMENT_NAME,
  ]);
  if (existing) {
    return Number(existing.id);
  }
  const { segment } = await services.segments.create({
    name: SEGMENT_NAME,
    kind: 'RULE',
    definition: ENGAGED_WEB_BUYERS,
  });

  return segment.id;
}

async function timeRuns(run: () => Promise<unknown>): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const started = process.hrtime.bigint();
    await run();
    ms.push(Math.round(Number(process.hrtime.bigint() - started) / 1e6));
  }

  return ms;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);

  return sorted[Math.floor(sorted.length / 2)];
}
