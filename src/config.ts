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
  /** How long an API key lookup is reused in this process (0 = every request). Defaults to 10 s. */
  keyCacheSeconds: number;
}

export type DatabaseConfig =
  | { type: 'sqlite'; path: string }
  | { type: 'mysql'; flavor: 'mysql' | 'mariadb'; url: string; poolSize: number };

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): Config {
  return {
    nodeEnv: env.NODE_ENV ?? 'production',
    port: readInt(env, 'PORT', 4000, 0, 65535),
    host: env.HOST ?? '0.0.0.0',
    database: readDatabase(env),
    adminKey: readAdminKey(env),
    seedDemo: readBoolean(env, 'PULSE_SEED_DEMO', true),
    logLevel: readEnum(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    maxPageSize: readInt(env, 'PULSE_MAX_PAGE_SIZE', 100, 1, 1000),
    maxBodyBytes: readInt(env, 'PULSE_MAX_BODY_BYTES', 5 * 1024 * 1024, 1024, 100 * 1024 * 1024),
    shutdownTimeoutMs: readInt(env, 'PULSE_SHUTDOWN_TIMEOUT_MS', 10_000, 0, 120_000),
    keyCacheSeconds: readInt(env, 'PULSE_KEY_CACHE_SECONDS', 10, 0, 3600),
  };
}

export function readDatabase(env: Env): DatabaseConfig {
  const url = env.DATABASE_URL ?? 'sqlite:data/pulse.sqlite';
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    if (path === '') {
      throw new Error(`DATABASE_URL sqlite: needs a file path or :memory:, got "${url}"`);
    }

    return { type: 'sqlite', path };
  }
  const server = /^(mysql|mariadb):\/\/[^/]+\/\w+/.exec(url);
  if (server) {
    // TypeORM reads MariaDB's catalog differently from MySQL's; the scheme says which it is
    // (`pulse` also detects MariaDB behind a mysql:// URL when it connects).
    const flavor = server[1] as 'mysql' | 'mariadb';
    const poolSize = readInt(env, 'PULSE_DB_POOL_SIZE', 10, 1, 500);

    return { type: 'mysql', flavor, url: url.replace(/^mariadb:/, 'mysql:'), poolSize };
  }
  throw new Error(
    `DATABASE_URL must be sqlite:PATH, mysql://user:pass@host:port/database or mariadb://…, got "${url}"`,
  );
}

function readAdminKey(env: Env): string | null {
  const key = env.PULSE_ADMIN_KEY;
  if (key === undefined || key === '') {
    return null;
  }
  // A short admin key could be guessed; 16 characters of any alphabet is the floor.
  if (key.length < 16) {
    throw new Error(`PULSE_ADMIN_KEY must be at least 16 characters, got ${key.length}`);
  }

  return key;
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
