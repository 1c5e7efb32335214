import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../src/config';
import { createLog } from '../../../src/log';
import { startPulse } from '../../../src/server/app';
import { pulseCli } from '../support/pulse-cli';

describe('pulse keys and PULSE_ADMIN_KEY', () => {
  const env = { ...process.env };

  beforeAll(() => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pulse-cli-'));
    process.env.DATABASE_URL = `sqlite:${path.join(dir, 'pulse.sqlite')}`;
  });

  afterAll(() => {
    process.env = env;
  });

  it('creates a key printed as the last line, which then authenticates requests until revoked', async () => {
    const created = await pulseCli('keys', 'create', '--role', 'analyst', '--name', 'ci bot');
    const key = created.at(-1) as string;
    expect(key).toMatch(/^pulse_[\w-]{43}$/);
    const listed = (await pulseCli('keys', 'list')).join('\n');
    expect(listed).toContain('ci bot');
    expect(listed).not.toContain(key);

    const app = await startPulse(
      {
        ...loadConfig(),
        port: 0,
        host: '127.0.0.1',
        seedDemo: false,
        keyCacheSeconds: 0,
        shutdownDrainMs: 0,
      },
      { log: createLog('silent') },
    );
    try {
      const ask = async () =>
        (await fetch(app.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
          body: JSON.stringify({ query: '{ customers(first: 1) { totalCount } }' }),
        }).then((response) => response.json())) as {
          data?: unknown;
          errors?: Array<{ extensions: { code: string } }>;
        };
      expect((await ask()).data).toEqual({ customers: { totalCount: 0 } });
      const id = /Created key (\d+)/.exec(created.join('\n'))?.[1] as string;
      await pulseCli('keys', 'revoke', id);
      expect((await ask()).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    } finally {
      await app.stop();
    }
  });

  it('refuses an unknown role naming the option', async () => {
    await expect(pulseCli('keys', 'create', '--role', 'king', '--name', 'x')).rejects.toThrow(
      '--role must be one of ADMIN, ANALYST, PARTNER, ALERTS, got "king"',
    );
  });

  // On MySQL, Number("abc") went to the query as NaN and the command failed with the driver's
  // "Unknown column 'NaN' in 'WHERE'"; "0x1f" or "1e1" named another key than the one typed.
  it.each(['abc', '0x1f', '1e1', '1.5', '-2', ''])(
    'refuses the key id "%s" before opening the database, naming the argument',
    async (id) => {
      await expect(pulseCli('keys', 'revoke', id)).rejects.toThrow(
        `expected a key id (a whole number, as \`pulse keys list\` shows it), got "${id}"`,
      );
    },
  );

  it('makes PULSE_ADMIN_KEY an ADMIN key at start-up, again after revocation', async () => {
    const adminKey = 'a-deployment-admin-key-0123456789';
    const config = {
      ...loadConfig(),
      port: 0,
      host: '127.0.0.1',
      seedDemo: false,
      adminKey,
      keyCacheSeconds: 0,
      shutdownDrainMs: 0,
    };
    for (let start = 0; start < 2; start += 1) {
      const app = await startPulse(config, { log: createLog('silent') });
      try {
        const response = await fetch(app.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
          body: JSON.stringify({
            query: 'mutation { createCustomer(input: { name: "Root" }) { customer { name } } }',
          }),
        }).then((r) => r.json());
        expect(response).toEqual({ data: { createCustomer: { customer: { name: 'Root' } } } });
        const [record] = (await app.services.apiKeys.list()).filter(
          (key) => key.name === 'PULSE_ADMIN_KEY',
        );
        await app.services.apiKeys.revoke(record.id);
      } finally {
        await app.stop();
      }
    }
  });
});
