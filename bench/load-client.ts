import autocannon from 'autocannon';
import type { Scenario, Workload } from './scenarios';

/** How to ask one server for a scenario, and how to tell a complete answer from a failure. */
export interface LoadTarget {
  /** Origin, e.g. http://127.0.0.1:4000. */
  origin: string;
  request: (
    scenario: Scenario,
    customerId: number,
  ) => { path: string; headers: Record<string, string>; body: string };
  isAnswer: (scenario: Scenario, status: number, body: string) => boolean;
}

/** Pulse over GraphQL: an answer has status 200, no errors, and the data the scenario asked for. */
export function pulseTarget(graphqlUrl: string, key: string): LoadTarget {
  const url = new URL(graphqlUrl);

  return {
    origin: url.origin,
    request: (scenario, customerId) => ({
      path: url.pathname,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify(scenario.request(customerId)),
    }),
    isAnswer: (scenario, status, body) => {
      const response = status === 200 ? parseJson(body) : undefined;

      return (
        response !== undefined &&
        response.errors === undefined &&
        scenario.isComplete(response.data)
      );
    },
  };
}

/** The plain endpoint (bench/plain-server.ts): status 200 and the rows of every statement. */
export function plainTarget(origin: string): LoadTarget {
  return {
    origin,
    request: (scenario, customerId) => ({
      path: `/${scenario.slug}`,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ customerId }),
    }),
    isAnswer: (_scenario, status, body) => status === 200 && Array.isArray(parseJson(body)?.data),
  };
}

/** A response body as JSON; undefined when it is not (a proxy's error page, a cut-off body). */
function parseJson(body: string): { data?: unknown; errors?: unknown } | undefined {
  try {
    return JSON.parse(body) as { data?: unknown; errors?: unknown };
  } catch {
    return undefined;
  }
}

export interface LoadOptions {
  connections: number;
  seconds: number;
  /** Requests per second over all connections; as fast as answers come when absent. */
  rate?: number;
  /** Hears of every response: whether it was a complete answer. */
  onResponse?: (answered: boolean) => void;
}

export interface LoadResult {
  /** Complete answers per second: failures never count as throughput. */
  answersPerSecond: number;
  /** Responses received. */
  requests: number;
  /** Responses that were not complete answers, plus connection errors and timeouts. */
  failures: number;
  p50: number;
  p99: number;
}

/** Runs `workload` against `target`, every request for the next customer of `customerIds`. */
export async function runLoad(
  target: LoadTarget,
  workload: Workload,
  customerIds: number[],
  options: LoadOptions,
): Promise<LoadResult> {
  let sent = 0;
  let answers = 0;
  let failures = 0;
  const result = await autocannon({
    url: target.origin,
    connections: options.connections,
    duration: options.seconds,
    overallRate: options.rate,
    requests: [
      {
        method: 'POST',
        // autocannon keeps one context per connection, and a connection has one request in
        // flight: the response's handler finds the scenario its request was for.
        setupRequest: (request, context: { scenario?: Scenario }) => {
          const scenario = workload.pick(sent);
          context.scenario = scenario;
          const customerId = customerIds[sent % customerIds.length];
          sent += 1;

          return { ...request, ...target.request(scenario, customerId) };
        },
        onResponse: (status, body, context: { scenario?: Scenario }) => {
          const answered = target.isAnswer(context.scenario as Scenario, status, body);
          if (answered) {
            answers += 1;
          } else {
            failures += 1;
          }
          options.onResponse?.(answered);
        },
      },
    ],
  });

  return {
    answersPerSecond: answers / result.duration,
    requests: answers + failures,
    failures: failures + result.errors,
    p50: result.latency.p50,
    p99: result.latency.p99,
  };
}
