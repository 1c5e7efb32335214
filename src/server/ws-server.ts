import type { Server } from 'node:http';
import type { GraphQLError, GraphQLFormattedError, GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Principal } from '../auth/principal';
import type { LoaderOptions } from '../db/loaders';
import { createContext } from '../graphql/context';
import type { Services } from '../services';
import { authenticate } from './http-server';

export interface WsOptions {
  httpServer: Server;
  schema: GraphQLSchema;
  services: Services;
  loaderOptions: LoaderOptions;
  maxMessageBytes: number;
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
}

/** What one WebSocket connection carries from connection_init to every operation on it. */
type ConnectionState = {
  principal?: Principal | null;
};

/**
 * GraphQL over WebSocket (graphql-ws protocol) on the HTTP server's /graphql path. The key is
 * read once from the `connection_init` payload (`{ "authorization": "Bearer …" }`); each
 * operation gets its own context and loaders, and errors go through the same formatter as
 * HTTP (Apollo's formatError does not run here).
 */
export function startWsServer(options: WsOptions) {
  const wsServer = new WebSocketServer({
    server: options.httpServer,
    path: '/graphql',
    // `ws` accepts 100 MiB messages by default; a GraphQL operation never needs that.
    maxPayload: options.maxMessageBytes,
  });
  const cleanup = useServer<Record<string, unknown>, ConnectionState>(
    {
      schema: options.schema,
      onConnect: async (ctx) => {
        const header = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
        ctx.extra.principal = await authenticate(
          options.services,
          typeof header === 'string' ? header : null,
        );

        return true;
      },
      context: (ctx, id) =>
        createContext(
          options.services,
          ctx.extra.principal ?? null,
          `ws-${id}`,
          options.loaderOptions,
        ),
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors
          ? {
              ...result,
              errors: result.errors.map((error) => format(error, 'BAD_USER_INPUT')),
            }
          : undefined,
      onError: (_ctx, _id, _payload, errors) =>
        errors.map((error) =>
          format(
            error,
            error.message.startsWith('Syntax Error')
              ? 'GRAPHQL_PARSE_FAILED'
              : 'GRAPHQL_VALIDATION_FAILED',
          ),
        ),
    },
    wsServer,
  );

  // Apollo gives GraphQL's own errors their codes before formatting; graphql-ws does not. An
  // error that no resolver threw (it has no path) is the request's fault: parse or
  // validation errors before execution, variable coercion errors during it.
  function format(error: GraphQLError, clientCode: string): GraphQLFormattedError {
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
