import { loadConfig } from '../../src/config';

describe('loadConfig', () => {
  it('uses the documented defaults when the environment is empty', () => {
    expect(loadConfig({})).toMatchObject({
      port: 4000,
      host: '0.0.0.0',
      database: { type: 'sqlite', path: 'data/pulse.sqlite' },
      adminKey: null,
      seedDemo: true,
      logLevel: 'info',
      maxPageSize: 100,
      maxBodyBytes: 5 * 1024 * 1024,
      keyCacheSeconds: 10,
    });
  });

  it('reads a MySQL and a MariaDB URL, normalising the scheme for the driver', () => {
    expect(loadConfig({ DATABASE_URL: 'mysql://u:p@db:3306/pulse' }).database).toEqual({
      type: 'mysql',
      flavor: 'mysql',
      url: 'mysql://u:p@db:3306/pulse',
      poolSize: 10,
    });
    expect(
      loadConfig({ DATABASE_URL: 'mariadb://u:p@db/pulse', PULSE_DB_POOL_SIZE: '4' }).database,
    ).toEqual({
      type: 'mysql',
      flavor: 'mariadb',
      url: 'mysql://u:p@db/pulse',
      poolSize: 4,
    });
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT must be an integer between 0 and 65535, got "abc"'],
    [{ PORT: '70000' }, 'PORT must be an integer between 0 and 65535, got "70000"'],
    [
      { PULSE_MAX_PAGE_SIZE: '0' },
      'PULSE_MAX_PAGE_SIZE must be an integer between 1 and 1000, got "0"',
    ],
    [
      { LOG_LEVEL: 'loud' },
      'LOG_LEVEL must be one of debug, info, warn, error, silent, got "loud"',
    ],
    [{ PULSE_SEED_DEMO: 'maybe' }, 'PULSE_SEED_DEMO must be true or false, got "maybe"'],
    [{ PULSE_ADMIN_KEY: 'short' }, 'PULSE_ADMIN_KEY must be at least 16 characters, got 5'],
    [
      { DATABASE_URL: 'postgres://x/y' },
      'DATABASE_URL must be sqlite:PATH, mysql://user:pass@host:port/database or mariadb://…, got "postgres://x/y"',
    ],
    [
      { DATABASE_URL: 'sqlite:' },
      'DATABASE_URL sqlite: needs a file path or :memory:, got "sqlite:"',
    ],
  ])('refuses %j with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});
