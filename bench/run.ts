import 'reflect-metadata';
import { alertsWsBench } from './alerts-ws';
import { experimentBench } from './experiments';
import { predictionBench } from './predictions';
import { benchDatabase, benchServer } from './database';
import { kpiBench } from './kpis';
import { loadBench } from './load';
import { segmentBench } from './segments';
import { startFlags } from './server-process';

// `npm run bench`: seeds (or reuses) BENCH_CUSTOMERS customers (default 100,000, about 50
// interactions each) in MariaDB, then runs the load suite (bench/load.ts: Pulse with DataLoader
// batching on and off and a plain mysql2 endpoint under autocannon; every response body is
// checked, so a failure never counts as throughput) and times segment refreshes, KPI
// evaluation, experiment results and predictions on that data.
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 100_000);
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
// BENCH_SCENARIO=<slug> (customer-360, customers-page, …) or mixed: the load part runs that one
// workload. BENCH_CPU_PROF=<dir>: its servers write V8 CPU profiles there.
const LOAD_ONLY = process.env.BENCH_SCENARIO;
const CPU_PROFILE_DIR = process.env.BENCH_CPU_PROF;

// BENCH_ONLY=load, segments, kpis, experiments, predictions or alerts runs one part; all run by default.
const PARTS = ['load', 'segments', 'kpis', 'experiments', 'predictions', 'alerts'] as const;

async function main(): Promise<void> {
  // Segments, KPIs, experiments and predictions are timed in this process, doing work a server
  // does: it must run with the server's Node flags (the bench script passes them).
  const missing = startFlags().filter((flag) => !process.execArgv.includes(flag));
  if (missing.length > 0) {
    throw new Error(`run the bench with the flags of npm start: node ${missing.join(' ')} …`);
  }
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
      await loadBench(url, {
        customers: CUSTOMERS,
        seconds: DURATION,
        connections: CONNECTIONS,
        only: LOAD_ONLY,
        cpuProfileDir: CPU_PROFILE_DIR,
      });
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

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
