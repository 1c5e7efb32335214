import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { freePort, stopProcess } from '../../../support/mariadb-server';

const ROOT = path.resolve(__dirname, '../../../..');
const MAIN = path.join(ROOT, 'dist/src/main.js');

/** A Pulse server in a Node process of its own, started from the compiled `dist/`. */
export interface PulseProcess {
  url: string;
  /** The process id (job lease holders name it). */
  pid: number;
  /** The ADMIN key the process was started with (PULSE_ADMIN_KEY). */
  adminKey: string;
  /** POSTs an operation as ADMIN and returns `data`; GraphQL errors throw. */
  query<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
  /** A graphql-ws client of this process, authenticated as ADMIN. */
  wsClient(): Client;
  /** GET /metrics as text. */
  metrics(): Promise<string>;
  stop(): Promise<void>;
  /** Kills the process without a chance to clean up (SIGKILL): its leases stay held. */
  kill(): Promise<void>;
  /** Sends SIGTERM, as an orchestrator does; resolves with the exit code once it exited. */
  terminate(): Promise<number | null>;
}

/**
 * Fails with the fix when `dist/` lacks `required` (a path under dist/src): these tests run
 * the build, because they need processes of their own and ts-node is not a dependency.
 */
export function requireBuild(required: string): void {
  if (!existsSync(MAIN) || !existsSync(path.join(ROOT, 'dist/src', required))) {
    throw new Error(
      `dist/src/${required} is missing: run \`npm run build\` before this test (npm ci does it)`,
    );
  }
}

/** Starts `node dist/src/main.js` with `env` and waits until /readyz answers 200. */
export async function startPulseProcess(env: Record<string, string>): Promise<PulseProcess> {
  const port = await freePort();
  const adminKey = `admin-${randomBytes(12).toString('hex')}`;
  const child = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(port),
      PULSE_ADMIN_KEY: adminKey,
      PULSE_SEED_DEMO: 'false',
      PULSE_SEGMENT_REFRESH_MINUTES: '0',
      PULSE_SEGMENT_INGESTION_DEBOUNCE_SECONDS: '0',
      LOG_LEVEL: 'warn',
      // Nothing routes to a test process: it can stop at once unless a test says otherwise.
      PULSE_SHUTDOWN_DRAIN_MS: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`pulse exited with ${child.exitCode}: ${output}`);
    }
    const ready = await fetch(`${base}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) {
      break;
    }
    if (Date.now() > deadline) {
      await stopProcess(child);
      throw new Error(`pulse was not ready within 30 s: ${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const url = `${base}/graphql`;

  return {
    url,
    pid: child.pid as number,
    adminKey,
    async query<T>(query: string, variables: Record<string, unknown> = {}) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: T; errors?: unknown };
      if (body.errors || !body.data) {
        throw new Error(`${query} failed: ${JSON.stringify(body.errors)}`);
      }

      return body.data;
    },
    wsClient: () =>
      createClient({
        url: url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${adminKey}` },
        retryAttempts: 0,
        lazy: true,
      }),
    metrics: async () => (await fetch(`${base}/metrics`)).text(),
    stop: () => stopProcess(child),
    terminate: () =>
      new Promise<number | null>((resolve) => {
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      }),
    kill: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) {
          resolve();

          return;
        }
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}
