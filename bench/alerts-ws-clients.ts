import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

// The subscriber side of the alerts WebSocket benchmark (bench/alerts-ws.ts), in processes of
// its own so that decoding 100,000 messages does not share the server's event loop. The parent
// sends { url, key, subscribers, kpiId, expected }; this process opens the sockets, says
// 'ready' once every subscription is registered, and answers 'report' with what each received.

interface Start {
  url: string;
  key: string;
  subscribers: number;
  kpiId: string;
  expected: number;
}

/** What one subscriber received: event cursors in arrival order and each latency in ms. */
export interface SubscriberReport {
  cursors: string[];
  latenciesMs: number[];
}

const SUBSCRIPTION = `subscription($filter: AlertEventFilter) {
  alertEvents(filter: $filter) { cursor occurredAt } }`;

// graphql-ws acknowledges a connection but not a subscription; this pause lets the server
// register the last subscriptions opened before the parent fires the burst.
const SETTLE_MS = 1000;

async function start(message: Start): Promise<void> {
  const clients: Client[] = [];
  const reports: SubscriberReport[] = [];
  const connected: Array<Promise<void>> = [];
  for (let i = 0; i < message.subscribers; i += 1) {
    const report: SubscriberReport = { cursors: [], latenciesMs: [] };
    reports.push(report);
    let markConnected: () => void = () => undefined;
    connected.push(new Promise((resolve) => (markConnected = resolve)));
    const client = createClient({
      url: message.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${message.key}` },
      retryAttempts: 0,
      lazy: true,
      on: { connected: () => markConnected() },
    });
    clients.push(client);
    client.subscribe<{ alertEvents: { cursor: string; occurredAt: string } }>(
      { query: SUBSCRIPTION, variables: { filter: { kpiIds: [message.kpiId] } } },
      {
        next: ({ data, errors }) => {
          if (errors || !data) {
            process.send?.({ error: JSON.stringify(errors) });

            return;
          }
          report.cursors.push(data.alertEvents.cursor);
          report.latenciesMs.push(Date.now() - Date.parse(data.alertEvents.occurredAt));
        },
        error: (error) => process.send?.({ error: String((error as Error)?.message ?? error) }),
        complete: () => undefined,
      },
    );
  }
  await Promise.all(connected);
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  process.on('message', (request: unknown) => {
    if (request === 'report') {
      process.send?.({ reports });
    }
    if (request === 'stop') {
      void Promise.all(clients.map((client) => client.dispose())).then(() => process.exit(0));
    }
  });
  process.send?.({ ready: true });
}

process.once('message', (message: unknown) => {
  start(message as Start).catch((error: unknown) => {
    process.stderr.write(`${(error as Error)?.stack ?? error}\n`);
    process.exit(1);
  });
});
