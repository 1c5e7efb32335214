import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { createConnection } from 'mysql2/promise';

/** A MariaDB (or MySQL) server started for tests or benchmarks in a directory of its own. */
export interface LocalMariaDb {
  /** `mysql://root@127.0.0.1:PORT` without a database name. */
  baseUrl: string;
  port: number;
  stop(): Promise<void>;
  /** Kills the server without letting it shut down (a crash, as far as clients can tell). */
  kill(): Promise<void>;
}

const SERVER_BINARIES = ['/usr/sbin/mariadbd', '/usr/sbin/mysqld', '/usr/bin/mariadbd'];

export function findServerBinary(): string | null {
  return SERVER_BINARIES.find((bin) => existsSync(bin)) ?? null;
}

/**
 * Starts a server on a free loopback port with its data in `dataDir` (created and initialised
 * when empty; reused otherwise, which lets benchmarks keep their seeded data). Grants are
 * skipped: the server listens on 127.0.0.1 only and lives as long as the test run.
 */
export async function startLocalMariaDb(
  dataDir: string,
  /** A fixed port (to restart a server where its clients expect it); a free one otherwise. */
  fixedPort?: number,
  /** More server options, such as a binary log and server id for replication. */
  serverOptions: string[] = [],
): Promise<LocalMariaDb> {
  const binary = findServerBinary();
  if (!binary) {
    throw new Error('no mariadbd or mysqld binary on this machine');
  }
  mkdirSync(dataDir, { recursive: true });
  if (!existsSync(path.join(dataDir, 'mysql'))) {
    const init = spawnSync(
      'mariadb-install-db',
      [
        '--no-defaults',
        `--datadir=${dataDir}`,
        '--skip-test-db',
        '--auth-root-authentication-method=normal',
      ],
      { encoding: 'utf8' },
    );
    if (init.status !== 0) {
      throw new Error(`mariadb-install-db failed: ${init.stderr || init.stdout}`);
    }
  }
  const port = fixedPort ?? (await freePort());
  const child = spawn(
    binary,
    [
      '--no-defaults',
      `--datadir=${dataDir}`,
      `--socket=${path.join(dataDir, 'mysqld.sock')}`,
      `--pid-file=${path.join(dataDir, 'mysqld.pid')}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      '--skip-grant-tables',
      '--skip-name-resolve',
      '--default-time-zone=+00:00',
      '--innodb-buffer-pool-size=512M',
      '--innodb-flush-log-at-trx-commit=2',
      '--max-connections=500',
      '--user=root',
      ...serverOptions,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const baseUrl = `mysql://root@127.0.0.1:${port}`;
  await waitUntilReady(baseUrl, child, () => stderr);

  return {
    baseUrl,
    port,
    stop: () => stopProcess(child),
    kill: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) {
          resolve();

          return;
        }
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}

/** Creates (or empties) a database and returns its URL. */
export async function freshDatabase(baseUrl: string, name: string): Promise<string> {
  const connection = await createConnection(baseUrl);
  try {
    await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await connection.query(
      `CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
  } finally {
    await connection.end();
  }

  return `${baseUrl}/${name}`;
}

async function waitUntilReady(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`mariadbd exited with ${child.exitCode}: ${log()}`);
    }
    try {
      const connection = await createConnection(url);
      await connection.end();

      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  child.kill('SIGKILL');
  throw new Error(`mariadbd did not accept connections within 60 s: ${log()}`);
}

export function stopProcess(child: ChildProcess): Promise<void> {
  // A process killed by a signal has no exit code, only the signal.
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }

  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
