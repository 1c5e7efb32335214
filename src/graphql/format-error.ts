import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { databaseFault } from '../db/faults';
import { PulseError } from '../errors';

/**
 * The one place errors become responses. PulseErrors keep their code, field and details;
 * database faults (timeout, full pool queue, unreachable server) get codes of their own;
 * GraphQL's own parse and validation errors pass through with Apollo's code; anything else is
 * an internal error whose message and stack stay in the log, not in the response (except in
 * development).
 */
export function createFormatError(development: boolean, log: (error: unknown) => void) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof PulseError) {
      return {
        message: original.message,
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code: original.code, field: original.field, ...original.details },
      };
    }
    const fault = databaseFault(original);
    if (fault) {
      return {
        message: fault.message,
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code: fault.code },
      };
    }
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR') {
      const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};

      return development ? formatted : { ...formatted, extensions };
    }
    log(original);

    return {
      message:
        development && original instanceof Error ? original.message : 'Internal server error',
      locations: formatted.locations,
      path: formatted.path,
      extensions: development
        ? { code: 'INTERNAL_SERVER_ERROR', stacktrace: (original as Error)?.stack?.split('\n') }
        : { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}
