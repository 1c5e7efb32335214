import type { CountryCode } from 'libphonenumber-js';
import { parseNetwork } from './alerts/webhook-address';
import { isPhoneRegion } from './quality/normalize';
import { Role, ROLES } from './auth/principal';
import { isTimeZone } from './kpis/periods';
import type { BucketPolicy } from './ratelimit/token-bucket';
import type { LifecycleThresholds } from './segments/lifecycle';
import { DAY_MS } from './time';

/** Every setting Pulse reads, parsed and validated once at start-up. */
export interface Config {
  /** `development` shows stack traces in errors; anything else hides them. */
  nodeEnv: string;
  /** TCP port of the HTTP and WebSocket server. Defaults to 4000. */
  port: number;
  /** Interface to listen on. Defaults to `0.0.0.0`. */
  host: string;
  database: DatabaseConfig;
  /** When set, an ADMIN key with exactly this value exists after start-up. */
  adminKey: string | null;
  /** Seed the demo data set when the database holds no customers. Defaults to true. */
  seedDemo: boolean;
  /** Lowest level written to the JSON log. Defaults to `info`. */
  logLevel: LogLevel;
  /** Largest page a connection returns. Defaults to 100. */
  maxPageSize: number;
  /** Largest request body accepted; larger ones get 413. Defaults to 5 MiB. */
  maxBodyBytes: number;
  /** How long shutdown waits for in-flight requests. Defaults to 10 000 ms. */
  shutdownTimeoutMs: number;
  /**
   * How long a stopping instance keeps serving with readiness at 503, so that load balancers
   * stop routing to it before its listener closes. Defaults to 5 000 ms.
   */
  shutdownDrainMs: number;
  /** How long an API key lookup is reused in this process (0 = every request). Defaults to 10 s. */
  keyCacheSeconds: number;
  /** Redis shared by all instances for rate-limit budgets; null keeps them in this process. */
  redisUrl: string | null;
  /** Query-cost budget of each role's keys (token bucket per key). See DEFAULT_RATE_LIMITS. */
  rateLimits: Record<Role, BucketPolicy>;
  /** Deepest field nesting of an operation. Defaults to 8 (see `LimitsOptions`). */
  maxDepth: number;
  /** Largest query cost of an operation. Defaults to 10 000. */
  maxCost: number;
  /** Most aliases in an operation. Defaults to 15. */
  maxAliases: number;
  /** Most root fields in an operation. Defaults to 10. */
  maxRootFields: number;
  /** Most operations in one batched HTTP request. Defaults to 10. */
  maxBatch: number;
  /** Most lexical tokens in a document. Defaults to 1 000. */
  maxTokens: number;
  /** Most subscriptions one WebSocket connection holds at once. Defaults to 20. */
  wsMaxSubscriptions: number;
  /** Largest WebSocket message; a larger one closes the socket with 1009. Defaults to 64 KiB. */
  wsMaxMessageBytes: number;
  /** Whether the schema can be introspected (the playground needs it). Defaults to true. */
  introspection: boolean;
  /** Browser origins allowed by CORS (`*` = any); empty sends no CORS headers. Defaults to none. */
  corsOrigins: string[];
  /** Days of paid orders RFM scores look back over. Defaults to 365. */
  rfmWindowDays: number;
  /** Day thresholds of the lifecycle stages (see `LifecycleThresholds`). */
  lifecycle: LifecycleThresholds;
  /** IANA time zone in which report periods (days, weeks, months) begin. Defaults to `UTC`. */
  reportingTimeZone: string;
  /** Region a phone number without a country prefix is read in (ISO 3166-1 alpha-2). */
  defaultPhoneRegion: CountryCode;
  /** Minutes between scheduled refreshes of all segments (0 = no schedule). Defaults to 60. */
  segmentRefreshMinutes: number;
  /**
   * Seconds between ingestion storing rows and the segment refresh it triggers; ingestion in that
   * time joins the same refresh (0 = ingestion triggers none). Defaults to 30.
   */
  segmentIngestionDebounceSeconds: number;
  /** Minutes between scheduled KPI evaluations (0 = no schedule). Defaults to 15. */
  kpiEvaluationMinutes: number;
  /** Minutes between experiment monitor runs (SRM and decision announcements); 0 = none. */
  experimentMonitorMinutes: number;
  /** Months of history a cold KPI evaluation computes. Defaults to 18. */
  kpiHistoryMonths: number;
  /** Days after its end during which a KPI period is still recomputed. Defaults to 3. */
  kpiLateDataDays: number;
  /**
   * Attempts to deliver one alert webhook before it is FAILED; retries back off 1 s, 2 s, 4 s…
   * Defaults to 6.
   */
  webhookMaxAttempts: number;
  /**
   * Networks (CIDR such as `10.0.0.0/8`, or single addresses) whose loopback, private,
   * link-local and other special-purpose addresses may receive alert webhooks, for receivers
   * inside the operator's own network. Defaults to none: webhooks go to public addresses only.
   */
  webhookAllowedNetworks: string[];
  /**
   * Share (0–1) of customers held out of next-best-action recommendations, by a fixed hash of
   * their id, so that the recommendations' effect can be measured against them. Defaults to 0.05.
   */
  nbaHoldoutShare: number;
  /** Minutes between scoring passes of the active models; 0 = only after training. */
  scoringMinutes: number;
  /** PSI above which a scoring pass counts as drifted (logged and shown). */
  driftPsiThreshold: number;
  /** When set, GET /metrics needs it as a bearer token; null leaves /metrics open. */
  metricsToken: string | null;
  /** Distinct operation names /metrics keeps as labels; later ones count as `other`. */
  metricsMaxOperations: number;
  /** Requests slower than this are logged as `slow request` warnings. Defaults to 1 000 ms. */
  slowRequestMs: number;
}

