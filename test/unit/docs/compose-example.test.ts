import { readFileSync } from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';
import { loadConfig } from '../../../src/config';

const ROOT = path.join(__dirname, '../../..');
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const START_SCRIPT = (
  JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    scripts: { start: string };
  }
).scripts.start;

interface Service {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: string[];
}

/** The README's compose example, parsed (anchors and merge keys resolved). */
function composeExample(): Record<string, Service> {
  const block = /```yaml\n# docker-compose\.yml\n([\s\S]*?)```/.exec(README);
  if (!block) {
    throw new Error('README has no ```yaml block starting with # docker-compose.yml');
  }

  return (load(block[1]) as { services: Record<string, Service> }).services;
}

/** Variables of the configuration table, from its first column. */
function documentedVariables(): Set<string> {
  const table = README.slice(
    README.indexOf('## Configuration'),
    README.indexOf('## The API at a glance'),
  );

  return new Set([...table.matchAll(/^\| `([A-Z_]+)`/gm)].map(([, name]) => name));
}

describe('the compose example in README', () => {
  const services = composeExample();
  const instances = Object.entries(services).filter(([name]) => name.startsWith('pulse-'));

  it('runs MySQL 8, Redis, two Pulse instances and a proxy to both', () => {
    expect(services.mysql.image).toMatch(/^mysql:8/);
    expect(services.redis.image).toMatch(/^redis:/);
    expect(instances.map(([name]) => name)).toEqual(['pulse-1', 'pulse-2']);
    const proxy = services.proxy.command?.join(' ') ?? '';
    for (const [name, service] of instances) {
      expect(proxy).toContain(`${name}:${service.environment?.PORT}`);
    }
  });

  it('runs each instance as `npm start` does, Node flags included', () => {
    for (const [, service] of instances) {
      expect(service.command?.join(' ')).toBe(START_SCRIPT);
    }
  });

  it('sets only documented variables, with values Pulse accepts', () => {
    const documented = documentedVariables();
    for (const [, service] of instances) {
      const env = service.environment ?? {};
      expect(Object.keys(env).filter((name) => !documented.has(name))).toEqual([]);
      const config = loadConfig(env);
      expect(config.database).toMatchObject({
        type: 'mysql',
        poolSize: 20,
        statementTimeoutMs: 30_000,
      });
      expect(config.redisUrl).toBe('redis://redis:6379');
    }
  });

  it('points both instances at the same database and Redis, with the pools within MySQL max_connections', () => {
    const [first, second] = instances.map(([, service]) => service.environment ?? {});
    expect(second.DATABASE_URL).toBe(first.DATABASE_URL);
    expect(second.REDIS_URL).toBe(first.REDIS_URL);
    expect(new URL(first.DATABASE_URL).hostname).toBe('mysql');
    expect(new URL(first.DATABASE_URL).pathname).toBe(
      `/${services.mysql.environment?.MYSQL_DATABASE}`,
    );
    const maxConnections = Number(
      /--max-connections=(\d+)/.exec(services.mysql.command?.join(' ') ?? '')?.[1],
    );
    const pools = instances.reduce(
      (sum, [, service]) => sum + Number(service.environment?.PULSE_DB_POOL_SIZE),
      0,
    );
    expect(pools).toBeLessThan(maxConnections);
  });
});
