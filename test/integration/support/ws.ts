import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { TestPulse } from './start-pulse';

/** A graphql-ws client for a test server, authenticated with `key` (or none). */
export function wsClient(pulse: TestPulse, key: string | null): Client {
  return createClient({
    url: pulse.url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: key ? { authorization: `Bearer ${key}` } : {},
    retryAttempts: 0,
    lazy: true,
  });
}

/** Collects the results of one subscription until `count` arrived or `timeoutMs` passed. */
export function collect<T>(
  client: Client,
  query: string,
  variables: Record<string, unknown>,
  count: number,
  timeoutMs = 5000,
): { ready: Promise<void>; results: Promise<T[]> } {
  const received: T[] = [];
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  const results = new Promise<T[]>((resolve, reject) => {
    const timer = setTimeout(() => {
      dispose();
      resolve(received);
    }, timeoutMs);
    const dispose = client.subscribe<T>(
      { query, variables },
      {
        next: (value) => {
          received.push(value as T);
          if (received.length >= count) {
            clearTimeout(timer);
            dispose();
            resolve(received);
          }
        },
        error: (error) => {
          clearTimeout(timer);
          reject(error);
        },
        complete: () => {
          clearTimeout(timer);
          resolve(received);
        },
      },
    );
    // graphql-ws has no "subscribed" acknowledgement; a short pause lets the server register
    // the subscription before the test publishes.
    setTimeout(markReady, 300);
  });

  return { ready, results };
}