export type DatabaseConfig =
  | { type: 'sqlite'; path: string }
  | {
      type: 'mysql';
      flavor: 'mysql' | 'mariadb';
      url: string;
      poolSize: number;
      /** A statement running longer is cut by the server (0 = never). Defaults to 60 000 ms. */
      statementTimeoutMs?: number;
      /** Requests waiting for a connection beyond which the next one is refused at once. */
      queueLimit?: number;
      /**
       * Read replicas (mysql:// URLs) that analytical reads go to; each gets a pool of `poolSize`.
       * Defaults to none: every read goes to `url`.
       */
      replicaUrls?: string[];
    };

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): Config {
  const database = readDatabase(env);

  return {
    nodeEnv: env.NODE_ENV ?? 'production',
    port: readInt(env, 'PORT', 4000, 0, 65535),
    host: env.HOST ?? '0.0.0.0',
    database,
    adminKey: readSecret(env, 'PULSE_ADMIN_KEY'),
    // The demo keys are public (README prints them), one of them ADMIN: seeded by default on the
    // embedded SQLite, so `npm start` can be explored at once, and only when asked on MySQL, where
    // production runs and a forgotten `PULSE_SEED_DEMO=false` would open it to anyone.
    seedDemo: readBoolean(env, 'PULSE_SEED_DEMO', database.type === 'sqlite'),
    logLevel: readEnum(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    maxPageSize: readInt(env, 'PULSE_MAX_PAGE_SIZE', 100, 1, 1000),
    maxBodyBytes: readInt(env, 'PULSE_MAX_BODY_BYTES', 5 * 1024 * 1024, 1024, 100 * 1024 * 1024),
    shutdownTimeoutMs: readInt(env, 'PULSE_SHUTDOWN_TIMEOUT_MS', 10_000, 0, 120_000),
    shutdownDrainMs: readInt(env, 'PULSE_SHUTDOWN_DRAIN_MS', 5000, 0, 60_000),
    keyCacheSeconds: readInt(env, 'PULSE_KEY_CACHE_SECONDS', 10, 0, 3600),
    redisUrl: readRedisUrl(env),
    rateLimits: readRateLimits(env),
    maxDepth: readInt(env, 'PULSE_MAX_DEPTH', 8, 1, 100),
    maxCost: readInt(env, 'PULSE_MAX_COST', 10_000, 1, 10_000_000),
    maxAliases: readInt(env, 'PULSE_MAX_ALIASES', 15, 0, 1000),
    maxRootFields: readInt(env, 'PULSE_MAX_ROOT_FIELDS', 10, 1, 1000),
    maxBatch: readInt(env, 'PULSE_MAX_BATCH', 10, 1, 1000),
    maxTokens: readInt(env, 'PULSE_MAX_TOKENS', 1000, 100, 1_000_000),
    wsMaxSubscriptions: readInt(env, 'PULSE_WS_MAX_SUBSCRIPTIONS', 20, 1, 10_000),
    wsMaxMessageBytes: readInt(
      env,
      'PULSE_WS_MAX_MESSAGE_BYTES',
      64 * 1024,
      1024,
      100 * 1024 * 1024,
    ),
    introspection: readBoolean(env, 'PULSE_INTROSPECTION', true),
    corsOrigins: readOrigins(env, 'PULSE_CORS_ORIGINS'),
    rfmWindowDays: readInt(env, 'PULSE_RFM_WINDOW_DAYS', 365, 1, 3650),
    lifecycle: readLifecycle(env),
    reportingTimeZone: readTimeZone(env, 'PULSE_REPORTING_TIME_ZONE'),
    defaultPhoneRegion: readPhoneRegion(env, 'PULSE_DEFAULT_PHONE_REGION'),
    segmentRefreshMinutes: readMinutes(env, 'PULSE_SEGMENT_REFRESH_MINUTES', 60),
    segmentIngestionDebounceSeconds: readInt(
      env,
      'PULSE_SEGMENT_INGESTION_DEBOUNCE_SECONDS',
      30,
      0,
      86_400,
    ),
    kpiEvaluationMinutes: readMinutes(env, 'PULSE_KPI_EVALUATION_MINUTES', 15),
    experimentMonitorMinutes: readMinutes(env, 'PULSE_EXPERIMENT_MONITOR_MINUTES', 60),
    kpiHistoryMonths: readInt(env, 'PULSE_KPI_HISTORY_MONTHS', 18, 1, 120),
    kpiLateDataDays: readInt(env, 'PULSE_KPI_LATE_DATA_DAYS', 3, 0, 365),
    webhookMaxAttempts: readInt(env, 'PULSE_WEBHOOK_MAX_ATTEMPTS', 6, 1, 20),
    webhookAllowedNetworks: readNetworks(env, 'PULSE_WEBHOOK_ALLOWED_NETWORKS'),
    nbaHoldoutShare: readShare(env, 'PULSE_NBA_HOLDOUT_SHARE', 0.05),
    scoringMinutes: readMinutes(env, 'PULSE_SCORING_MINUTES', 1440),
    driftPsiThreshold: readShare(env, 'PULSE_DRIFT_PSI_THRESHOLD', 0.2),
    metricsToken: readSecret(env, 'PULSE_METRICS_TOKEN'),
    metricsMaxOperations: readInt(env, 'PULSE_METRICS_MAX_OPERATIONS', 100, 1, 10_000),
    slowRequestMs: readInt(env, 'PULSE_SLOW_REQUEST_MS', 1000, 1, 3_600_000),
  };
}

export function readDatabase(env: Env): DatabaseConfig {
  const url = env.DATABASE_URL ?? 'sqlite:data/pulse.sqlite';
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    if (path === '') {
      throw new Error(`DATABASE_URL sqlite: needs a file path or :memory:, got "${url}"`);
    }
    if (readReplicaUrls(env).length > 0) {
      throw new Error(
        `PULSE_DB_REPLICA_URLS needs a MySQL DATABASE_URL: SQLite lives in this process and has no replicas, got DATABASE_URL "${url}"`,
      );
    }

    return { type: 'sqlite', path };
  }
  const server = serverUrl(url);
  if (server) {
    // A mysql:// URL also goes through URL() when openDatabase asks the server whether it is
    // MariaDB; a password with an unencoded # ? or / breaks it there.
    checkCredentials('DATABASE_URL', url, server.flavor === 'mysql' && !URL.canParse(url));

    return {
      type: 'mysql',
      ...server,
      poolSize: readInt(env, 'PULSE_DB_POOL_SIZE', 10, 1, 500),
      statementTimeoutMs: readInt(env, 'PULSE_DB_STATEMENT_TIMEOUT_MS', 60_000, 0, DAY_MS),
      queueLimit: readInt(env, 'PULSE_DB_QUEUE_LIMIT', 100, 1, 100_000),
      replicaUrls: readReplicaUrls(env),
    };
  }
  throw new Error(
    `DATABASE_URL must be sqlite:PATH, mysql://user:pass@host:port/database or mariadb://…, got "${withoutPassword(url)}"`,
  );
}

