/** Request headers a browser may send cross-origin: the key, JSON, Apollo's CSRF header, tracing. */
const ALLOWED_HEADERS = 'authorization, content-type, apollo-require-preflight, x-request-id';
/** Response headers a cross-origin script may read: its budget, when to retry, the trace id. */
const EXPOSED_HEADERS =
  'x-ratelimit-limit, x-ratelimit-remaining, x-ratelimit-reset, retry-after, x-request-id';
/** How long a browser may reuse a preflight answer, in seconds. */
const PREFLIGHT_MAX_AGE = '600';

/**
 * The CORS headers of a response to a request from `origin`, given the allowed origins
 * (`PULSE_CORS_ORIGINS`). An origin not on the list gets none, so the browser withholds the
 * response from the page. `*` allows any origin: Pulse authenticates with a bearer key, never
 * a cookie, so no credentials are involved.
 */
export function corsHeaders(
  allowed: readonly string[],
  origin: string | undefined,
  preflight: boolean,
): Record<string, string> {
  if (allowed.length === 0) {
    return {};
  }
  // The answer depends on the Origin header, so caches must key on it.
  const vary = { vary: 'Origin' };
  const any = allowed.includes('*');
  if (!origin || !(any || allowed.includes(origin))) {
    return vary;
  }
  const allowOrigin = { ...vary, 'access-control-allow-origin': any ? '*' : origin };

  return preflight
    ? {
        ...allowOrigin,
        'access-control-allow-methods': 'GET, POST, OPTIONS',
        'access-control-allow-headers': ALLOWED_HEADERS,
        'access-control-max-age': PREFLIGHT_MAX_AGE,
      }
    : { ...allowOrigin, 'access-control-expose-headers': EXPOSED_HEADERS };
}
