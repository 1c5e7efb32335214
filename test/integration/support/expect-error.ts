import type { GraphqlResponse } from './start-pulse';

/** The extensions of the first error of a response (undefined when it has none). */
export function firstError(
  response: Pick<GraphqlResponse, 'errors'>,
): Record<string, unknown> | undefined {
  return response.errors?.[0]?.extensions;
}

/**
 * Asserts that a response failed with `code` (and `field`, when given), carries no data for the
 * failed root field, and leaks no stack trace: the error contract every failing spec pins.
 */
export function expectError(
  response: Pick<GraphqlResponse, 'errors'>,
  code: string,
  field?: string,
): void {
  const extensions = firstError(response);
  expect(extensions).toMatchObject(field === undefined ? { code } : { code, field });
  for (const error of response.errors ?? []) {
    expect(error.extensions?.stacktrace).toBeUndefined();
  }
}
