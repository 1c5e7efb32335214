import 'reflect-metadata';
import { benchDatabase, benchServer, printTable } from './database';
import { pulseTarget, runLoad } from './load-client';
import { prepareLoadFixtures } from './load-fixtures';
import { loadScenarios, loadWorkloads } from './scenarios';
import { pacedLoad } from './paced-load';
import { forkServer, settled } from './server-process';

// `npm run bench:soak` (issue 9): memory under constant load. A Pulse server started with
// --expose-gc serves the mixed workload of the load suite at a fixed, paced rate for
// BENCH_SOAK_MINUTES (default 10) on the bench data (as `npm run bench`: BENCH_MYSQL_URL or
// the local server on data/bench-mariadb). The warm-up is 10 s flat out and the first minute
// at the rate; at its end and then every minute the server reports its heap after a full
// garbage collection. Target: the last value within 10 % of the warm-up value.
const MINUTES = Number(process.env.BENCH_SOAK_MINUTES ?? 10);
/** Requests per second: about half of what the mix reaches flat out on the 2-core machine. */
const RATE = Number(process.env.BENCH_SOAK_RATE ?? 40);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 100_000);
const TOLERANCE = 0.1;
const WARM_UP_BURST_SECONDS = 10;
const MINUTE_MS = 60_000;
const MB = 1024 * 1024;

interface Sample {
  minute: number;
  heapUsed: number;
  rss: number;
  answers: number;
  failures: number;
}

async function main(): Promise<void> {
  if (!(Number.isInteger(MINUTES) && MINUTES >= 2)) {
    throw new Error(`BENCH_SOAK_MINUTES must be an integer of at least 2, got "${MINUTES}"`);
  }
  const url =
    process.env.BENCH_MYSQL_URL ?? (await benchDatabase(await benchServer(), 'pulse_bench'));
  const fixtures = await prepareLoadFixtures(url, CUSTOMERS);
  const mixed = loadWorkloads(loadScenarios(fixtures)).find(
    (workload) => workload.slug === 'mixed',
  );
  if (!mixed) {
    throw new Error('the load suite has no mixed workload');
  }
  const server = await forkServer(
    'server.js',
    // The same pool and queue as the load suite (bench/load.ts).
    { DATABASE_URL: url, PULSE_DB_POOL_SIZE: '20', PULSE_DB_QUEUE_LIMIT: '100000' },
    ['--expose-gc'],
  );
  console.log(
    `soak: ${mixed.name} at ${RATE} req/s over ${CONNECTIONS} connections for ${MINUTES} minutes`,
  );

  const target = pulseTarget(server.url, fixtures.key);
  // The warm-up starts flat out: the paced rate alone opens the pool's 20 connections one by
  // one over many minutes, and each connection holds mysql2's statement cache (about 0.5 MB),
  // growth that is the pool filling up, not a leak.
  await runLoad(target, mixed, fixtures.customerIds, {
    connections: CONNECTIONS,
    seconds: WARM_UP_BURST_SECONDS,
  });
  await settled(server);
  let answers = 0;
  let failures = 0;
  const started = Date.now();
  const load = pacedLoad(target, mixed, fixtures.customerIds, {
    connections: CONNECTIONS,
    seconds: MINUTES * 60,
    rate: RATE,
    onResponse: (answered) => (answered ? (answers += 1) : (failures += 1)),
  });
  const samples: Sample[] = [];
  for (let minute = 1; minute <= MINUTES; minute += 1) {
    const wait = Math.max(0, started + minute * MINUTE_MS - Date.now());
    await new Promise((resolve) => setTimeout(resolve, wait));
    const heap = await server.ask<{ heapUsed: number; rss: number }>({ type: 'heap' });
    samples.push({ minute, ...heap, answers, failures });
    console.log(`minute ${minute}: heap after GC ${(heap.heapUsed / MB).toFixed(1)} MB`);
  }
  const result = await load;
  await settled(server);
  await server.stop();

  printTable(
    ['minute', 'heap after GC MB', 'vs minute 1', 'RSS MB', 'answers that minute', 'failures'],
    samples.map((sample, i) => [
      String(sample.minute),
      (sample.heapUsed / MB).toFixed(1),
      percentChange(sample.heapUsed, samples[0].heapUsed),
      (sample.rss / MB).toFixed(0),
      String(sample.answers - (samples[i - 1]?.answers ?? 0)),
      String(sample.failures - (samples[i - 1]?.failures ?? 0)),
    ]),
  );
  const warm = samples[0].heapUsed;
  const last = samples[samples.length - 1].heapUsed;
  const flat = Math.abs(last - warm) / warm <= TOLERANCE;
  console.log(
    `\n${result.answers} answers, p50 ${result.p50} ms, p99 ${result.p99} ms, ${result.failures} failures`,
  );
  console.log(
    `${flat ? 'PASS' : 'MISS'}  heap after GC at minute ${MINUTES} is ${percentChange(last, warm)} against minute 1 (target within ±${TOLERANCE * 100} %)`,
  );
}

function percentChange(value: number, base: number): string {
  const change = ((value - base) / base) * 100;

  return `${change >= 0 ? '+' : ''}${change.toFixed(1)} %`;
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
