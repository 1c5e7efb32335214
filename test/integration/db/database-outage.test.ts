import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freshDatabase, type LocalMariaDb, startLocalMariaDb } from '../../support/mariadb-server';
import { createCustomers } from '../support/factories';
import { startTestPulse, type TestPulse } from '../support/start-pulse';

const INGEST = `mutation Ingest($input: IngestInteractionsInput!) {
  ingestInteractions(input: $input) { accepted duplicates }
}`;
const BATCHES = 150;
const PER_BATCH = 10;
const WORKERS = 5;

/** A batch of interactions with fixed client event ids: a retry sends exactly the same rows. */
function batch(index: number, customerIds: readonly string[]) {
  return Array.from({ length: PER_BATCH }, (_, i) => ({
    customerId: customerIds[(index + i) % customerIds.length],
    channel: 'WEB',
    type: 'page_view',
    occurredAt: new Date(Date.UTC(2026, 0, 1) + index * 60_000 + i * 1000).toISOString(),
    clientEventId: `outage-${index}-${i}`,
  }));
}

async function readiness(pulse: TestPulse): Promise<number> {
  return (await fetch(pulse.url.replace(/\/graphql$/, '/readyz'))).status;
}

// The database goes away while clients ingest: they must get a clear error, the instance must
// say it is not ready, and once the database is back it must serve again without a restart,
// with every acknowledged event stored, and every retried one stored exactly once.
describe('MariaDB stopped during ingestion', () => {
  let server: LocalMariaDb;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'pulse-outage-'));
    server = await startLocalMariaDb(dataDir);
  });

  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('fails clearly while it is down and loses or doubles nothing once it is back', async () => {
    const url = await freshDatabase(server.baseUrl, 'pulse_outage');
    const pulse = await startTestPulse('mysql', {
      database: { type: 'mysql', flavor: 'mysql', url, poolSize: 5 },
    });
    try {
      const customerIds = (await createCustomers(pulse, 20)).map((customer) => customer.id);
      const outcomes = new Map<number, string[]>();
      const pending = Array.from({ length: BATCHES }, (_, index) => index);
      let restarted = false;
      let acknowledged = 0;
      const send = async (index: number): Promise<boolean> => {
        // An error by its code (a failed HTTP exchange by its message), or 'acknowledged'.
        const code = await pulse
          .query(INGEST, { input: { interactions: batch(index, customerIds) } })
          .then((response) =>
            response.errors
              ? String(response.errors[0].extensions?.code ?? `HTTP ${response.status}`)
              : 'acknowledged',
          )
          .catch((error: Error) => error.message);
        outcomes.set(index, [...(outcomes.get(index) ?? []), code]);
        acknowledged += code === 'acknowledged' ? 1 : 0;

        return code === 'acknowledged';
      };
      const worker = async () => {
        const deadline = Date.now() + 90_000;
        while (pending.length > 0 && Date.now() < deadline) {
          const index = pending.shift() as number;
          if (!(await send(index))) {
            // A client retries a failed write later with the same ids.
            pending.push(index);
            await new Promise((resolve) => setTimeout(resolve, restarted ? 50 : 100));
          }
        }
      };
      const load = Promise.all(Array.from({ length: WORKERS }, worker));

      // Stopped once a fifth of the batches are in, not after a fixed time: on a fast machine
      // the whole load could be acknowledged before the outage began.
      while (acknowledged < BATCHES / 5) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await server.kill();
      const duringOutage: number[] = [];
      for (let i = 0; i < 5; i++) {
        await new Promise((resolve) => setTimeout(resolve, 300));
        duringOutage.push(await readiness(pulse));
      }
      server = await startLocalMariaDb(dataDir, server.port);
      restarted = true;
      await load;

      expect(duringOutage).toEqual([503, 503, 503, 503, 503]);
      expect(await readiness(pulse)).toBe(200);
      expect(pending).toEqual([]);
      const failures = [...outcomes.values()].flat().filter((code) => code !== 'acknowledged');
      // The outage was felt, and said so by name.
      expect(failures.length).toBeGreaterThan(0);
      expect(new Set(failures)).toEqual(new Set(['DATABASE_UNAVAILABLE']));
      const [stored] = await pulse.app.db.query(
        "SELECT COUNT(*) AS total, COUNT(DISTINCT client_event_id) AS distinct_ids FROM interactions WHERE client_event_id LIKE 'outage-%'",
      );
      expect({ total: Number(stored.total), distinct: Number(stored.distinct_ids) }).toEqual({
        total: BATCHES * PER_BATCH,
        distinct: BATCHES * PER_BATCH,
      });
    } finally {
      await pulse.stop();
    }
  });
});
