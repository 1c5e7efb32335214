/**
 * Where services announce what happened (after their transaction committed). The GraphQL
 * layer implements it with a pub/sub that subscriptions listen to; services stay unaware of
 * GraphQL. Payloads must be plain JSON (ids and ISO strings), so the same events can travel
 * between instances through Redis unchanged.
 */
export interface EventPublisher {
  publish(topic: string, payload: object): void;
}

/** A publisher that drops everything (command-line tools have no subscribers). */
export const NO_EVENTS: EventPublisher = { publish: () => undefined };

/**
 * The other end of the same pub/sub, for services that stream events themselves (alert
 * subscriptions replay stored events before the live ones).
 */
export interface EventSource {
  subscribe(topic: string): AsyncIterable<unknown>;
  /**
   * Where events can be dropped (through Redis, while it is away): calls `listener` each time
   * delivery works again, and returns the function that stops the calls. Absent where nothing
   * is ever dropped.
   */
  onResume?: (listener: () => void) => () => void;
}

/** A source with no events (command-line tools serve no subscriptions). */
export const NO_EVENT_SOURCE: EventSource = {
  subscribe: async function* () {
    // yields nothing
  },
};

/** What ingestion (or a scoring pass) stored rows into. */
export type ChangedData = 'customers' | 'interactions' | 'orders' | 'predictions';

/**
 * Tells listeners, after commit, that ingestion (API or CSV import) stored rows, so that data
 * derived from them (segment membership) can be brought up to date. Listeners must return at
 * once: they run inside the ingesting call, before its response is sent.
 */
export class DataChanges {
  private readonly listeners = new Set<(data: ChangedData) => void>();

  /** Adds a listener; the returned function removes it. */
  listen(listener: (data: ChangedData) => void): () => void {
    this.listeners.add(listener);

    return () => this.listeners.delete(listener);
  }

  notify(data: ChangedData): void {
    for (const listener of this.listeners) {
      listener(data);
    }
  }
}
