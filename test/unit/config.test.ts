import { loadConfig } from '../../src/config';

describe('loadConfig', () => {
  it('seeds the public demo keys by default on SQLite only, and on MySQL only when asked', () => {
    const mysql = 'mysql://pulse:secret@db:3306/pulse';
    expect(loadConfig({}).seedDemo).toBe(true);
    expect(loadConfig({ DATABASE_URL: mysql }).seedDemo).toBe(false);
    expect(loadConfig({ DATABASE_URL: mysql, PULSE_SEED_DEMO: 'true' }).seedDemo).toBe(true);
    expect(loadConfig({ PULSE_SEED_DEMO: 'false' }).seedDemo).toBe(false);
  });

  it('uses the documented defaults when the environment is empty', () => {
    expect(loadConfig({})).toMatchObject({
      port: 4000,
      host: '0.0.0.0',
      database: { type: 'sqlite', path: 'data/pulse.sqlite' },
      adminKey: null,
      seedDemo: true,
      logLevel: 'info',
      maxPageSize: 100,
      maxBodyBytes: 5 * 1024 * 1024,
      keyCacheSeconds: 10,
      redisUrl: null,
      rateLimits: {
        ADMIN: { capacity: 600_000, periodSeconds: 60 },
        ANALYST: { capacity: 600_000, periodSeconds: 60 },
        PARTNER: { capacity: 60_000, periodSeconds: 60 },
        ALERTS: { capacity: 20_000, periodSeconds: 60 },
      },
      maxDepth: 8,
      maxCost: 10_000,
      maxAliases: 15,
      maxRootFields: 10,
      maxBatch: 10,
      maxTokens: 1000,
      wsMaxSubscriptions: 20,
      wsMaxMessageBytes: 64 * 1024,
      introspection: true,
      corsOrigins: [],
      segmentRefreshMinutes: 60,
      segmentIngestionDebounceSeconds: 30,
      rfmWindowDays: 365,
      lifecycle: { newDays: 30, activeDays: 90, lapsedDays: 180 },
      reportingTimeZone: 'UTC',
      webhookMaxAttempts: 6,
      webhookAllowedNetworks: [],
      shutdownDrainMs: 5000,
      metricsToken: null,
      metricsMaxOperations: 100,
      slowRequestMs: 1000,
    });
  });

  it('reads job intervals in minutes, decimals allowed', () => {
    expect(
      loadConfig({ PULSE_KPI_EVALUATION_MINUTES: '0.05', PULSE_SCORING_MINUTES: '90' }),
    ).toMatchObject({ kpiEvaluationMinutes: 0.05, scoringMinutes: 90 });
  });

  it('reads the metrics token, the operation-name cap and the slow-request threshold', () => {
    expect(
      loadConfig({
        PULSE_METRICS_TOKEN: 'scrape-token-0123456789',
        PULSE_METRICS_MAX_OPERATIONS: '20',
        PULSE_SLOW_REQUEST_MS: '250',
      }),
    ).toMatchObject({
      metricsToken: 'scrape-token-0123456789',
      metricsMaxOperations: 20,
      slowRequestMs: 250,
    });
  });

  it('reads the networks alert webhooks may reach besides public addresses', () => {
    expect(
      loadConfig({ PULSE_WEBHOOK_ALLOWED_NETWORKS: ' 10.0.0.0/8, fd00::/8,127.0.0.1 ,' }),
    ).toMatchObject({ webhookAllowedNetworks: ['10.0.0.0/8', 'fd00::/8', '127.0.0.1'] });
  });

  it.each(['10.0.0.0/33', 'cluster.local', '10.0.0.0/8;192.168.0.0/16', '::/129'])(
    'refuses PULSE_WEBHOOK_ALLOWED_NETWORKS=%s, naming the variable',
    (value) => {
      expect(() => loadConfig({ PULSE_WEBHOOK_ALLOWED_NETWORKS: value })).toThrow(
        /^PULSE_WEBHOOK_ALLOWED_NETWORKS must be comma-separated IP networks/,
      );
    },
  );

  it('reads the attempts per alert webhook delivery', () => {
    expect(loadConfig({ PULSE_WEBHOOK_MAX_ATTEMPTS: '3' })).toMatchObject({
      webhookMaxAttempts: 3,
    });
  });

  it('reads the RFM window, lifecycle thresholds and reporting time zone', () => {
    expect(
      loadConfig({
        PULSE_RFM_WINDOW_DAYS: '730',
        PULSE_LIFECYCLE_NEW_DAYS: '14',
        PULSE_LIFECYCLE_ACTIVE_DAYS: '60',
        PULSE_LIFECYCLE_LAPSED_DAYS: '61',
        PULSE_REPORTING_TIME_ZONE: 'Europe/Paris',
      }),
    ).toMatchObject({
      rfmWindowDays: 730,
      lifecycle: { newDays: 14, activeDays: 60, lapsedDays: 61 },
      reportingTimeZone: 'Europe/Paris',
    });
  });

  it('reads the segment refresh schedule and ingestion debounce, 0 switching each off', () => {
    expect(
      loadConfig({
        PULSE_SEGMENT_REFRESH_MINUTES: '0',
        PULSE_SEGMENT_INGESTION_DEBOUNCE_SECONDS: '5',
      }),
    ).toMatchObject({ segmentRefreshMinutes: 0, segmentIngestionDebounceSeconds: 5 });
  });

  it('reads query limits, introspection and CORS origins', () => {
    expect(
      loadConfig({
        PULSE_MAX_DEPTH: '12',
        PULSE_MAX_COST: '20000',
        PULSE_MAX_ALIASES: '0',
        PULSE_MAX_ROOT_FIELDS: '3',
        PULSE_MAX_BATCH: '1',
        PULSE_MAX_TOKENS: '5000',
        PULSE_WS_MAX_SUBSCRIPTIONS: '5',
        PULSE_WS_MAX_MESSAGE_BYTES: '1024',
        PULSE_INTROSPECTION: 'false',
        PULSE_CORS_ORIGINS: ' https://app.example.com, http://localhost:3000 ,',
      }),
    ).toMatchObject({
      maxDepth: 12,
      maxCost: 20_000,
      maxAliases: 0,
      maxRootFields: 3,
      maxBatch: 1,
      maxTokens: 5000,
      wsMaxSubscriptions: 5,
      wsMaxMessageBytes: 1024,
      introspection: false,
      corsOrigins: ['https://app.example.com', 'http://localhost:3000'],
    });
    expect(loadConfig({ PULSE_CORS_ORIGINS: '*' }).corsOrigins).toEqual(['*']);
  });

  it('reads a Redis URL and per-role rate limits as COST/SECONDS', () => {
    const config = loadConfig({
      REDIS_URL: 'rediss://pulse:secret@cache.internal:6380/2',
      PULSE_RATE_LIMIT_PARTNER: '500/10',
      PULSE_RATE_LIMIT_ALERTS: ' 20 / 1 ',
    });
    expect(config.redisUrl).toBe('rediss://pulse:secret@cache.internal:6380/2');
    expect(config.rateLimits).toMatchObject({
      PARTNER: { capacity: 500, periodSeconds: 10 },
      ALERTS: { capacity: 20, periodSeconds: 1 },
    });
  });

  it('reads a MySQL and a MariaDB URL, normalising the scheme for the driver', () => {
    expect(loadConfig({ DATABASE_URL: 'mysql://u:p@db:3306/pulse' }).database).toEqual({
      type: 'mysql',
      flavor: 'mysql',
      url: 'mysql://u:p@db:3306/pulse',
      poolSize: 10,
      statementTimeoutMs: 60_000,
      queueLimit: 100,
      replicaUrls: [],
    });
    expect(
      loadConfig({
        DATABASE_URL: 'mariadb://u:p@db/pulse',
        PULSE_DB_POOL_SIZE: '4',
        PULSE_DB_STATEMENT_TIMEOUT_MS: '0',
        PULSE_DB_QUEUE_LIMIT: '8',
      }).database,
    ).toEqual({
      type: 'mysql',
      flavor: 'mariadb',
      url: 'mysql://u:p@db/pulse',
      poolSize: 4,
      statementTimeoutMs: 0,
      queueLimit: 8,
      replicaUrls: [],
    });
  });

  it('takes percent-encoded passwords, and an unencoded @, which the drivers read', () => {
    for (const url of ['mysql://pulse:50%25off%23@db:3306/pulse', 'mysql://pulse:p@ss@db/pulse']) {
      expect(loadConfig({ DATABASE_URL: url }).database).toMatchObject({ url });
    }
  });

  it('reads replica URLs, trimmed, normalising the scheme as for DATABASE_URL', () => {
    expect(
      loadConfig({
        DATABASE_URL: 'mysql://u:p@primary/pulse',
        PULSE_DB_REPLICA_URLS: ' mysql://r:p@replica-1:3306/pulse, mariadb://r:p@replica-2/pulse ,',
      }).database,
    ).toMatchObject({
      url: 'mysql://u:p@primary/pulse',
      replicaUrls: ['mysql://r:p@replica-1:3306/pulse', 'mysql://r:p@replica-2/pulse'],
    });
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT must be an integer between 0 and 65535, got "abc"'],
    [{ PORT: '70000' }, 'PORT must be an integer between 0 and 65535, got "70000"'],
    [
      { PULSE_MAX_PAGE_SIZE: '0' },
      'PULSE_MAX_PAGE_SIZE must be an integer between 1 and 1000, got "0"',
    ],
    [
      { LOG_LEVEL: 'loud' },
      'LOG_LEVEL must be one of debug, info, warn, error, silent, got "loud"',
    ],
    [{ PULSE_SEED_DEMO: 'maybe' }, 'PULSE_SEED_DEMO must be true or false, got "maybe"'],
    [{ PULSE_ADMIN_KEY: 'short' }, 'PULSE_ADMIN_KEY must be at least 16 characters, got 5'],
    [{ PULSE_METRICS_TOKEN: 'abc' }, 'PULSE_METRICS_TOKEN must be at least 16 characters, got 3'],
    [
      { PULSE_METRICS_MAX_OPERATIONS: '0' },
      'PULSE_METRICS_MAX_OPERATIONS must be an integer between 1 and 10000, got "0"',
    ],
    [
      { DATABASE_URL: 'postgres://x/y' },
      'DATABASE_URL must be sqlite:PATH, mysql://user:pass@host:port/database or mariadb://…, got "postgres://x/y"',
    ],
    // Start-up errors end up in logs: a refused URL is shown without its password.
    [
      { DATABASE_URL: 'postgres://pulse:s3cret-pw@db/pulse' },
      'DATABASE_URL must be sqlite:PATH, mysql://user:pass@host:port/database or mariadb://…, got "postgres://pulse:***@db/pulse"',
    ],
    // The drivers percent-decode the user name and password, and mysql:// URLs go through
    // URL() to detect MariaDB: these failed at connect time with "URI malformed" or "Invalid URL".
    [
      { DATABASE_URL: 'mysql://pulse:50%zz@db:3306/pulse' },
      'DATABASE_URL must percent-encode special characters in the user name and password (% as %25, # as %23, ? as %3F, / as %2F), got "mysql://pulse:***@db:3306/pulse"',
    ],
    [
      { DATABASE_URL: 'mysql://pulse:pa#ss@db:3306/pulse' },
      'DATABASE_URL must percent-encode special characters in the user name and password (% as %25, # as %23, ? as %3F, / as %2F), got "mysql://pulse:***@db:3306/pulse"',
    ],
    [
      {
        DATABASE_URL: 'mysql://u:p@primary/pulse',
        PULSE_DB_REPLICA_URLS: 'mysql://r:100%@replica/pulse',
      },
      'PULSE_DB_REPLICA_URLS must percent-encode special characters in the user name and password (% as %25, # as %23, ? as %3F, / as %2F), got "mysql://r:***@replica/pulse"',
    ],
    [
      { DATABASE_URL: 'mysql://pulse:s3cret@pw@db:3306' },
      'DATABASE_URL must be sqlite:PATH, mysql://user:pass@host:port/database or mariadb://…, got "mysql://pulse:***@db:3306"',
    ],
    [
      { DATABASE_URL: 'sqlite:' },
      'DATABASE_URL sqlite: needs a file path or :memory:, got "sqlite:"',
    ],
    [
      { PULSE_DB_REPLICA_URLS: 'mysql://r:p@replica/pulse' },
      'PULSE_DB_REPLICA_URLS needs a MySQL DATABASE_URL: SQLite lives in this process and has no replicas, got DATABASE_URL "sqlite:data/pulse.sqlite"',
    ],
    [
      {
        DATABASE_URL: 'mysql://u:p@primary/pulse',
        PULSE_DB_REPLICA_URLS: 'mysql://r:p@replica/pulse,postgres://r:secret@other/pulse',
      },
      'PULSE_DB_REPLICA_URLS must be comma-separated mysql://user:pass@host:port/database or mariadb://… URLs, got "postgres://r:***@other/pulse"',
    ],
    [
      { DATABASE_URL: 'mysql://u:p@primary/pulse', PULSE_DB_REPLICA_URLS: 'mysql://replica:3306' },
      'PULSE_DB_REPLICA_URLS must be comma-separated mysql://user:pass@host:port/database or mariadb://… URLs, got "mysql://replica:3306"',
    ],
    [
      { PULSE_RATE_LIMIT_PARTNER: '500' },
      'PULSE_RATE_LIMIT_PARTNER must be COST/SECONDS with COST from 1 to 1000000000 and SECONDS from 1 to 86400 (such as 60000/60), got "500"',
    ],
    [
      { PULSE_RATE_LIMIT_ADMIN: '0/60' },
      'PULSE_RATE_LIMIT_ADMIN must be COST/SECONDS with COST from 1 to 1000000000 and SECONDS from 1 to 86400 (such as 600000/60), got "0/60"',
    ],
    [
      { PULSE_RATE_LIMIT_ALERTS: '100/1m' },
      'PULSE_RATE_LIMIT_ALERTS must be COST/SECONDS with COST from 1 to 1000000000 and SECONDS from 1 to 86400 (such as 20000/60), got "100/1m"',
    ],
    [
      { PULSE_RATE_LIMIT_ANALYST: '100/86401' },
      'PULSE_RATE_LIMIT_ANALYST must be COST/SECONDS with COST from 1 to 1000000000 and SECONDS from 1 to 86400 (such as 600000/60), got "100/86401"',
    ],
    [
      { REDIS_URL: 'localhost:6379' },
      'REDIS_URL must be redis://[user:password@]host[:port][/db] or rediss://…, got "localhost:6379"',
    ],
    [
      { REDIS_URL: 'http://cache:6379' },
      'REDIS_URL must be redis://[user:password@]host[:port][/db] or rediss://…, got "http://cache:6379"',
    ],
    [
      { REDIS_URL: 'redis://pulse:secret@cache:6379/main' },
      'REDIS_URL must be redis://[user:password@]host[:port][/db] or rediss://…, got "redis://pulse:***@cache:6379/main"',
    ],
    [{ PULSE_MAX_DEPTH: '0' }, 'PULSE_MAX_DEPTH must be an integer between 1 and 100, got "0"'],
    [
      { PULSE_MAX_COST: '5k' },
      'PULSE_MAX_COST must be an integer between 1 and 10000000, got "5k"',
    ],
    [
      { PULSE_MAX_ALIASES: '-1' },
      'PULSE_MAX_ALIASES must be an integer between 0 and 1000, got "-1"',
    ],
    [
      { PULSE_MAX_ROOT_FIELDS: '0' },
      'PULSE_MAX_ROOT_FIELDS must be an integer between 1 and 1000, got "0"',
    ],
    [{ PULSE_MAX_BATCH: '0' }, 'PULSE_MAX_BATCH must be an integer between 1 and 1000, got "0"'],
    [
      { PULSE_MAX_TOKENS: '99' },
      'PULSE_MAX_TOKENS must be an integer between 100 and 1000000, got "99"',
    ],
    [
      { PULSE_WS_MAX_SUBSCRIPTIONS: '0' },
      'PULSE_WS_MAX_SUBSCRIPTIONS must be an integer between 1 and 10000, got "0"',
    ],
    [
      { PULSE_WS_MAX_MESSAGE_BYTES: '512' },
      'PULSE_WS_MAX_MESSAGE_BYTES must be an integer between 1024 and 104857600, got "512"',
    ],
    [{ PULSE_INTROSPECTION: 'off' }, 'PULSE_INTROSPECTION must be true or false, got "off"'],
    [
      { PULSE_CORS_ORIGINS: 'https://app.example.com/' },
      'PULSE_CORS_ORIGINS must be * or comma-separated origins such as https://app.example.com (no path or trailing slash), got "https://app.example.com/"',
    ],
    [
      { PULSE_CORS_ORIGINS: 'https://ok.example.com,app.example.com' },
      'PULSE_CORS_ORIGINS must be * or comma-separated origins such as https://app.example.com (no path or trailing slash), got "app.example.com"',
    ],
    [
      { PULSE_SEGMENT_REFRESH_MINUTES: '-5' },
      'PULSE_SEGMENT_REFRESH_MINUTES must be 0 or a number of minutes between 0.01 and 10080, got "-5"',
    ],
    [
      { PULSE_KPI_EVALUATION_MINUTES: '0.001' },
      'PULSE_KPI_EVALUATION_MINUTES must be 0 or a number of minutes between 0.01 and 10080, got "0.001"',
    ],
    [
      { PULSE_SEGMENT_INGESTION_DEBOUNCE_SECONDS: '1.5' },
      'PULSE_SEGMENT_INGESTION_DEBOUNCE_SECONDS must be an integer between 0 and 86400, got "1.5"',
    ],
    [
      { PULSE_WEBHOOK_MAX_ATTEMPTS: '0' },
      'PULSE_WEBHOOK_MAX_ATTEMPTS must be an integer between 1 and 20, got "0"',
    ],
    [
      { PULSE_RFM_WINDOW_DAYS: '0' },
      'PULSE_RFM_WINDOW_DAYS must be an integer between 1 and 3650, got "0"',
    ],
    [
      { PULSE_LIFECYCLE_ACTIVE_DAYS: 'ninety' },
      'PULSE_LIFECYCLE_ACTIVE_DAYS must be an integer between 1 and 3650, got "ninety"',
    ],
    [
      { PULSE_LIFECYCLE_NEW_DAYS: '100' },
      'PULSE_LIFECYCLE_NEW_DAYS must not exceed PULSE_LIFECYCLE_ACTIVE_DAYS (90), got "100"',
    ],
    [
      { PULSE_LIFECYCLE_LAPSED_DAYS: '90' },
      'PULSE_LIFECYCLE_LAPSED_DAYS must exceed PULSE_LIFECYCLE_ACTIVE_DAYS (90), got "90"',
    ],
    [
      { PULSE_REPORTING_TIME_ZONE: 'Mars/Olympus' },
      'PULSE_REPORTING_TIME_ZONE must be an IANA time zone such as Europe/Paris or UTC, got "Mars/Olympus"',
    ],
  ])('refuses %j with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});
