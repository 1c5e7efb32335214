import type { Server } from 'node:http';
import {
  type ExecutionArgs,
  getOperationAST,
  GraphQLError,
  type GraphQLFormattedError,
  type GraphQLSchema,
  NoSchemaIntrospectionCustomRule,
  parse,
  specifiedRules,
  validate,
} from 'graphql';
import { CloseCode, type SubscribePayload } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Principal } from '../auth/principal';
import type { LoaderOptions } from '../db/loaders';
import { PulseError } from '../errors';
import { createContext, type PulseContext } from '../graphql/context';
import {
  checkLimits,
  checkSubscriptions,
  checkTokens,
  type LimitsOptions,
} from '../graphql/limits';
import { chargeCost, rateLimitError } from '../graphql/rate-budget';
import type { Metrics } from '../observability/metrics';
import { errorCode } from '../observability/metrics.plugin';
import type { RateLimiter } from '../ratelimit/rate-limiter';
import type { Services } from '../services';
import { authenticate } from './http-server';

export interface WsOptions {
  httpServer: Server;
  schema: GraphQLSchema;
  services: Services;
  loaderOptions: LoaderOptions;
  /** Largest message accepted; a larger one closes the socket with 1009. */
  maxMessageBytes: number;
  /** Most subscriptions one connection holds at once; the next one gets QUERY_TOO_COMPLEX. */
  maxSubscriptions: number;
  /** When false, operations that introspect the schema fail validation. */
  introspection: boolean;
  limits: LimitsOptions;
  /** Charges each operation's cost to its key, as on HTTP. */
  rateLimiter?: RateLimiter;
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  metrics: Metrics;
}

/** What one WebSocket connection carries from connection_init to every operation on it. */
type ConnectionState = {
  authorization: string;
  principal: Principal;
  /** Ids of this connection's running subscriptions. */
  subscriptions: Set<string>;
  /** Operations received and not answered yet: their name (once known) and arrival. */
  pending: Map<string, { name: string | null; started: bigint }>;
};

/**
 * GraphQL over WebSocket (graphql-ws protocol) on the HTTP server's /graphql path. The key is
 * read from the `connection_init` payload (`{ "authorization": "Bearer …" }`): without a live
 * key the socket closes with 4401. Apollo's plugins do not run here, so every operation is
 * checked in `onSubscribe` as HTTP checks it: key still live, tokens, validation, limits, rate
 * budget. Each operation gets its own context and loaders, and errors go through the same
 * formatter as HTTP.
 */
