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

/**
 * Subscribes, and returns a function that resolves with the next result (or rejects after
 * `timeoutMs`), so that a test can read a long-lived subscription between the phases it drives.
 */
export function follow<T>(client: Client, query: string, variables: Record<string, unknown>) {
  const received: T[] = [];
  const waiting: Array<(value: T) => void> = [];
  let failure: Error | null = null;
  client.subscribe<T>(
    { query, variables },
    {
      next: (value) => (waiting.shift() ?? ((event: T) => received.push(event)))(value as T),
      error: (error) => {
        // GraphQL errors come as an array; a closed socket as a CloseEvent and a failed
        // connection as an ErrorEvent, both too big to print whole.
        const { code, reason, message } = error as {
          code?: number;
          reason?: string;
          message?: string;
        };
        const detail = Array.isArray(error)
          ? JSON.stringify(error)
          : code !== undefined
            ? `socket closed with ${code} ${reason}`
            : (message ?? String(error));
        failure = new Error(`subscription failed: ${detail}`);
      },
      complete: () => undefined,
    },
  );

  return (timeoutMs: number): Promise<T> => {
    if (failure) {
      return Promise.reject(failure);
    }
    if (received.length > 0) {
      return Promise.resolve(received.shift() as T);
    }

    return new Promise<T>((resolve, reject) => {
      const take = (value: T) => {
        clearTimeout(timer);
        resolve(value);
      };
      const timer = setTimeout(() => {
        waiting.splice(waiting.indexOf(take), 1);
        reject(failure ?? new Error(`no event within ${timeoutMs} ms`));
      }, timeoutMs);
      waiting.push(take);
    });
  };
}
