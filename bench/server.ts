import 'reflect-metadata';
import { ROLES } from '../src/auth/principal';
import { loadConfig, type Config } from '../src/config';
import { scopedSqlStatements } from '../src/db/sql-log';
import { createLog } from '../src/log';
import { startPulse } from '../src/server/app';

// A Pulse server for the load benchmark, in its own process so the load generator does not
// share its event loop. BENCH_BATCH=false switches DataLoader batching off. The parent asks
// for the statement counter over IPC.
async function main(): Promise<void> {
  const config = {
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
  };
  const app = await startPulse(config, {
    log: createLog('error'),
    loaderOptions: { batch: process.env.BENCH_BATCH !== 'false' },
  });
  process.on('message', (message: unknown) => {
    if (message === 'stats') {
      process.send?.({ statements: scopedSqlStatements(), rss: process.memoryUsage().rss });
    }
    if (message === 'stop') {
      app.stop().then(() => process.exit(0));
    }
  });
  process.send?.({ ready: true, url: app.url });
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error)?.stack ?? error}\n`);
  process.exit(1);
});
