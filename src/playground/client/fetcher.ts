import { createGraphiQLFetcher, type Fetcher } from '@graphiql/toolkit';

/**
 * GraphiQL's fetcher for the Pulse server that serves the page: HTTP for queries and
 * mutations, graphql-ws for subscriptions. `onIntrospection` hears whether the server answered
 * the schema query GraphiQL sends on load (it refuses when PULSE_INTROSPECTION=false).
 */
export function createPulseFetcher(onIntrospection: (allowed: boolean) => void): Fetcher {
  // The page is served at the GraphQL endpoint itself, so the endpoint is the page's own URL;
  // that keeps the playground working behind a proxy that mounts Pulse under a prefix.
  const endpoint = new URL(window.location.pathname, window.location.href);
  const subscriptionUrl = new URL(endpoint);
  subscriptionUrl.protocol = endpoint.protocol === 'https:' ? 'wss:' : 'ws:';
  // The toolkit opens a graphql-ws connection per subscription and sends the header editor's
  // headers as the `connection_init` payload, where Pulse reads `Authorization` from: one key
  // field serves HTTP and WebSocket alike.
  const fetcher = createGraphiQLFetcher({
    url: endpoint.href,
    subscriptionUrl: subscriptionUrl.href,
  });

  return async (params, options) => {
    const result = await fetcher(params, options);
    if (params.operationName === 'IntrospectionQuery') {
      onIntrospection(
        typeof result === 'object' && result !== null && 'data' in result && !!result.data,
      );
    }

    return result;
  };
}