/** A MySQL or MariaDB URL with a database name, as the driver takes it; null for anything else. */
function serverUrl(url: string): { flavor: 'mysql' | 'mariadb'; url: string } | null {
  // TypeORM reads MariaDB's catalog differently from MySQL's; the scheme says which it is
  // (`pulse` also detects MariaDB behind a mysql:// URL when it connects).
  const server = /^(mysql|mariadb):\/\/[^/]+\/\w+/.exec(url);

  return server
    ? { flavor: server[1] as 'mysql' | 'mariadb', url: url.replace(/^mariadb:/, 'mysql:') }
    : null;
}

/**
 * Refuses a server URL whose user name or password the drivers cannot read: both TypeORM and
 * mysql2 percent-decode them (a bare `%` fails with "URI malformed" when connecting), and
 * `unparsable` says the URL also fails where URL() reads it.
 */
function checkCredentials(name: string, url: string, unparsable: boolean): void {
  const authority = url.slice(url.indexOf('//') + 2).split('/')[0];
  const credentials = authority.slice(0, Math.max(authority.lastIndexOf('@'), 0));
  let decodable = true;
  try {
    decodeURIComponent(credentials);
  } catch {
    decodable = false;
  }
  if (!decodable || unparsable) {
    throw new Error(
      `${name} must percent-encode special characters in the user name and password (% as %25, # as %23, ? as %3F, / as %2F), got "${withoutPassword(url)}"`,
    );
  }
}

