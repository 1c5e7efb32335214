import type { ApolloServerPlugin } from '@apollo/server';
import type { PulseContext } from '../graphql/context';
import type { Metrics } from './metrics';

/** The code of a GraphQL error as clients see it; errors without one are internal. */
export function errorCode(error: { extensions?: Record<string, unknown> }): string {
  const code = error.extensions?.code;

  return typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
}

/**
 * Counts and times every HTTP operation by its name, with the codes of the errors its response
 * carries (refusals by the limits plugin included), and notes the name in the request's trace for its log line.
 * WebSocket operations are counted by `server/ws-server.ts`, where Apollo's plugins do not run.
 */
export function metricsPlugin(metrics: Metrics): ApolloServerPlugin<PulseContext> {
  return {
    async requestDidStart({ request }) {
      const started = process.hrtime.bigint();
      let operationName = request.operationName ?? null;

      return {
        async didResolveOperation(resolved) {
          operationName = resolved.operationName ?? operationName;
        },
        async willSendResponse({ contextValue, response }) {
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          // The formatted errors: their codes are the ones clients see.
          const errors = response.body.kind === 'single' ? response.body.singleResult.errors : [];
          const label = metrics.operation(
            operationName,
            'http',
            seconds,
            (errors ?? []).map(errorCode),
            contextValue.principal !== null,
          );
          contextValue.trace?.operations.push(label);
        },
      };
    },
  };
}
