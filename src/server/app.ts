import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import type { DataSource } from 'typeorm';
import { Role } from '../auth/principal';
import type { Config } from '../config';
import { openDatabase } from '../db/open';
import type { LoaderOptions } from '../db/loaders';
import { buildPulseSchema } from '../graphql/build-schema';
import type { PulseContext } from '../graphql/context';
import { createFormatError } from '../graphql/format-error';
import type { LimitsOptions } from '../graphql/limits';
import { limitsPlugin } from '../graphql/limits.plugin';
import {
  EXPERIMENT_MONITOR_LEASE,
  KPI_SCHEDULE_LEASE,
  SCORING_LEASE,
  ScheduledJob,
} from '../jobs/scheduled-job';
import { SegmentRefreshJob } from '../jobs/segment-refresh.job';
import { errorForLog, type Log } from '../log';
import { auditPlugin } from '../privacy/audit.plugin';
import { poolUsage } from '../db/pool-usage';
import { Metrics } from '../observability/metrics';
import { metricsPlugin } from '../observability/metrics.plugin';
import { countingRefusals } from '../ratelimit/counting-rate-limiter';
import { createRateLimiter } from '../ratelimit/create-rate-limiter';
import { createServices, type Services } from '../services';
import { createHttpHandler } from './http-server';
import { createPulsePubSub } from './pubsub';
import { startWsServer } from './ws-server';

/** A running Pulse: HTTP and WebSocket on one port, over one data source. */
export interface PulseApp {
  url: string;
  port: number;
  db: DataSource;
  services: Services;
  /**
   * Graceful stop: readiness turns 503 while requests are still served for the drain time,
   * then the listener closes, WebSockets are closed with 1012, in-flight requests finish (up to
   * the shutdown timeout), and the database closes.
   */
  stop: () => Promise<void>;
}

export interface StartOptions {
  log: Log;
  /** Batching of per-request loaders; switched off only by benchmarks. Defaults to on. */
  loaderOptions?: LoaderOptions;
  /** An already open database (tests share one); otherwise `config.database` is opened. */
  db?: DataSource;
}

