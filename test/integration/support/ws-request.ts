import type { Client } from 'graphql-ws';
import type { GraphqlResponse } from './start-pulse';

/**
 * Runs one query or mutation over a graphql-ws client and resolves with its single result, in
 * the shape of an HTTP response body. graphql-ws reports errors found before execution
 * (parse, validation) through the `error` sink as an array; they come back as `errors` too,
 * so a test can compare both transports field by field.
 */
export function wsRequest<T = Record<string, unknown>>(
  client: Client,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<Omit<GraphqlResponse<T>, 'status'>> {
  return new Promise((resolve, reject) => {
    let result: Omit<GraphqlResponse<T>, 'status'> | undefined;
    client.subscribe<T>(
      { query, variables },
      {
        next: (value) => {
          result = value as Omit<GraphqlResponse<T>, 'status'>;
        },
        error: (error) => {
          if (Array.isArray(error)) {
            resolve({ errors: error as GraphqlResponse['errors'] });
          } else {
            reject(error instanceof Error ? error : new Error(describeFailure(error)));
          }
        },
        complete: () => {
          if (result) {
            resolve(result);
          } else {
            reject(new Error('the operation completed without a result'));
          }
        },
      },
    );
  });
}

// A closed socket (such as 4401 for a bad key) arrives as a CloseEvent, whose code and reason
// are getters that JSON.stringify does not see.
function describeFailure(error: unknown): string {
  const { code, reason } = (error ?? {}) as { code?: unknown; reason?: unknown };

  return typeof code === 'number' ? `socket closed with ${code} ${reason}` : JSON.stringify(error);
}
