import { Role } from '../../../src/auth/principal';
import { createLog } from '../../../src/log';
import { startTestPulse, type TestPulse } from '../support/start-pulse';

const PAGE = 'query CustomerPage { customers(first: 2) { edges { node { id } } } }';

/** A server whose log lines the test reads, parsed. */
async function loggingPulse(slowRequestMs: number) {
  const lines: Array<Record<string, unknown>> = [];
  const log = createLog('info', (line) => lines.push(JSON.parse(line)));
  const pulse = await startTestPulse('sqlite', { slowRequestMs }, log);

  return { pulse, lines };
}

/** The log line of the request with this id. */
function lineOf(lines: Array<Record<string, unknown>>, requestId: string) {
  return lines.find((line) => line.requestId === requestId && line.path === '/graphql');
}

async function post(pulse: TestPulse, requestId: string, body: unknown) {
  return fetch(pulse.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${pulse.keys[Role.ANALYST]}`,
      'x-request-id': requestId,
    },
    body: JSON.stringify(body),
  });
}

describe('request log', () => {
  it('names the request, the key, the operations, the time and the statements', async () => {
    const { pulse, lines } = await loggingPulse(60_000);
    try {
      await post(pulse, 'log-one', { query: PAGE });
      await post(pulse, 'log-batch', [
        { query: PAGE },
        { query: '{ customers(first: 1) { edges { node { id } } } }' },
      ]);
      const one = lineOf(lines, 'log-one');
      expect(one).toMatchObject({
        level: 'info',
        message: 'request',
        status: 200,
        operations: ['CustomerPage'],
      });
      expect(one?.keyId).toEqual(expect.any(Number));
      expect(one?.ms).toEqual(expect.any(Number));
      expect(one?.statements).toBeGreaterThan(0);
      expect(lineOf(lines, 'log-batch')?.operations).toEqual(['CustomerPage', 'anonymous']);
      // The key id is logged, never the key.
      expect(JSON.stringify(lines)).not.toContain(pulse.keys[Role.ANALYST]);
    } finally {
      await pulse.stop();
    }
  });

  it('logs requests slower than PULSE_SLOW_REQUEST_MS as warnings', async () => {
    const { pulse, lines } = await loggingPulse(1);
    try {
      // The server's first request (key lookup, cold resolvers) takes well over a millisecond.
      await post(pulse, 'log-slow', { query: PAGE });
      expect(lineOf(lines, 'log-slow')).toMatchObject({
        level: 'warn',
        message: 'slow request',
        operations: ['CustomerPage'],
      });
    } finally {
      await pulse.stop();
    }
  });
});
