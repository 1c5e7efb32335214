import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPool } from 'mysql2/promise';
import { cpuMicroseconds, requestCounters } from './server-counters';
import type { CapturedStatement } from './sql-capture';

// The practical limit of the stack: node:http and a mysql2 pool, with no GraphQL, no TypeORM,
// no authentication. For POST /<scenario slug> with a body {"customerId": n} it runs the SQL
// statements Pulse ran for one request of that scenario (captured in Pulse's process by
// bench/sql-capture.ts) and writes their rows as JSON.
//
// How faithful the replay is: the statements are Pulse's own text and parameters, sent with
// the same client call (`query`, client-side escaping) over a pool of the same size and
// options. The captured customer's id is swapped for the request's wherever it is a parameter;
// everything else is replayed as captured, so statements whose parameters came from earlier
// answers (the order ids whose lines a customer 360 reads) read the captured customer's rows:
// the same kind and amount of work, not the same rows. Statements run in the waves Pulse ran
// them in: a wave's statements concurrently, waves one after the other.
//
// The parent sends { type: 'plans', plans } before any load; DATABASE_URL, PULSE_DB_POOL_SIZE
// and PULSE_DB_QUEUE_LIMIT are the same as the Pulse server's.

/** One scenario's statements and the customer they were captured for. */
export interface ReplayPlan {
  customerId: number;
  statements: CapturedStatement[];
}

const pool = createPool({
  uri: requiredEnv('DATABASE_URL'),
  connectionLimit: Number(requiredEnv('PULSE_DB_POOL_SIZE')),
  // As src/db/data-source.ts configures mysql2 for Pulse.
  charset: 'utf8mb4',
  timezone: 'Z',
  supportBigNumbers: true,
  bigNumberStrings: false,
  decimalNumbers: true,
  dateStrings: ['DATE'],
  flags: ['-FOUND_ROWS'],
  queueLimit: Number(requiredEnv('PULSE_DB_QUEUE_LIMIT')),
});

/** Per scenario slug: the captured customer, and the statements of each wave. */
let plans = new Map<string, { customerId: number; waves: CapturedStatement[][] }>();
let statementsRun = 0;
const reportedErrors = new Set<string>();

async function replay(slug: string, customerId: number): Promise<unknown[]> {
  const plan = plans.get(slug);
  if (!plan) {
    throw new Error(`no plan for "${slug}"`);
  }
  const swap = (value: unknown) => (value === plan.customerId ? customerId : value);
  const rows: unknown[] = [];
  for (const wave of plan.waves) {
    statementsRun += wave.length;
    const answers = await Promise.all(
      wave.map((statement) =>
        pool.query(statement.sql, statement.parameters.map(swap)).then(([result]) => result),
      ),
    );
    rows.push(...answers);
  }

  return rows;
}

function inWaves(statements: CapturedStatement[]): CapturedStatement[][] {
  const byWave: CapturedStatement[][] = [];
  for (const statement of statements) {
    (byWave[statement.wave] ??= []).push(statement);
  }

  return byWave.filter(Boolean);
}

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    chunks.push(chunk as Buffer);
  }
  try {
    const { customerId } = JSON.parse(Buffer.concat(chunks).toString()) as { customerId: number };
    const data = await replay((request.url ?? '').slice(1), customerId);
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ data }));
  } catch (error) {
    // Said once per kind: a failing replay must not pass for a slow one.
    const message = String(error);
    if (!reportedErrors.has(message)) {
      reportedErrors.add(message);
      process.stderr.write(`plain endpoint: ${request.url}: ${message}\n`);
    }
    response.writeHead(500, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ errors: [{ message: String(error) }] }));
  }
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} must be set for the plain endpoint`);
  }

  return value;
}

const server = createServer((request, response) => void handle(request, response));
process.on('message', (message: { type: string; plans?: Record<string, ReplayPlan> }) => {
  if (message.type === 'plans' && message.plans) {
    plans = new Map(
      Object.entries(message.plans).map(([slug, plan]) => [
        slug,
        { customerId: plan.customerId, waves: inWaves(plan.statements) },
      ]),
    );
    process.send?.({ ok: true });
  } else if (message.type === 'stats') {
    process.send?.({
      statements: statementsRun,
      ...requestCounters(),
      cpu: cpuMicroseconds(),
      rss: process.memoryUsage().rss,
    });
  } else if (message.type === 'stop') {
    server.close();
    server.closeAllConnections();
    void pool.end().then(() => process.exit(0));
  }
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.send?.({ url: `http://127.0.0.1:${port}` });
});
