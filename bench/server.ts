import 'reflect-metadata';
import { ROLES } from '../src/auth/principal';
import { loadConfig, type Config } from '../src/config';
import { scopedSqlStatements } from '../src/db/sql-log';
import { createLog } from '../src/log';
import { startPulse } from '../src/server/app';
import { cpuMicroseconds, requestCounters } from './server-counters';
import { installSqlCapture } from './sql-capture';

// A Pulse server for the load benchmarks, in its own process (bench/server-process.ts forks
// it). BENCH_BATCH=false switches DataLoader batching off. Over IPC the parent asks for:
//   stats          statements run for requests, requests received and in flight, CPU, RSS
//   heap           heap used after a full garbage collection (needs node --expose-gc)
//   capture-start  record the statements of the next requests (bench/sql-capture.ts)
//   capture-stop   the recorded statements
//   stop           a graceful stop, then exit
async function main(): Promise<void> {
  const config: Config = {
    ...loadConfig(),
    port: 0,
    host: '127.0.0.1',
    logLevel: 'error' as const,
    seedDemo: false,
    shutdownDrainMs: 0,
    // One key drives the whole load: its budget must not be what the benchmark measures.
    rateLimits: Object.fromEntries(
      ROLES.map((role) => [role, { capacity: 1e9, periodSeconds: 1 }]),
    ) as Config['rateLimits'],
    // Scheduled jobs (KPI evaluation, segment refresh, scoring of 100,000 customers) would
    // land in the middle of a run; the benchmark measures serving queries.
    segmentRefreshMinutes: 0,
    kpiEvaluationMinutes: 0,
    experimentMonitorMinutes: 0,
    scoringMinutes: 0,
  };
  const app = await startPulse(config, {
    log: createLog('error'),
    loaderOptions: { batch: process.env.BENCH_BATCH !== 'false' },
  });
  const capture = installSqlCapture(app.db);
  const answers: Record<string, () => unknown> = {
    stats: () => ({
      statements: scopedSqlStatements(),
      ...requestCounters(),
      cpu: cpuMicroseconds(),
      rss: process.memoryUsage().rss,
    }),
    heap: () => {
      const gc = (globalThis as { gc?: () => void }).gc;
      if (!gc) {
        throw new Error('the heap after garbage collection needs node --expose-gc');
      }
      gc();

      return { heapUsed: process.memoryUsage().heapUsed, rss: process.memoryUsage().rss };
    },
    'capture-start': () => capture.start(),
    'capture-stop': () => capture.stop(),
  };
  process.on('message', (message: { type: string }) => {
    if (message.type === 'stop') {
      app.stop().then(() => process.exit(0));

      return;
    }
    process.send?.(answers[message.type]?.() ?? null);
  });
  process.send?.({ url: app.url });
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error)?.stack ?? error}\n`);
  process.exit(1);
});