/** A comma-separated setting's items, trimmed; empty items (and an unset setting) give none. */
function readList(env: Env, name: string): string[] {
  return (env[name] ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

// Replicas copy the primary, so they share its flavor: only the URL of each is kept.
function readReplicaUrls(env: Env): string[] {
  const urls = readList(env, 'PULSE_DB_REPLICA_URLS');

  return urls.map((raw) => {
    const server = serverUrl(raw);
    if (!server) {
      throw new Error(
        `PULSE_DB_REPLICA_URLS must be comma-separated mysql://user:pass@host:port/database or mariadb://… URLs, got "${withoutPassword(raw)}"`,
      );
    }
    checkCredentials('PULSE_DB_REPLICA_URLS', raw, false);

    return server.url;
  });
}

/**
 * Each role's budget as COST/SECONDS, the form PULSE_RATE_LIMIT_<ROLE> takes. Every budget holds
 * at least two operations of the largest default cost (PULSE_MAX_COST, 10 000), so a single
 * allowed query always fits; people and the frontends they use (ADMIN, ANALYST) get ten times
 * what partners' exploration gets.
 */
export const DEFAULT_RATE_LIMITS: Record<Role, string> = {
  [Role.ADMIN]: '600000/60',
  [Role.ANALYST]: '600000/60',
  [Role.PARTNER]: '60000/60',
  [Role.ALERTS]: '20000/60',
};

function readRateLimits(env: Env): Record<Role, BucketPolicy> {
  const limits = {} as Record<Role, BucketPolicy>;
  for (const role of ROLES) {
    const name = `PULSE_RATE_LIMIT_${role}`;
    const raw = env[name] || DEFAULT_RATE_LIMITS[role];
    const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(raw);
    const capacity = Number(match?.[1]);
    const periodSeconds = Number(match?.[2]);
    if (!match || capacity < 1 || capacity > 1e9 || periodSeconds < 1 || periodSeconds > 86_400) {
      throw new Error(
        `${name} must be COST/SECONDS with COST from 1 to 1000000000 and SECONDS from 1 to 86400 (such as ${DEFAULT_RATE_LIMITS[role]}), got "${raw}"`,
      );
    }
    limits[role] = { capacity, periodSeconds };
  }

  return limits;
}

// Each stage must be reachable: NEW ends no later than ACTIVE, and ACTIVE before LAPSED.
function readLifecycle(env: Env): LifecycleThresholds {
  const thresholds = {
    newDays: readInt(env, 'PULSE_LIFECYCLE_NEW_DAYS', 30, 1, 3650),
    activeDays: readInt(env, 'PULSE_LIFECYCLE_ACTIVE_DAYS', 90, 1, 3650),
    lapsedDays: readInt(env, 'PULSE_LIFECYCLE_LAPSED_DAYS', 180, 1, 3650),
  };
  if (thresholds.newDays > thresholds.activeDays) {
    throw new Error(
      `PULSE_LIFECYCLE_NEW_DAYS must not exceed PULSE_LIFECYCLE_ACTIVE_DAYS (${thresholds.activeDays}), got "${thresholds.newDays}"`,
    );
  }
  if (thresholds.lapsedDays <= thresholds.activeDays) {
    throw new Error(
      `PULSE_LIFECYCLE_LAPSED_DAYS must exceed PULSE_LIFECYCLE_ACTIVE_DAYS (${thresholds.activeDays}), got "${thresholds.lapsedDays}"`,
    );
  }

  return thresholds;
}

function readTimeZone(env: Env, name: string): string {
  const raw = env[name];
  if (raw === undefined || raw === '') {
    return 'UTC';
  }
  if (!isTimeZone(raw)) {
    throw new Error(`${name} must be an IANA time zone such as Europe/Paris or UTC, got "${raw}"`);
  }

  return raw;
}

function readPhoneRegion(env: Env, name: string): CountryCode {
  const raw = env[name];
  if (raw === undefined || raw === '') {
    return 'GB';
  }
  if (!isPhoneRegion(raw)) {
    throw new Error(`${name} must be an ISO 3166-1 alpha-2 region such as GB or US, got "${raw}"`);
  }

  return raw;
}

function readRedisUrl(env: Env): string | null {
  const raw = env.REDIS_URL;
  if (raw === undefined || raw === '') {
    return null;
  }
  const url = URL.canParse(raw) ? new URL(raw) : null;
  if (
    !url ||
    !['redis:', 'rediss:'].includes(url.protocol) ||
    url.hostname === '' ||
    !/^\/?\d*$/.test(url.pathname)
  ) {
    throw new Error(
      `REDIS_URL must be redis://[user:password@]host[:port][/db] or rediss://…, got "${withoutPassword(raw)}"`,
    );
  }

  return raw;
}

// The password stays out of messages: start-up errors end up in logs. It runs to the last `@`,
// since a URL refused for a password with an unencoded `@` or `/` is exactly the one shown.
function withoutPassword(url: string): string {
  return url.replace(/\/\/([^:/@]*):.*@/, '//$1:***@');
}

function readSecret(env: Env, name: string): string | null {
  const secret = env[name];
  if (secret === undefined || secret === '') {
    return null;
  }
  // A short secret could be guessed; 16 characters of any alphabet is the floor.
  if (secret.length < 16) {
    throw new Error(`${name} must be at least 16 characters, got ${secret.length}`);
  }

  return secret;
}

// Exact origins only (scheme, host, port): a browser sends exactly that in its Origin header.
function readOrigins(env: Env, name: string): string[] {
  const origins = readList(env, name);
  for (const origin of origins) {
    if (origin !== '*' && (!URL.canParse(origin) || new URL(origin).origin !== origin)) {
      throw new Error(
        `${name} must be * or comma-separated origins such as https://app.example.com (no path or trailing slash), got "${origin}"`,
      );
    }
  }

  return origins;
}

function readNetworks(env: Env, name: string): string[] {
  const networks = readList(env, name);
  for (const network of networks) {
    if (!parseNetwork(network)) {
      throw new Error(
        `${name} must be comma-separated IP networks or addresses such as 10.0.0.0/8,fd00::/8,127.0.0.1, got "${network}"`,
      );
    }
  }

  return networks;
}

function readInt(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') {
    return fallback;
  }
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw.trim()) || value < min || value > max) {
    throw new Error(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }

  return value;
}

/**
 * A job interval in minutes, decimals allowed (0.5 = 30 s): tests of jobs across instances need
 * periods of seconds. At most a week; 0 switches the schedule off.
 */
function readMinutes(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') {
    return fallback;
  }
  const value = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw.trim()) || value > 10_080 || (value > 0 && value < 0.01)) {
    throw new Error(
      `${name} must be 0 or a number of minutes between 0.01 and 10080, got "${raw}"`,
    );
  }

  return value;
}

function readShare(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') {
    return fallback;
  }
  const value = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw.trim()) || value > 1) {
    throw new Error(`${name} must be a number between 0 and 1, got "${raw}"`);
  }

  return value;
}

function readBoolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') {
    return fallback;
  }
  if (['true', '1', 'yes'].includes(raw.toLowerCase())) {
    return true;
  }
  if (['false', '0', 'no'].includes(raw.toLowerCase())) {
    return false;
  }
  throw new Error(`${name} must be true or false, got "${raw}"`);
}

function readEnum<T extends string>(env: Env, name: string, values: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') {
    return fallback;
  }
  if (!(values as readonly string[]).includes(raw)) {
    throw new Error(`${name} must be one of ${values.join(', ')}, got "${raw}"`);
  }

  return raw as T;
}
