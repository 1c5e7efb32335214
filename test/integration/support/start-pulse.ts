import { randomBytes } from 'node:crypto';
import { loadConfig, type Config } from '../../../src/config';
import { Role } from '../../../src/auth/principal';
import { scopedSqlStatements, withSqlScope } from '../../../src/db/sql-log';
import { createLog, type Log } from '../../../src/log';
import { startPulse, type PulseApp } from '../../../src/server/app';
import { freshDatabase } from '../../support/mariadb-server';

export type Dialect = 'sqlite' | 'mysql';

export interface GraphqlResponse<T = Record<string, unknown>> {
  status: number;
  /** Response headers (HTTP only). */
  headers?: Headers;
  data?: T;
  errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, unknown> }>;
}

/** A Pulse server started for a test file, with one key per role. */
export interface TestPulse {
  dialect: Dialect;
  app: PulseApp;
  url: string;
  keys: Record<Role, string>;
  /** POSTs an operation over real HTTP, as ADMIN unless another role or key is given. */
  query<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    as?: { role?: Role; key?: string | null },
  ): Promise<GraphqlResponse<T>>;
  /** SQL statements the server ran for requests while `work` ran (one process serves and tests). */
  countStatements<T>(work: () => Promise<T>): Promise<{ result: T; statements: number }>;
  stop(): Promise<void>;
}

export function mysqlAvailable(): boolean {
  return Boolean(process.env.TEST_MYSQL_URL);
}

export async function startTestPulse(
  dialect: Dialect,
  overrides: Partial<Config> = {},
  /** Where the server logs; by default at `overrides.logLevel` (silent) to stdout. */
  log?: Log,
): Promise<TestPulse> {
  const database: Config['database'] =
    dialect === 'sqlite'
      ? { type: 'sqlite', path: ':memory:' }
      : {
          type: 'mysql',
          flavor: 'mysql',
          url: await freshDatabase(
            process.env.TEST_MYSQL_URL as string,
            `pulse_${randomBytes(4).toString('hex')}`,
          ),
          poolSize: 10,
        };
  // Defaults of every setting, as an environment without PULSE_* variables gives them.
  const config: Config = {
    ...loadConfig({}),
    nodeEnv: 'test',
    port: 0,
    host: '127.0.0.1',
    database,
    seedDemo: false,
    logLevel: 'silent',
    shutdownTimeoutMs: 2000,
    // Nothing routes to a test server: it can stop at once.
    shutdownDrainMs: 0,
    // A refresh triggered by a test's ingestion would run in the middle of later tests (and of
    // their statement counts); tests of that refresh switch it on.
    segmentIngestionDebounceSeconds: 0,
    ...overrides,
  };
  const app = await startPulse(config, { log: log ?? createLog(config.logLevel) });
  const keys = {} as Record<Role, string>;
  for (const role of Object.values(Role)) {
    keys[role] = (await app.services.apiKeys.create(role, `test ${role}`)).key;
  }

  return {
    dialect,
    app,
    url: app.url,
    keys,
    async query(query, variables = {}, as = {}) {
      const key = as.key === undefined ? keys[as.role ?? Role.ADMIN] : as.key;
      const response = await fetch(app.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(key ? { authorization: `Bearer ${key}` } : {}),
        },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as Omit<GraphqlResponse, 'status'>;

      return {
        status: response.status,
        headers: response.headers,
        ...body,
      } as GraphqlResponse<never>;
    },
    async countStatements(work) {
      const before = scopedSqlStatements();
      // Work the test does itself (a service called directly) counts as one more request.
      const result = await withSqlScope(work).result;

      return { result, statements: scopedSqlStatements() - before };
    },
    stop: () => app.stop(),
  };
}
