import { printTable } from './database';
import { type LoadTarget, plainTarget, pulseTarget, runLoad } from './load-client';
import { type LoadFixtures, prepareLoadFixtures } from './load-fixtures';
import type { ReplayPlan } from './plain-server';
import { type Scenario, type Workload, loadScenarios, loadWorkloads } from './scenarios';
import { forkServer, type ServerProcess, type ServerStats } from './server-process';
import type { CapturedStatement } from './sql-capture';

// The load suite of issue 9: every workload of bench/scenarios.ts against Pulse with DataLoader
// batching on, against Pulse with it off, and against the plain endpoint (bench/plain-server.ts)
// that runs the statements Pulse ran, with nothing but node:http and mysql2. One table compares
// them and the targets are checked below it.

/** The same pool for Pulse and the plain endpoint. */
const POOL_SIZE = 20;
/** Mixed load before the measured runs: JIT, pool connections and buffer pool warm up. */
const WARM_UP_SECONDS = 5;
/** The customer whose statements are captured (a mid-sample id, unlikely to equal a LIMIT). */
const CAPTURE_INDEX = 1234;

const TARGETS = {
  /** Pulse's throughput over the plain endpoint's, on every workload. */
  plainShare: 0.5,
  /** Batched over un-batched throughput, on nested queries. */
  batchingGain: 10,
  /** Customer 360 p99 latency at 50 connections. */
  p99Ms: 100,
};

export interface LoadBenchOptions {
  customers: number;
  seconds: number;
  connections: number;
  /** Runs one workload (a scenario slug, or "mixed") instead of all, e.g. to profile it. */
  only?: string;
  /** Where the servers write V8 CPU profiles (node --cpu-prof); no profiles when absent. */
  cpuProfileDir?: string;
}

interface Run {
  answersPerSecond: number;
  p50: number;
  p99: number;
  failures: number;
  statementsPerRequest: number;
  /** CPU the server process spent per answered request: its share of the two cores. */
  cpuMsPerRequest: number;
  rssMb: number;
}

