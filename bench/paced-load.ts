import { Agent, request } from 'node:http';
import type { LoadTarget } from './load-client';
import type { Workload } from './scenarios';

// Latency at a steady rate: requests start on a fixed schedule (open loop) over at most
// `connections` keep-alive connections, and each latency runs from the request's scheduled
// start, so time spent waiting for a free connection counts too. autocannon's own rate limit
// is no substitute: it sends each second's quota in one burst at the start of the second, and
// its coordinated-omission correction then adds a synthetic sample for every millisecond of
// each slow response.

export interface PacedResult {
  p50: number;
  p99: number;
  answers: number;
  failures: number;
}

export async function pacedLoad(
  target: LoadTarget,
  workload: Workload,
  customerIds: number[],
  options: {
    connections: number;
    rate: number;
    seconds: number;
    /** Hears of every response: whether it was a complete answer. */
    onResponse?: (answered: boolean) => void;
  },
): Promise<PacedResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const total = Math.round(options.rate * options.seconds);
  const started = performance.now();
  const latencies: number[] = [];
  let failures = 0;
  const requests: Array<Promise<void>> = [];
  // Each kind of failure is said once: a failure must not pass unexplained.
  const reported = new Set<string>();
  const report = (reason: string) => {
    if (!reported.has(reason)) {
      reported.add(reason);
      console.error(`paced load: ${reason}`);
    }
  };
  for (let n = 0; n < total; n += 1) {
    const scheduled = started + (n * 1000) / options.rate;
    // A request already late goes at once (Node 24 warns about a negative delay).
    const wait = Math.max(0, scheduled - performance.now());
    await new Promise((resolve) => setTimeout(resolve, wait));
    const scenario = workload.pick(n);
    const { path, headers, body } = target.request(scenario, customerIds[n % customerIds.length]);
    requests.push(
      send(agent, `${target.origin}${path}`, headers, body).then(
        ({ status, text }) => {
          const answered = target.isAnswer(scenario, status, text);
          if (answered) {
            latencies.push(performance.now() - scheduled);
          } else {
            failures += 1;
            report(`${scenario.slug}: status ${status}: ${text.slice(0, 300)}`);
          }
          options.onResponse?.(answered);
        },
        (error: Error) => {
          failures += 1;
          report(`${scenario.slug}: ${error.message}`);
          options.onResponse?.(false);
        },
      ),
    );
  }
  await Promise.all(requests);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (share: number) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * share))]);

  return { p50: at(0.5), p99: at(0.99), answers: latencies.length, failures };
}

function send(
  agent: Agent,
  url: string,
  headers: Record<string, string>,
  body: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method: 'POST', agent, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString() }),
      );
      response.on('error', reject);
    });
    outgoing.on('error', (error: NodeJS.ErrnoException) => {
      // A kept-alive connection the server closed after its idle timeout just as this request
      // took it. Node's documentation of `reusedSocket` suggests sending again, which these
      // reads allow.
      if (outgoing.reusedSocket && error.code === 'ECONNRESET') {
        send(agent, url, headers, body).then(resolve, reject);
      } else {
        reject(error);
      }
    });
    outgoing.end(body);
  });
}
