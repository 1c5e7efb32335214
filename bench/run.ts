import 'reflect-metadata';
import { fork } from 'node:child_process';
import path from 'node:path';
import autocannon from 'autocannon';
import { Role } from '../src/auth/principal';
import { createLog } from '../src/log';
import { createServices } from '../src/services';
import { alertsWsBench } from './alerts-ws';
import { experimentBench } from './experiments';
import { predictionBench } from './predictions';
import { benchDatabase, benchServer, openSeeded, printTable } from './database';
import { kpiBench } from './kpis';
import { SCENARIOS, type Scenario } from './scenarios';
import { segmentBench } from './segments';

// `npm run bench`: seeds (or reuses) BENCH_CUSTOMERS customers (default 100,000, about 50
// interactions each) in MariaDB, then loads a Pulse server with autocannon on representative
// queries, with DataLoader batching on and off. Every response body is checked: a response
// with GraphQL errors counts as an error, never as throughput. Then it times segment refreshes
// (bench/segments.ts) on that data and on 10,000 customers.
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 100_000);
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);

// BENCH_ONLY=load, segments, kpis, experiments, predictions or alerts runs one part; all run by default.
const PARTS = ['load', 'segments', 'kpis', 'experiments', 'predictions', 'alerts'] as const;

async function main(): Promise<void> {
  const only = process.env.BENCH_ONLY;
  if (only !== undefined && !(PARTS as readonly string[]).includes(only)) {
    throw new Error(`BENCH_ONLY must be one of ${PARTS.join(', ')}, got "${only}"`);
  }
  const runs = (part: (typeof PARTS)[number]) => only === undefined || only === part;
  // The alerts part brings its own SQLite database: it measures fan-out, not SQL.
  if (
    runs('load') ||
    runs('segments') ||
    runs('kpis') ||
    runs('experiments') ||
    runs('predictions')
  ) {
    const server = await benchServer();
    const url = process.env.BENCH_MYSQL_URL ?? (await benchDatabase(server, 'pulse_bench'));
    if (runs('load')) {
      await loadBench(url);
    }
    if (runs('segments')) {
      await segmentBench(server, url, CUSTOMERS);
    }
    if (runs('kpis')) {
      await kpiBench(url, CUSTOMERS);
    }
    if (runs('experiments')) {
      await experimentBench(url, CUSTOMERS);
    }
    if (runs('predictions')) {
      await predictionBench(url, CUSTOMERS);
    }
  }
  if (runs('alerts')) {
    await alertsWsBench();
  }
}

async function loadBench(url: string): Promise<void> {
  const log = createLog('warn');
  const db = await openSeeded(url, CUSTOMERS, log);
  const [{ interactions }] = await db.query('SELECT COUNT(*) AS interactions FROM interactions');
  const ids: number[] = (await db.query('SELECT id FROM customers ORDER BY id LIMIT 2000')).map(
    (r: { id: number }) => r.id,
  );
  const services = createServices(db, { maxPageSize: 100, keyCacheSeconds: 10 });
  const key = (await services.apiKeys.create(Role.ANALYST, 'bench')).key;
  await db.destroy();
  console.log(
    `data: ${CUSTOMERS} customers, ${interactions} interactions; ${CONNECTIONS} connections, ${DURATION} s per run\n`,
  );

  const rows: string[][] = [];
  for (const batch of [true, false]) {
    const server = await startServer(url, batch);
    for (const scenario of SCENARIOS) {
      const result = await load(server, scenario, key, ids);
      rows.push([scenario.name, batch ? 'on' : 'off', ...result]);
    }
    await server.stop();
  }
  printTable(
    ['query', 'DataLoader', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'SQL/req', 'RSS MB'],
    rows,
  );
}

interface Server {
  url: string;
  stats(): Promise<{ statements: number; rss: number }>;
  /** Stops the server and waits for its process to exit (before the database goes away). */
  stop(): Promise<void>;
}

function startServer(databaseUrl: string, batch: boolean): Promise<Server> {
  const child = fork(path.join(__dirname, 'server.js'), {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      BENCH_BATCH: String(batch),
      PULSE_DB_POOL_SIZE: '20',
    },
  });

  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('message', (message: { url: string }) => {
      resolve({
        url: message.url,
        stop: () =>
          new Promise((done) => {
            child.once('exit', () => done());
            child.send('stop');
          }),
        stats: () =>
          new Promise((done) => {
            child.once('message', (stats) => done(stats as { statements: number; rss: number }));
            child.send('stats');
          }),
      });
    });
  });
}

async function load(
  server: Server,
  scenario: Scenario,
  key: string,
  ids: number[],
): Promise<string[]> {
  let errors = 0;
  let counter = 0;
  const before = await settled(server);
  const result = await autocannon({
    url: server.url,
    connections: CONNECTIONS,
    duration: DURATION,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        setupRequest: (request) => {
          counter += 1;

          return { ...request, body: JSON.stringify(scenario.request(ids[counter % ids.length])) };
        },
        onResponse: (status, body) => {
          if (status !== 200 || body.includes('"errors"')) {
            errors += 1;
          }
        },
      },
    ],
  });
  const after = await settled(server);
  const requests = result.requests.total;

  return [
    result.requests.average.toFixed(0),
    String(result.latency.p50),
    String(result.latency.p99),
    String(errors + result.errors + result.non2xx),
    ((after.statements - before.statements) / Math.max(requests, 1)).toFixed(1),
    (after.rss / 1024 / 1024).toFixed(0),
  ];
}

/**
 * The server's counters once it is idle: autocannon stops waiting when its time is up, while
 * requests already sent may still be running and would count against the next scenario.
 */
async function settled(server: Server): Promise<{ statements: number; rss: number }> {
  let previous = await server.stats();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const current = await server.stats();
    if (current.statements === previous.statements) {
      return current;
    }
    previous = current;
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