export async function loadBench(url: string, options: LoadBenchOptions): Promise<void> {
  const fixtures = await prepareLoadFixtures(url, options.customers);
  const scenarios = loadScenarios(fixtures);
  const workloads = loadWorkloads(scenarios).filter(
    (workload) => options.only === undefined || workload.slug === options.only,
  );
  if (workloads.length === 0) {
    throw new Error(`BENCH_SCENARIO must be a scenario slug or "mixed", got "${options.only}"`);
  }
  const execArgv = options.cpuProfileDir
    ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`]
    : [];
  console.log(
    `data: ${fixtures.customers.toLocaleString('en')} customers, ${fixtures.interactions.toLocaleString('en')} interactions; ` +
      `${options.connections} connections, ${options.seconds} s per run, pool of ${POOL_SIZE}\n`,
  );
  const env = {
    DATABASE_URL: url,
    PULSE_DB_POOL_SIZE: String(POOL_SIZE),
    // Pulse refuses statements beyond a queue of 100 by default, so that overload answers at
    // once; un-batched nested pages queue far more. Both servers queue without such a limit.
    PULSE_DB_QUEUE_LIMIT: '100000',
  };

  const batched = await forkServer('server.js', { ...env, BENCH_BATCH: 'true' }, execArgv);
  const batchedTarget = pulseTarget(batched.url, fixtures.key);
  const plans = await capturePlans(batched, batchedTarget, Object.values(scenarios), fixtures);
  const on = await measure(batched, batchedTarget, workloads, fixtures, options);
  await batched.stop();

  const unbatched = await forkServer('server.js', { ...env, BENCH_BATCH: 'false' }, execArgv);
  const off = await measure(
    unbatched,
    pulseTarget(unbatched.url, fixtures.key),
    workloads,
    fixtures,
    options,
  );
  await unbatched.stop();

  const plainServer = await forkServer('plain-server.js', env, execArgv);
  await plainServer.ask({ type: 'plans', plans });
  const plain = await measure(
    plainServer,
    plainTarget(plainServer.url),
    workloads,
    fixtures,
    options,
  );
  await plainServer.stop();

  const runRow = (workload: Workload, server: string, run: Run) => [
    workload.name,
    server,
    run.answersPerSecond.toFixed(0),
    String(run.p50),
    String(run.p99),
    String(run.failures),
    run.statementsPerRequest.toFixed(1),
    run.cpuMsPerRequest.toFixed(1),
    run.rssMb.toFixed(0),
  ];
  console.log('\nEvery run:\n');
  printTable(
    [
      'workload',
      'server',
      'req/s',
      'p50 ms',
      'p99 ms',
      'failures',
      'SQL/req',
      'server CPU ms/req',
      'RSS MB',
    ],
    [
      ...workloads.map((workload, i) => runRow(workload, 'Pulse', on[i])),
      ...workloads.map((workload, i) => runRow(workload, 'Pulse, DataLoader off', off[i])),
      ...workloads.map((workload, i) => runRow(workload, 'plain mysql2 + JSON', plain[i])),
    ],
  );
  console.log(`\nPulse, ${options.connections} connections:\n`);
  printTable(
    ['query', 'req/s', 'p50 ms', 'p99 ms', 'SQL/req', 'RSS MB', 'vs plain', 'vs DataLoader off'],
    workloads.map((workload, i) => [
      workload.name,
      on[i].answersPerSecond.toFixed(0),
      String(on[i].p50),
      String(on[i].p99),
      on[i].statementsPerRequest.toFixed(1),
      on[i].rssMb.toFixed(0),
      percent(on[i].answersPerSecond / plain[i].answersPerSecond),
      ratio(on[i].answersPerSecond, off[i].answersPerSecond),
    ]),
  );
  console.log('');
  checkTargets(workloads, scenarios.customer360, { on, off, plain }, options.connections);
}

/**
 * The statements of one request per scenario, recorded in Pulse's process. The request before
 * each capture warms the key cache, so the capture holds what a steady request runs.
 */
async function capturePlans(
  server: ServerProcess,
  target: LoadTarget,
  scenarios: Scenario[],
  fixtures: LoadFixtures,
): Promise<Record<string, ReplayPlan>> {
  const customerId = fixtures.customerIds[CAPTURE_INDEX % fixtures.customerIds.length];
  const plans: Record<string, ReplayPlan> = {};
  for (const scenario of scenarios) {
    const send = async () => {
      const { path, headers, body } = target.request(scenario, customerId);
      const response = await fetch(`${target.origin}${path}`, { method: 'POST', headers, body });
      const text = await response.text();
      if (!target.isAnswer(scenario, response.status, text)) {
        throw new Error(`${scenario.name}: no complete answer: ${text.slice(0, 500)}`);
      }
    };
    await send();
    await server.ask({ type: 'capture-start' });
    await send();
    const statements = await server.ask<CapturedStatement[]>({ type: 'capture-stop' });
    plans[scenario.slug] = { customerId, statements };
    const swapped = statements.filter((s) => s.parameters.includes(customerId)).length;
    const waves = new Set(statements.map((s) => s.wave)).size;
    console.log(
      `captured ${scenario.name}: ${statements.length} statements in ${waves} waves` +
        (swapped ? `, ${swapped} with the customer id as a parameter` : ''),
    );
  }

  return plans;
}

async function measure(
  server: ServerProcess,
  target: LoadTarget,
  workloads: Workload[],
  fixtures: LoadFixtures,
  options: LoadBenchOptions,
): Promise<Run[]> {
  const load = async (workload: Workload, seconds: number) => {
    const before = await server.stats();
    const result = await runLoad(target, workload, fixtures.customerIds, { ...options, seconds });
    const after = await settled(server);
    const requests = Math.max(after.received - before.received, 1);

    return {
      ...result,
      statementsPerRequest: (after.statements - before.statements) / requests,
      cpuMsPerRequest: (after.cpu - before.cpu) / 1000 / requests,
      rssMb: after.rss / 1024 / 1024,
    };
  };
  await load(workloads[workloads.length - 1], WARM_UP_SECONDS);
  const runs: Run[] = [];
  for (const workload of workloads) {
    runs.push(await load(workload, options.seconds));
  }

  return runs;
}

/**
 * The server's counters once it has ended every request. autocannon stops waiting when its time
 * is up, while requests already sent still run: their statements and CPU belong to this run,
 * and the next run must not share the machine with them.
 */
async function settled(server: ServerProcess): Promise<ServerStats> {
  for (;;) {
    const stats = await server.stats();
    if (stats.inFlight === 0) {
      return stats;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function checkTargets(
  workloads: Workload[],
  customer360: Scenario,
  runs: { on: Run[]; off: Run[]; plain: Run[] },
  connections: number,
): void {
  const verdict = (pass: boolean) => (pass ? 'PASS' : 'MISS');
  for (const [i, workload] of workloads.entries()) {
    const share = runs.on[i].answersPerSecond / runs.plain[i].answersPerSecond;
    console.log(
      `${verdict(share >= TARGETS.plainShare)}  ${workload.name}: ${percent(share)} of the plain endpoint (target ≥ ${percent(TARGETS.plainShare)})`,
    );
  }
  for (const [i, workload] of workloads.entries()) {
    if (workload.nested) {
      const gain = runs.on[i].answersPerSecond / runs.off[i].answersPerSecond;
      console.log(
        `${verdict(gain >= TARGETS.batchingGain)}  ${workload.name}: ${ratio(runs.on[i].answersPerSecond, runs.off[i].answersPerSecond)} DataLoader off (target ≥ ${TARGETS.batchingGain}×)`,
      );
    }
  }
  const i = workloads.findIndex((workload) => workload.slug === customer360.slug);
  if (i === -1) {
    return;
  }
  const p99 = runs.on[i].p99;
  console.log(
    `${verdict(p99 < TARGETS.p99Ms && connections >= 50)}  ${customer360.name}: p99 ${p99} ms at ${connections} connections (target < ${TARGETS.p99Ms} ms at 50)`,
  );
}

function percent(share: number): string {
  return `${Math.round(share * 100)} %`;
}

/** `a` over `b` as "12.3×"; a run without a single answer has no ratio. */
function ratio(a: number, b: number): string {
  return b > 0 ? `${(a / b).toFixed(1)}×` : 'no answers';
}
