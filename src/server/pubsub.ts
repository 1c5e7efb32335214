import { setMaxListeners } from 'node:events';
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub } from '@graphql-yoga/subscription';
import { Redis } from 'ioredis';
import type { PubSub } from 'type-graphql';
import type { Config } from '../config';
import type { Log } from '../log';

/** The pub/sub subscriptions listen to, and how to let go of what it holds. */
export interface PulsePubSub {
  pubSub: PubSub;
  close(): Promise<void>;
}

/**
 * In-process pub/sub, or, with `REDIS_URL`, one whose events travel through Redis channels so
 * that an event published on any instance reaches the subscribers of every instance (the
 * publishing one included: it hears its own event back from Redis, exactly once).
 */
export function createPulsePubSub(config: Pick<Config, 'redisUrl'>, log: Log): PulsePubSub {
  if (!config.redisUrl) {
    // Every subscription adds a listener: a thousand subscribers are normal, not a leak.
    const eventTarget = new EventTarget();
    setMaxListeners(0, eventTarget);

    return { pubSub: createPubSub({ eventTarget }), close: async () => undefined };
  }
  // A connection in subscriber mode can issue no other command, so publishing needs its own.
  const publishClient = connect(config.redisUrl, 'publish', log);
  const subscribeClient = connect(config.redisUrl, 'subscribe', log);
  const eventTarget = createRedisEventTarget({ publishClient, subscribeClient });

  return {
    pubSub: createPubSub({ eventTarget }),
    close: async () => {
      await Promise.allSettled([publishClient.quit(), subscribeClient.quit()]);
    },
  };
}

function connect(url: string, role: string, log: Log): Redis {
  const client = new Redis(url);
  // ioredis reconnects by itself and re-subscribes its channels; an unhandled 'error' would
  // crash the process, so an outage is logged instead (events published meanwhile are lost:
  // durable consumers resume from the database, see alertEvents' `since`).
  client.on('error', (error: Error) =>
    log.warn('redis pub/sub connection failed', { role, error: error.message }),
  );

  return client;
}
