import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort, stopProcess } from './mariadb-server';

/** A redis-server started for tests in a directory of its own, with persistence off. */
export interface LocalRedis {
  /** `redis://127.0.0.1:PORT` */
  url: string;
  port: number;
  /** Process id, for tests that freeze the server (SIGSTOP) to play a hung Redis. */
  pid: number;
  stop(): Promise<void>;
}

const REDIS_BINARY = '/usr/bin/redis-server';

/**
 * Whether Redis tests can run. A missing binary fails the run loudly (CI installs it), unless
 * PULSE_TEST_SKIP_REDIS=1 asks to skip them, which is then said just as loudly.
 */
export function redisAvailable(): boolean {
  if (existsSync(REDIS_BINARY)) {
    return true;
  }
  if (process.env.PULSE_TEST_SKIP_REDIS === '1') {
    process.stderr.write(
      `\n\n*** REDIS TESTS SKIPPED: no ${REDIS_BINARY} and PULSE_TEST_SKIP_REDIS=1. ***\n\n`,
    );

    return false;
  }
  throw new Error(
    `${REDIS_BINARY} is missing: install redis-server (apt-get install redis-server) or set PULSE_TEST_SKIP_REDIS=1`,
  );
}

/**
 * Starts redis-server on 127.0.0.1 at `port` (a free one when omitted; give the port of a
 * stopped server to bring "the same" Redis back) and waits until it answers PING.
 */
export async function startLocalRedis(port?: number): Promise<LocalRedis> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pulse-redis-'));
  const listenPort = port ?? (await freePort());
  const child = spawn(
    REDIS_BINARY,
    [
      '--port',
      String(listenPort),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'no',
      '--daemonize',
      'no',
      '--logfile',
      '',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = `redis://127.0.0.1:${listenPort}`;
  await waitUntilReady(url, child, () => output);

  return {
    url,
    port: listenPort,
    pid: child.pid as number,
    stop: async () => {
      await stopProcess(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitUntilReady(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`redis-server exited with ${child.exitCode}: ${log()}`);
    }
    const client = new Redis(url, {
      lazyConnect: true,
      retryStrategy: () => null,
      disconnectTimeout: 0,
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.ping();

      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      client.disconnect();
    }
  }
  child.kill('SIGKILL');
  throw new Error(`redis-server did not answer within 10 s: ${log()}`);
}