export async function startPulse(config: Config, options: StartOptions): Promise<PulseApp> {
  const { log } = options;
  const loaderOptions = options.loaderOptions ?? { batch: true };
  const db = options.db ?? (await openDatabase(config.database, log));
  // Through Redis when REDIS_URL is set: events then reach subscribers of every instance.
  const { pubSub, onResume, close: closePubSub } = createPulsePubSub(config, log);
  const services = createServices(
    db,
    config,
    { publish: (topic, payload) => pubSub.publish(topic, payload) },
    { subscribe: (topic) => pubSub.subscribe(topic), onResume },
    log,
  );
  if (config.adminKey) {
    await services.apiKeys.ensure(config.adminKey, Role.ADMIN, 'PULSE_ADMIN_KEY');
  }
  const metrics = new Metrics({
    maxOperations: config.metricsMaxOperations,
    poolUsage: () => poolUsage(db),
  });
  services.alerts.onJudged((rules) => metrics.alertRulesJudged(rules));
  const observe = metrics.job;
  const segmentRefresh = new SegmentRefreshJob({
    db,
    log,
    observe,
    intervalMinutes: config.segmentRefreshMinutes,
    ingestionDebounceSeconds: config.segmentIngestionDebounceSeconds,
    refresh: (trigger) => services.segments.refreshAll(trigger),
  });
  services.dataChanges.listen(() => segmentRefresh.requestAfterIngestion());
  const kpiEvaluation = new ScheduledJob({
    db,
    log,
    observe,
    name: KPI_SCHEDULE_LEASE,
    intervalMinutes: config.kpiEvaluationMinutes,
    run: (now) => services.kpiEvaluation.evaluate(now),
  });
  const experimentMonitor = new ScheduledJob({
    db,
    log,
    observe,
    name: EXPERIMENT_MONITOR_LEASE,
    intervalMinutes: config.experimentMonitorMinutes,
    run: (now) => services.experimentMonitor.run(now),
  });
  const scoring = new ScheduledJob({
    db,
    log,
    observe,
    name: SCORING_LEASE,
    intervalMinutes: config.scoringMinutes,
    run: (now) => services.scoring.scoreAll(now),
  });
  const schema = await buildPulseSchema(services, pubSub);
  const development = config.nodeEnv === 'development';
  const formatError = createFormatError(development, (error) =>
    log.error('unexpected error', { error: errorForLog(error) }),
  );
  // One budget per key for both transports; shared with other instances when REDIS_URL is set.
  const rateLimiter = createRateLimiter(config, log);
  const limits: LimitsOptions = {
    maxDepth: config.maxDepth,
    maxCost: config.maxCost,
    maxAliases: config.maxAliases,
    maxRootFields: config.maxRootFields,
    maxTokens: config.maxTokens,
    maxBatch: config.maxBatch,
    defaultListSize: config.maxPageSize,
  };
  const apollo = new ApolloServer<PulseContext>({
    schema,
    formatError,
    includeStacktraceInErrorResponses: development,
    introspection: config.introspection,
    csrfPrevention: true,
    // The HTTP handler caps the batch size and token count first, with coded errors; the
    // parser's own token limit stays as a backstop.
    allowBatchedHttpRequests: true,
    parseOptions: { maxTokens: config.maxTokens },
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      // Pulse declares no cache hints, yet Apollo's default cache-control plugin wraps every
      // field resolver to collect them: 13 % of the CPU of a page of 50 customers. The one
      // header it set, no-store, is set by the HTTP handler.
      ApolloServerPluginCacheControlDisabled(),
      limitsPlugin({
        limits,
        rateLimiter: countingRefusals(rateLimiter, () => metrics.rateLimitRefused('http')),
      }),
      metricsPlugin(metrics),
      auditPlugin(services.audit),
    ],
  });
  await apollo.start();

  let accepting = true;
  const httpServer: Server = createServer(
    createHttpHandler({
      apollo,
      services,
      log,
      maxBodyBytes: config.maxBodyBytes,
      limits,
      corsOrigins: config.corsOrigins,
      loaderOptions,
      metrics,
      metricsToken: config.metricsToken,
      slowRequestMs: config.slowRequestMs,
      health: { db, isAccepting: () => accepting, log },
    }),
  );
  const ws = startWsServer({
    httpServer,
    schema,
    services,
    loaderOptions,
    maxMessageBytes: config.wsMaxMessageBytes,
    maxSubscriptions: config.wsMaxSubscriptions,
    introspection: config.introspection,
    limits,
    rateLimiter: countingRefusals(rateLimiter, () => metrics.rateLimitRefused('ws')),
    formatError,
    metrics,
  });
  await new Promise<void>((resolve) => httpServer.listen(config.port, config.host, resolve));
  segmentRefresh.start();
  kpiEvaluation.start();
  experimentMonitor.start();
  scoring.start();
  services.webhooks.start();
  const { port } = httpServer.address() as AddressInfo;
  const host = config.host === '0.0.0.0' ? 'localhost' : config.host;

  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      // Readiness answers 503 first while requests are still served, so that load balancers
      // stop routing here before the listener closes.
      accepting = false;
      if (config.shutdownDrainMs > 0) {
        await new Promise((resolve) => setTimeout(resolve, config.shutdownDrainMs));
      }
      const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      httpServer.closeIdleConnections();
      await ws.close();
      const deadline = new Promise<void>((resolve) =>
        setTimeout(resolve, config.shutdownTimeoutMs).unref(),
      );
      await Promise.race([closed, deadline]);
      httpServer.closeAllConnections();
      await apollo.stop();
      await segmentRefresh.stop();
      await kpiEvaluation.stop();
      await experimentMonitor.stop();
      await scoring.stop();
      await services.webhooks.stop();
      await rateLimiter.close();
      await closePubSub();
      metrics.close();
      if (!options.db) {
        await db.destroy();
      }
    })();

    return stopping;
  };

  return { url: `http://${host}:${port}/graphql`, port, db, services, stop };
}
