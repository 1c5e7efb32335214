import type { ServerResponse } from 'node:http';
import type { DataSource } from 'typeorm';
import type { Log } from '../log';

/** What the health endpoints look at. */
export interface Health {
  db: DataSource;
  /** False once shutdown began: load balancers stop sending traffic before the server stops. */
  isAccepting: () => boolean;
  /** Where a failed readiness check's reason goes. */
  log: Log;
}

/**
 * `/healthz`: the process is up (liveness). `/readyz`: the process accepts work and the database
 * answers (readiness); 503 otherwise, so a load balancer routes around this instance.
 */
export function healthHandler(health: Health) {
  return async (path: string, response: ServerResponse): Promise<void> => {
    if (path === '/healthz') {
      send(response, 200, { status: 'ok' });

      return;
    }
    if (!health.isAccepting()) {
      send(response, 503, { status: 'shutting down' });

      return;
    }
    try {
      await health.db.query('SELECT 1');
      send(response, 200, { status: 'ready' });
    } catch (error) {
      // The probe answers anyone who reaches the port: the driver's message (the database's
      // address, its user name) goes to the log, not into the answer.
      health.log.warn('readiness check failed', { error: String((error as Error).message) });
      send(response, 503, { status: 'database unavailable' });
    }
  };
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  response.end(JSON.stringify(body));
}
