import { type ApolloServerPlugin, HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { PulseError } from '../errors';
import type { RateLimiter } from '../ratelimit/rate-limiter';
import type { PulseContext } from './context';
import { checkLimits, type LimitsOptions } from './limits';
import { chargeCost, rateLimitError, rateLimitHeaders } from './rate-budget';

export interface LimitsPluginOptions {
  limits: LimitsOptions;
  /** Charges each operation's cost to its key; without it nothing is charged. */
  rateLimiter?: RateLimiter;
}

/**
 * Enforces the limits on every HTTP operation (each one of a batch too) before it runs. It
 * hooks `didResolveOperation`, which runs per request with that request's variables: Apollo
 * caches validation per document, so a cost that depends on `$first` cannot be a validation
 * rule.
 */
export function limitsPlugin(options: LimitsPluginOptions): ApolloServerPlugin<PulseContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({
          schema,
          document,
          request,
          operation,
          contextValue,
          response,
        }) {
          if (!operation) {
            return;
          }
          try {
            const cost = checkLimits(
              schema,
              document,
              request.variables,
              options.limits,
              operation.name?.value,
            );
            const decision = await chargeCost(options.rateLimiter, contextValue.principal, cost);
            for (const [name, value] of decision ? rateLimitHeaders(decision) : []) {
              response.http.headers.set(name, value);
            }
            const refused = rateLimitError(decision, cost);
            if (refused) {
              const trace = contextValue.trace;
              if (trace) {
                trace.rateLimited = {
                  count: (trace.rateLimited?.count ?? 0) + 1,
                  retryAfterSeconds: Math.max(
                    trace.rateLimited?.retryAfterSeconds ?? 0,
                    decision!.retryAfterSeconds,
                  ),
                };
              }
              throw refused;
            }
          } catch (error) {
            throw error instanceof PulseError ? toHttpError(error) : error;
          }
        },
      };
    },
  };
}

// Apollo formats an error thrown here without unwrapping it to the PulseError, so the code and
// details go into the extensions now, with the HTTP status Apollo should answer with.
function toHttpError(error: PulseError): GraphQLError {
  const http =
    error.code === 'RATE_LIMITED'
      ? {
          status: 429,
          headers: new HeaderMap([['retry-after', String(error.details?.retryAfterSeconds)]]),
        }
      : { status: 400, headers: new HeaderMap() };

  return new GraphQLError(error.message, {
    originalError: error,
    extensions: { code: error.code, ...error.details, http },
  });
}
