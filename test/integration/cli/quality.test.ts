import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { openDatabase } from '../../../src/db/open';
import { createLog } from '../../../src/log';
import { requireBuild } from '../delivery/support/pulse-process';
import { insertQualityCustomers } from '../quality/quality-data';

const ROOT = path.resolve(__dirname, '../../..');

describe('pulse quality', () => {
  it('prints field shares, event problems, duplicates and freshness as tables', async () => {
    requireBuild('cli/quality.command.js');
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'pulse-quality-')), 'pulse.sqlite');
    const db = await openDatabase({ type: 'sqlite', path: file }, createLog('silent'));
    try {
      await insertQualityCustomers(db, 'cli', new Date());
    } finally {
      await db.destroy();
    }

    const { stdout } = await promisify(execFile)(
      process.execPath,
      [path.join(ROOT, 'bin/pulse.js'), 'quality'],
      { cwd: ROOT, env: { PATH: process.env.PATH, DATABASE_URL: `sqlite:${file}` } },
    );

    expect(stdout).toMatch(/^Data quality at \S+ over 7 live customers$/m);
    // email: 5 of 7 filled, 2 of those 5 valid.
    expect(stdout).toMatch(/│ 'email' +│ +5 +│ '71\.4 %' +│ +2 +│ '40\.0 %' +│/);
    expect(stdout).toContain('Duplicate candidate pairs: 1');
    expect(stdout).toMatch(/│ 'ORDERS' +│ 'never' +│ +'' +│/);
  }, 30_000);
});