export function startWsServer(options: WsOptions) {
  const wsServer = new WebSocketServer({
    server: options.httpServer,
    path: '/graphql',
    // `ws` accepts 100 MiB messages by default; a GraphQL operation never needs that.
    maxPayload: options.maxMessageBytes,
  });
  const rules = options.introspection
    ? specifiedRules
    : [...specifiedRules, NoSchemaIntrospectionCustomRule];
  const cleanup = useServer<Record<string, unknown>, ConnectionState>(
    {
      schema: options.schema,
      onConnect: async (ctx) => {
        const header = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
        const authorization = typeof header === 'string' ? header : '';
        const principal = await authenticate(options.services, authorization);
        if (!principal) {
          // graphql-ws closes a refused connection with 4403 Forbidden; a missing or bad key is
          // 4401 Unauthorized, the code it uses for a subscribe before connection_init. Closing
          // first makes its own close a no-op.
          ctx.extra.socket.close(CloseCode.Unauthorized, 'Unauthorized');

          return false;
        }
        const state: ConnectionState = {
          authorization,
          principal,
          subscriptions: new Set(),
          pending: new Map(),
        };
        Object.assign(ctx.extra, state);

        return true;
      },
      onSubscribe: async (ctx, id, payload) => {
        // graphql-ws runs this only on acknowledged connections, so onConnect set the state.
        const connection = ctx.extra as ConnectionState;
        connection.pending.set(id, {
          name: payload.operationName ?? null,
          started: process.hrtime.bigint(),
        });
        try {
          const checked = await checkOperation(connection, id, payload);
          if (connection.subscriptions.has(id)) {
            // A subscription counts as answered once it runs; its events are not operations.
            answered(connection, id, []);
            options.metrics.subscriptionOpened();
          }

          return checked;
        } catch (error) {
          if (error instanceof GraphQLError) {
            return [error];
          }
          if (error instanceof PulseError) {
            return [new GraphQLError(error.message, { originalError: error })];
          }
          throw error;
        }
      },
      onComplete: (ctx, id) => {
        if (ctx.extra.subscriptions?.delete(id)) {
          options.metrics.subscriptionClosed();
        }
        ctx.extra.pending?.delete(id);
      },
      context: (ctx, id) =>
        createContext(
          options.services,
          ctx.extra.principal ?? null,
          `ws-${id}`,
          options.loaderOptions,
        ),
      onNext: async (ctx, id, _payload, args, result) => {
        // Apollo's audit plugin does not run here: personal data read for this result (one
        // subscription event, or a query's answer) is audited before it is sent.
        await options.services.audit.recordReads((args.contextValue as PulseContext).audit);
        const errors = result.errors?.map((error) => format(error, 'BAD_USER_INPUT'));
        answered(ctx.extra as ConnectionState, id, errors ?? []);

        return errors ? { ...result, errors } : undefined;
      },
      onError: (ctx, id, _payload, errors) => {
        const formatted = errors.map((error) =>
          format(
            error,
            error.message.startsWith('Syntax Error')
              ? 'GRAPHQL_PARSE_FAILED'
              : 'GRAPHQL_VALIDATION_FAILED',
          ),
        );
        answered(ctx.extra as ConnectionState, id, formatted);

        return formatted;
      },
    },
    wsServer,
  );

  async function checkOperation(
    connection: ConnectionState,
    id: string,
    payload: SubscribePayload,
  ): Promise<ExecutionArgs | readonly GraphQLError[]> {
    // Key lookups are cached for a few seconds, and a revocation on this instance clears the
    // cache: a key revoked while its socket is open stops working at its next operation.
    const principal = await authenticate(options.services, connection.authorization);
    if (!principal) {
      throw new PulseError('UNAUTHENTICATED', 'The API key of this connection is no longer valid');
    }
    connection.principal = principal;
    checkTokens(payload.query, options.limits.maxTokens);
    const document = parse(payload.query, { maxTokens: options.limits.maxTokens });
    const errors = validate(options.schema, document, rules);
    if (errors.length > 0) {
      return errors;
    }
    const operation = getOperationAST(document, payload.operationName);
    const pending = connection.pending.get(id);
    if (pending && operation?.name) {
      pending.name = operation.name.value;
    }
    const cost = checkLimits(
      options.schema,
      document,
      payload.variables ?? undefined,
      options.limits,
      operation?.name?.value,
    );
    const isSubscription = operation?.operation === 'subscription';
    if (isSubscription) {
      // Counted and registered with no await in between, so a burst of subscribe messages
      // cannot all pass the check before any of them is registered.
      checkSubscriptions(connection.subscriptions.size + 1, options.maxSubscriptions);
      connection.subscriptions.add(id);
    }
    const refused = rateLimitError(await chargeCost(options.rateLimiter, principal, cost), cost);
    if (refused) {
      connection.subscriptions.delete(id);
      throw refused;
    }

    return {
      schema: options.schema,
      document,
      operationName: payload.operationName,
      variableValues: payload.variables,
    };
  }

  /** Counts an operation's first answer (a query's result, a subscription's start, an error). */
  function answered(
    connection: ConnectionState,
    id: string,
    errors: ReadonlyArray<{ extensions?: Record<string, unknown> }>,
  ): void {
    const pending = connection.pending.get(id);
    if (!pending) {
      return;
    }
    connection.pending.delete(id);
    const seconds = Number(process.hrtime.bigint() - pending.started) / 1e9;
    options.metrics.operation(pending.name, 'ws', seconds, errors.map(errorCode));
  }

  // Apollo gives GraphQL's own errors their codes before formatting; graphql-ws does not. An
  // error that no resolver threw (it has no path) is the request's fault: parse or
  // validation errors before execution, variable coercion errors during it. A PulseError from
  // the checks above is formatted as itself.
  function format(error: GraphQLError, clientCode: string): GraphQLFormattedError {
    if (error.originalError instanceof PulseError) {
      return options.formatError(error.toJSON(), error.originalError);
    }
    const formatted = error.toJSON();
    const isRequestError = !error.path && !formatted.extensions?.code;

    return options.formatError(
      isRequestError
        ? { ...formatted, extensions: { ...formatted.extensions, code: clientCode } }
        : formatted,
      error,
    );
  }

  return {
    /** Closes every socket with 1012 (service restart): clients should reconnect elsewhere. */
    close: async () => {
      for (const client of wsServer.clients) {
        client.close(1012, 'Server restarting');
      }
      await cleanup.dispose();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    },
  };
}
