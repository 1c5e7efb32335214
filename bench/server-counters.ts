import { subscribe } from 'node:diagnostics_channel';
import type { ServerResponse } from 'node:http';

// What a benchmarked server reports about its own work, measured the same way in Pulse and in
// the plain endpoint. Requests are counted through Node's own HTTP diagnostics channel when
// they arrive; one is in flight until the server has ended its response. A request whose
// client gave up (autocannon closes its connections when the time is up) is still run to the
// end, so it counts: its statements and CPU are spent all the same.
let received = 0;
const open = new Set<ServerResponse>();
subscribe('http.server.request.start', (message) => {
  received += 1;
  open.add((message as { response: ServerResponse }).response);
});
// Answered responses leave at once, or a long run would keep every one of them alive.
subscribe('http.server.response.finish', (message) => {
  open.delete((message as { response: ServerResponse }).response);
});

export function requestCounters(): { received: number; inFlight: number } {
  for (const response of open) {
    // Responses to clients that had gone never finish; end() still marks them ended.
    if (response.writableEnded) {
      open.delete(response);
    }
  }

  return { received, inFlight: open.size };
}

/** CPU time (user + system) of this process, in microseconds: its cost per request. */
export function cpuMicroseconds(): number {
  const { user, system } = process.cpuUsage();

  return user + system;
}
