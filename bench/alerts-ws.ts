import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROLES, Role } from '../src/auth/principal';
import { loadConfig, type Config } from '../src/config';
import { toGlobalId } from '../src/graphql/global-id';
import { createLog } from '../src/log';
import { startPulse } from '../src/server/app';
import { createAlertBurst } from '../test/support/alert-burst';
import type { SubscriberReport } from './alerts-ws-clients';
import { printTable } from './database';

// BENCH_ONLY=alerts: one Pulse instance (SQLite in a temporary directory), BENCH_WS_SUBSCRIBERS
// graphql-ws subscribers (default 1,000, one socket each, ALERTS key) on `alertEvents`, spread
// over BENCH_WS_PROCESSES client processes; then one evaluation fires BENCH_ALERT_EVENTS rules
// at once (default 100). Latency = receive time - the event's occurredAt (the instant the
// evaluation started), so it includes writing the events; every subscriber must receive every
// event exactly once.
const SUBSCRIBERS = Number(process.env.BENCH_WS_SUBSCRIBERS ?? 1000);
const EVENTS = Number(process.env.BENCH_ALERT_EVENTS ?? 100);
const PROCESSES = Number(process.env.BENCH_WS_PROCESSES ?? 2);

interface ClientProcess {
  child: ChildProcess;
  report(): Promise<SubscriberReport[]>;
}

export async function alertsWsBench(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pulse-bench-alerts-'));
  const config: Config = {
    ...loadConfig({}),
    port: 0,
    host: '127.0.0.1',
    database: { type: 'sqlite', path: path.join(dir, 'pulse.sqlite') },
    seedDemo: false,
    shutdownDrainMs: 0,
    logLevel: 'error',
    kpiEvaluationMinutes: 0,
    segmentRefreshMinutes: 0,
    // All subscribers share one key: its budget must not be what the benchmark measures.
    rateLimits: Object.fromEntries(
      ROLES.map((role) => [role, { capacity: 1e9, periodSeconds: 1 }]),
    ) as Config['rateLimits'],
  };
  const app = await startPulse(config, { log: createLog('error') });
  const clients: ClientProcess[] = [];
  try {
    const key = (await app.services.apiKeys.create(Role.ALERTS, 'bench alerts')).key;
    const burst = await createAlertBurst(app.services, EVENTS);
    const connectStarted = Date.now();
    for (let i = 0; i < PROCESSES; i += 1) {
      const share = Math.floor(SUBSCRIBERS / PROCESSES) + (i < SUBSCRIBERS % PROCESSES ? 1 : 0);
      clients.push(
        await startClients({
          url: app.url,
          key,
          subscribers: share,
          kpiId: toGlobalId('Kpi', burst.kpiId),
          expected: EVENTS,
        }),
      );
    }
    const connectMs = Date.now() - connectStarted;
    const fired = Date.now();
    await burst.evaluate(100, new Date(fired));
    const evaluationMs = Date.now() - fired;
    const reports = await settledReports(clients, SUBSCRIBERS * EVENTS);
    const [{ stored }] = await app.db.query(
      'SELECT COUNT(*) AS stored FROM alert_events WHERE kpi_id = ?',
      [burst.kpiId],
    );
    const reference = new Set(reports[0]?.cursors ?? []);
    const exactlyOnce = reports.filter(
      (report) =>
        report.cursors.length === EVENTS &&
        new Set(report.cursors).size === EVENTS &&
        report.cursors.every((cursor) => reference.has(cursor)),
    ).length;
    const latencies = reports.flatMap((report) => report.latenciesMs).sort((a, b) => a - b);
    console.log(
      `alerts over WebSocket: ${SUBSCRIBERS} subscribers in ${PROCESSES} client processes ` +
        `(connected in ${connectMs} ms), burst of ${EVENTS} events (${Number(stored)} stored, ` +
        `evaluation and commit ${evaluationMs} ms)\n`,
    );
    printTable(
      ['deliveries', 'expected', 'p50 ms', 'p99 ms', 'max ms', 'subscribers with every event once'],
      [
        [
          String(latencies.length),
          String(SUBSCRIBERS * EVENTS),
          String(percentile(latencies, 0.5)),
          String(percentile(latencies, 0.99)),
          String(latencies.at(-1) ?? '-'),
          `${exactlyOnce} of ${SUBSCRIBERS}`,
        ],
      ],
    );
    if (exactlyOnce !== SUBSCRIBERS || Number(stored) !== EVENTS) {
      throw new Error('not every subscriber received every event exactly once');
    }
  } finally {
    await Promise.all(clients.map(stopClients));
    await app.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function startClients(start: Record<string, unknown>): Promise<ClientProcess> {
  const child = fork(path.join(__dirname, 'alerts-ws-clients.js'));

  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`client process exited with ${code}`)));
    const onMessage = (message: { ready?: boolean; error?: string }) => {
      if (message.error) {
        reject(new Error(`subscriber failed: ${message.error}`));
      }
      if (message.ready) {
        child.off('message', onMessage);
        resolve({
          child,
          report: () =>
            new Promise((done) => {
              child.once('message', (reply) =>
                done((reply as { reports: SubscriberReport[] }).reports),
              );
              child.send('report');
            }),
        });
      }
    };
    child.on('message', onMessage);
    child.send(start);
  });
}

/**
 * Every subscriber's report once all `expected` deliveries arrived (or nothing changed for
 * 10 s), then once more a second later, so that a duplicate arriving late is counted.
 */
async function settledReports(
  clients: ClientProcess[],
  expected: number,
): Promise<SubscriberReport[]> {
  const collect = async () => (await Promise.all(clients.map((c) => c.report()))).flat();
  const count = (reports: SubscriberReport[]) =>
    reports.reduce((sum, report) => sum + report.cursors.length, 0);
  let last = -1;
  let lastChange = Date.now();
  for (;;) {
    const received = count(await collect());
    if (received !== last) {
      last = received;
      lastChange = Date.now();
    }
    if (received >= expected || Date.now() - lastChange > 10_000) {
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await new Promise((resolve) => setTimeout(resolve, 1000));

  return collect();
}

function stopClients(client: ClientProcess): Promise<void> {
  if (client.child.exitCode !== null) {
    return Promise.resolve();
  }
  client.child.removeAllListeners('exit');

  return new Promise((resolve) => {
    client.child.once('exit', () => resolve());
    client.child.send('stop');
  });
}

function percentile(sorted: number[], share: number): number | string {
  if (sorted.length === 0) {
    return '-';
  }

  return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)];
}
