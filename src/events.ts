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
