import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** Counters a benchmarked server reports over IPC. */
export interface ServerStats {
  /** SQL statements run for requests since the process started. */
  statements: number;
  /** HTTP requests received since the process started. */
  received: number;
  /** Requests whose response the server has not ended yet. */
  inFlight: number;
  /** CPU time (user + system) the process has used, in microseconds. */
  cpu: number;
  rss: number;
}

/** A server in a process of its own, so the load generator does not share its event loop. */
export interface ServerProcess {
  url: string;
  /** Sends `message` and resolves with the server's answer; one question at a time. */
  ask<T>(message: { type: string } & Record<string, unknown>): Promise<T>;
  stats(): Promise<ServerStats>;
  /** Stops the server and waits for its process to exit (before the database goes away). */
  stop(): Promise<void>;
}

/**
 * The Node flags of `npm start` (package.json), so that benchmarked servers run as production
 * does: the young generation's size alone moves a page of customers' CPU by a quarter.
 */
export function startFlags(): string[] {
  const pkg = JSON.parse(readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as {
    scripts: { start: string };
  };

  return pkg.scripts.start.split(/\s+/).filter((word) => word.startsWith('--'));
}

/**
 * Forks `script` (a file of dist/bench) with the flags of `npm start` and `execArgv`, and waits
 * for its `{ url }`. IPC uses the structured clone ("advanced") serialization: captured SQL
 * parameters keep their Dates and Buffers.
 */
export function forkServer(
  script: 'server.js' | 'plain-server.js',
  env: Record<string, string>,
  execArgv: string[] = [],
): Promise<ServerProcess> {
  const child = fork(path.join(__dirname, script), {
    // As .env.example runs Pulse. graphql-js reads NODE_ENV itself and, unless it is
    // "production", adds a cross-realm check to every failed instanceof.
    env: { NODE_ENV: 'production', ...process.env, ...env },
    execArgv: [...startFlags(), ...execArgv],
    serialization: 'advanced',
  });
  const ask = <T>(message: object) =>
    new Promise<T>((resolve) => {
      child.once('message', (answer) => resolve(answer as T));
      child.send(message);
    });

  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${script} exited with code ${code}`)));
    child.once('message', (message: { url: string }) => {
      child.removeAllListeners('exit');
      resolve({
        url: message.url,
        ask,
        stats: () => ask<ServerStats>({ type: 'stats' }),
        stop: () =>
          new Promise((done) => {
            child.once('exit', () => done());
            child.send({ type: 'stop' });
          }),
      });
    });
  });
}

/**
 * The server's counters once it has ended every request. autocannon stops waiting when its time
 * is up, while requests already sent still run: their statements and CPU belong to the run that
 * sent them, and the next run (or the server's stop) must not overlap them.
 */
export async function settled(server: ServerProcess): Promise<ServerStats> {
  for (;;) {
    const stats = await server.stats();
    if (stats.inFlight === 0) {
      return stats;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
