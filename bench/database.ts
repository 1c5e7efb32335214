import path from 'node:path';
import { SingleBar } from 'cli-progress';
import { createConnection } from 'mysql2/promise';
import type { DataSource } from 'typeorm';
import { openDatabase } from '../src/db/open';
import type { Log } from '../src/log';
import { seedDemoData } from '../src/seed/seed.service';
import { freshDatabase, startLocalMariaDb } from '../test/support/mariadb-server';

/**
 * The benchmarks' MariaDB: BENCH_MYSQL_URL's server, or one started on data/bench-mariadb whose
 * seeded databases survive between runs. Returns the server URL without a database name.
 */
export async function benchServer(): Promise<string> {
  if (process.env.BENCH_MYSQL_URL) {
    return process.env.BENCH_MYSQL_URL.replace(/\/[^/]*$/, '');
  }
  const server = await startLocalMariaDb(path.resolve('data/bench-mariadb'));
  process.on('exit', () => void server.stop());

  return server.baseUrl;
}

/** The URL of database `name` on the server, created when it does not exist yet. */
export async function benchDatabase(baseUrl: string, name: string): Promise<string> {
  const connection = await createConnection(baseUrl);
  const [rows] = await connection.query('SHOW DATABASES LIKE ?', [name]);
  await connection.end();

  return (rows as unknown[]).length ? `${baseUrl}/${name}` : freshDatabase(baseUrl, name);
}

/** Opens (and migrates) a bench database, seeding the demo data set until it has `customers`. */
export async function openSeeded(url: string, customers: number, log: Log): Promise<DataSource> {
  const db = await openDatabase({ type: 'mysql', flavor: 'mysql', url, poolSize: 20 }, log);
  const [{ n }] = await db.query('SELECT COUNT(*) AS n FROM customers');
  if (Number(n) < customers) {
    const bar = new SingleBar({
      format: `seeding [{bar}] {value}/{total} customers | {eta}s left`,
    });
    bar.start(customers, 0);
    const started = Date.now();
    const counts = await seedDemoData(db, { customers, onProgress: (done) => bar.update(done) });
    bar.stop();
    console.log(
      `seeded ${JSON.stringify(counts)} in ${((Date.now() - started) / 1000).toFixed(0)} s`,
    );
  }

  return db;
}

export function printTable(header: string[], rows: string[][]): void {
  const lines = [header, header.map(() => '---'), ...rows].map((row) => `| ${row.join(' | ')} |`);
  console.log(lines.join('\n'));
}
