import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import { bearerToken } from '../auth/api-key-hash';
import { GraphQLError } from 'graphql';
import type { Principal } from '../auth/principal';
import { databaseFault } from '../db/faults';
import { createContext, type PulseContext, type RequestTrace } from '../graphql/context';
import { checkBatch, checkTokens, type LimitsOptions } from '../graphql/limits';
import type { LoaderOptions } from '../db/loaders';
import { withSqlScope } from '../db/sql-log';
import { PulseError } from '../errors';
import { errorForLog, type Log } from '../log';
import type { Metrics } from '../observability/metrics';
import type { Services } from '../services';
import { BodyTooLargeError, readBody } from './body';
import { corsHeaders } from './cors';
import { type Health, healthHandler } from './health';
import { createPlayground, PLAYGROUND_ASSETS_PATH } from './playground';

export interface HttpHandlerOptions {
  apollo: ApolloServer<PulseContext>;
  services: Services;
  health: Health;
  log: Log;
  maxBodyBytes: number;
  loaderOptions: LoaderOptions;
  /** Batch and token limits, checked here before Apollo parses anything. */
  limits: Pick<LimitsOptions, 'maxBatch' | 'maxTokens'>;
  /** Origins allowed by CORS (`*` = any); empty = no CORS headers. */
  corsOrigins: readonly string[];
  metrics: Metrics;
  /** When set, GET /metrics needs `Authorization: Bearer <token>`. */
  metricsToken: string | null;
  /** Requests slower than this are logged as warnings. */
  slowRequestMs: number;
}

/** Compares in constant time (of the digests), so timing tells nothing about the secret. */
function sameSecret(given: string | null, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();

  return given !== null && timingSafeEqual(digest(given), digest(expected));
}

/** What a request's log line says beyond the request itself: who called, and what ran. */
interface RequestLog extends RequestTrace {
  keyId: number | null;
}

/**
 * Node's own HTTP handler in front of Apollo (the shape of @apollo/server/standalone without
 * Express, which cost about 30 % of throughput here): health endpoints, the playground page,
 * and GraphQL at /graphql with a body size limit.
 */
