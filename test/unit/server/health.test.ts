import type { ServerResponse } from 'node:http';
import type { DataSource } from 'typeorm';
import { createLog } from '../../../src/log';
import { healthHandler } from '../../../src/server/health';

/** The status and JSON body a handler wrote. */
function recorder() {
  const seen = { status: 0, body: undefined as unknown };
  const response = {
    writeHead: (status: number) => {
      seen.status = status;
    },
    end: (text: string) => {
      seen.body = JSON.parse(text);
    },
  } as unknown as ServerResponse;

  return { seen, response };
}

describe('readiness', () => {
  const refusing = {
    query: () => Promise.reject(new Error("connect ECONNREFUSED 10.0.3.7:3306 (user 'pulse')")),
  } as unknown as DataSource;

  it('answers 503 without the driver message, which goes to the log', async () => {
    const lines: string[] = [];
    const handle = healthHandler({
      db: refusing,
      isAccepting: () => true,
      log: createLog('warn', (line) => lines.push(line)),
    });
    const { seen, response } = recorder();
    await handle('/readyz', response);

    expect(seen).toEqual({ status: 503, body: { status: 'database unavailable' } });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('10.0.3.7:3306');
  });

  it('answers 200 when the database answers', async () => {
    const answering = { query: () => Promise.resolve([{ 1: 1 }]) } as unknown as DataSource;
    const handle = healthHandler({
      db: answering,
      isAccepting: () => true,
      log: createLog('warn', () => undefined),
    });
    const { seen, response } = recorder();
    await handle('/readyz', response);

    expect(seen).toEqual({ status: 200, body: { status: 'ready' } });
  });
});
