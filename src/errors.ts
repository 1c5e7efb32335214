/** The closed list of error codes a client can see (DESIGN.md, "Errors have codes"). */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'QUERY_TOO_COMPLEX'
  | 'INTERNAL_SERVER_ERROR';

/**
 * An error meant for the client: services throw it, `graphql/format-error.ts` turns it into
 * `extensions: { code, field }`. `field` is a path into the operation's input, such as
 * `input.customers[3].email`. This file imports nothing so that any layer may use it.
 */
export class PulseError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'PulseError';
  }
}

export function badInput(message: string, field: string): PulseError {
  return new PulseError('BAD_USER_INPUT', message, field);
}

export function notFound(what: string, field: string): PulseError {
  return new PulseError('NOT_FOUND', `${what} was not found`, field);
}