export function createHttpHandler(options: HttpHandlerOptions) {
  const { apollo, services, log } = options;
  const health = healthHandler(options.health);
  const playground = createPlayground();

  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const started = process.hrtime.bigint();
    const requestId = headerValue(request, 'x-request-id') ?? randomUUID();
    response.setHeader('x-request-id', requestId);
    const preflight = request.method === 'OPTIONS';
    for (const [name, value] of Object.entries(
      corsHeaders(options.corsOrigins, headerValue(request, 'origin'), preflight),
    )) {
      response.setHeader(name, value);
    }
    const url = new URL(request.url ?? '/', 'http://pulse.local');
    const trace: RequestLog = { operations: [], keyId: null };
    // Every statement this request causes is counted in its scope, for the log line.
    const { scope, result } = withSqlScope(() => route(request, response, url, requestId, trace));
    await result;
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const slow = ms > options.slowRequestMs;
    log[slow ? 'warn' : 'info'](slow ? 'slow request' : 'request', {
      requestId,
      method: request.method,
      path: url.pathname,
      status: response.statusCode,
      ...(trace.keyId === null ? {} : { keyId: trace.keyId }),
      ...(trace.operations.length === 0 ? {} : { operations: trace.operations }),
      ms,
      statements: scope.statements,
    });
  };

  async function route(
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    requestId: string,
    trace: RequestLog,
  ) {
    try {
      if (request.method === 'OPTIONS') {
        response.writeHead(204).end();

        return;
      }
      if (url.pathname === '/healthz' || url.pathname === '/readyz') {
        await health(url.pathname, response);

        return;
      }
      if (url.pathname === '/metrics' && request.method === 'GET') {
        await serveMetrics(request, response);

        return;
      }
      if (request.method === 'GET' && url.pathname.startsWith(PLAYGROUND_ASSETS_PATH)) {
        await playground.asset(response, url.pathname.slice(PLAYGROUND_ASSETS_PATH.length));

        return;
      }
      if (url.pathname !== '/graphql') {
        sendJson(response, 404, { error: 'Not found: GraphQL is served at /graphql' });

        return;
      }
      if (request.method === 'GET' && !url.search && acceptsHtml(request)) {
        await playground.page(response);

        return;
      }
      await serveGraphql(request, response, url, requestId, trace);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        sendGraphqlError(
          response,
          413,
          `Request body exceeds ${options.maxBodyBytes} bytes`,
          'PAYLOAD_TOO_LARGE',
        );
      } else if (error instanceof PulseError) {
        sendJson(response, 400, {
          errors: [{ message: error.message, extensions: { code: error.code, ...error.details } }],
        });
      } else if (error instanceof SyntaxError) {
        sendGraphqlError(response, 400, `Malformed JSON body: ${error.message}`, 'BAD_REQUEST');
      } else {
        log.error('request failed', { requestId, error: errorForLog(error) });
        if (!response.headersSent) {
          sendGraphqlError(response, 500, 'Internal server error', 'INTERNAL_SERVER_ERROR');
        }
      }
    }
  }

  async function serveGraphql(
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    requestId: string,
    trace: RequestLog,
  ) {
    const text = request.method === 'POST' ? await readBody(request, options.maxBodyBytes) : '';
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) {
        headers.set(name, Array.isArray(value) ? value.join(', ') : value);
      }
    }
    const isJson = headers.get('content-type')?.includes('application/json') ?? false;
    const body: unknown =
      request.method === 'POST' && isJson && text !== '' ? JSON.parse(text) : text;
    checkOperations(body, url);
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: request.method ?? 'GET', headers, search: url.search, body },
      context: async () => {
        const principal = await authenticate(services, headers.get('authorization')).catch(
          unavailableIfDatabaseFault,
        );
        trace.keyId = principal?.keyId ?? null;

        return createContext(services, principal, requestId, options.loaderOptions, trace);
      },
    });
    // Answers carry personal data: no shared or browser cache may keep them.
    response.setHeader('cache-control', 'no-store');
    for (const [name, value] of result.headers) {
      response.setHeader(name, value);
    }
    response.statusCode = result.status ?? 200;
    // The operations of a batch share one status and one Retry-After. 429 says that nothing
    // ran, so a batch gets it only when every operation was refused (otherwise a client that
    // resends it on 429 runs the others twice), and Retry-After is the longest wait, after which
    // every refused operation fits.
    const limited = trace.rateLimited;
    if (limited) {
      response.setHeader('retry-after', String(limited.retryAfterSeconds));
      const operations = Array.isArray(body) ? body.length : 1;
      if (response.statusCode === 429 && limited.count < operations) {
        response.statusCode = 200;
      }
    }
    if (result.body.kind === 'complete') {
      response.end(result.body.string);

      return;
    }
    for await (const chunk of result.body.asyncIterator) {
      response.write(chunk);
    }
    response.end();
  }

  // Scrapers send a static bearer token, not an API key: metrics name no customer, and a
  // Prometheus server should not need a key that could also query data.
  async function serveMetrics(request: IncomingMessage, response: ServerResponse) {
    const expected = options.metricsToken;
    if (expected !== null && !sameSecret(bearerToken(request.headers.authorization), expected)) {
      response.setHeader('www-authenticate', 'Bearer');
      sendJson(response, 401, {
        error: 'GET /metrics needs Authorization: Bearer <PULSE_METRICS_TOKEN>',
      });

      return;
    }
    const { contentType, body } = await options.metrics.scrape();
    response.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
    response.end(body);
  }

  // Before Apollo: it runs every operation of a batch, and parses before any plugin can answer
  // with a coded error. Malformed requests pass through for Apollo to refuse.
  function checkOperations(body: unknown, url: URL): void {
    const operations = Array.isArray(body) ? body : [body];
    checkBatch(operations.length, options.limits.maxBatch);
    for (const operation of operations) {
      const query =
        typeof operation === 'object' && operation !== null
          ? (operation as { query?: unknown }).query
          : url.searchParams.get('query');
      if (typeof query === 'string') {
        checkTokens(query, options.limits.maxTokens);
      }
    }
  }
}

/** The principal behind an `Authorization: Bearer` value, or null without a valid key. */
export async function authenticate(
  services: Services,
  authorization: string | undefined | null,
): Promise<Principal | null> {
  const key = bearerToken(authorization);

  return key ? services.apiKeys.authenticate(key) : null;
}

/**
 * A key lookup that failed on the database fails the request with 503 and the fault's code:
 * Apollo answers a failed context with 500 and a generic message otherwise, and a load
 * balancer should read this as "try another instance", not as a bug.
 */
function unavailableIfDatabaseFault(error: unknown): never {
  const fault = databaseFault(error);
  if (!fault) {
    throw error;
  }
  throw new GraphQLError(fault.message, {
    extensions: { code: fault.code, http: { status: 503 } },
  });
}

function headerValue(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];

  return Array.isArray(value) ? value[0] : value;
}

function acceptsHtml(request: IncomingMessage): boolean {
  return (request.headers.accept ?? '').includes('text/html');
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

function sendGraphqlError(
  response: ServerResponse,
  status: number,
  message: string,
  code: string,
): void {
  sendJson(response, status, { errors: [{ message, extensions: { code } }] });
}
