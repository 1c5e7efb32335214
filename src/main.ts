import 'reflect-metadata';
import { DEMO_KEYS } from './apikeys/demo-keys';
import { loadConfig, type Config } from './config';
import { openDatabase } from './db/open';
import { createLog, type Log } from './log';
import { hasCustomers, seedDemoData } from './seed/seed.service';
import { startPulse } from './server/app';
import { createServices } from './services';

// Composition root: config → database (migrated) → demo data → services → schema → servers.
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    process.stderr.write(`Pulse cannot start: ${(error as Error).message}\n`);
    process.exit(1);
  }
  const log = createLog(config.logLevel);
  const db = await openDatabase(config.database, log);
  if (config.seedDemo && !(await hasCustomers(db))) {
    log.info('seeding demo data (first start on an empty database)');
    const counts = await seedDemoData(db, { customers: 2000 });
    const { apiKeys } = createServices(db, config);
    for (const demo of DEMO_KEYS) {
      await apiKeys.ensure(demo.key, demo.role, demo.name);
    }
    log.info('demo data seeded', counts);
  }
  const app = await startPulse(config, { log, db });
  await printBanner(app.url, app.services.apiKeys, log);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      return;
    }
    stopping = true;
    log.info('shutting down', { signal });
    // The drain, the wait for in-flight requests, then a margin for closing the rest.
    setTimeout(
      () => process.exit(1),
      config.shutdownDrainMs + config.shutdownTimeoutMs + 5000,
    ).unref();
    app
      .stop()
      .then(() => db.destroy())
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        log.error('shutdown failed', { error: String(error) });
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

async function printBanner(
  url: string,
  apiKeys: { isLive(key: string): Promise<boolean> },
  log: Log,
): Promise<void> {
  const lines = [`Pulse is serving GraphQL at ${url}`, `Playground: open ${url} in a browser`];
  const demoKeys = [];
  for (const demo of DEMO_KEYS) {
    if (await apiKeys.isLive(demo.key)) {
      demoKeys.push(`  ${demo.role.padEnd(8)} ${demo.key}`);
    }
  }
  if (demoKeys.length > 0) {
    lines.push('Demo API keys (send as Authorization: Bearer <key>):', ...demoKeys);
  }
  process.stdout.write(`\n${lines.join('\n')}\n\n`);
  log.info('ready', { url });
}

main().catch((error: unknown) => {
  process.stderr.write(`Pulse failed to start: ${(error as Error)?.stack ?? error}\n`);
  process.exit(1);
});
