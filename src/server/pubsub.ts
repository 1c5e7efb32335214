import { setMaxListeners } from 'node:events';
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub } from '@graphql-yoga/subscription';
import { Redis, type RedisOptions } from 'ioredis';
import type { PubSub } from 'type-graphql';
import type { Config } from '../config';
import type { Log } from '../log';

/** The pub/sub subscriptions listen to, and how to let go of what it holds. */
export interface PulsePubSub {
  pubSub: PubSub;
  /**
   * With Redis: calls `listener` each time events may have been dropped and delivery works
   * again, so that streams of stored events (alert events) can send what they missed. That is
   * when this instance's subscriber connection is back after an outage, once its channels are
   * subscribed again, and when any instance's publishes get through again after it dropped
   * some. Returns the function that stops the calls. In-process events are never dropped.
   */
  onResume?: (listener: () => void) => () => void;
  close(): Promise<void>;
}

// Longest a publish may wait for a Redis that accepts connections but does not answer. Nothing
// awaits a publish (requests never wait on one); the bound makes a hung Redis drop events with a
// warning, as an unreachable one does, instead of leaving them pending until it answers.
const PUBLISH_TIMEOUT_MS = 1_000;
// While Redis is away, one warning per minute says how many events were dropped so far.
const WARN_INTERVAL_MS = 60_000;
// An instance whose publishes get through again after it dropped some says so here.
const RESUMED_CHANNEL = 'pulse:events-resumed';

/**
 * In-process pub/sub, or, with `REDIS_URL`, one whose events travel through Redis channels so
 * that an event published on any instance reaches the subscribers of every instance (the
 * publishing one included: it hears its own event back from Redis, exactly once).
 *
 * While Redis is unreachable, requests go on: a publish is dropped at once with a warning (live
 * delivery is best effort; alert events are stored first, and alert streams send what they
 * missed when told through `onResume`), subscribing waits for Redis, and both connections come
 * back by themselves with their channels subscribed again.
 */
export function createPulsePubSub(config: Pick<Config, 'redisUrl'>, log: Log): PulsePubSub {
  if (!config.redisUrl) {
    // Every subscription adds a listener: a thousand subscribers are normal, not a leak.
    const eventTarget = new EventTarget();
    setMaxListeners(0, eventTarget);

    return { pubSub: createPubSub({ eventTarget }), close: async () => undefined };
  }
  // A connection in subscriber mode can issue no other command, so publishing needs its own.
  const publishClient = connect(config.redisUrl, 'publish', log, {
    // ioredis would otherwise queue a publish while disconnected, fail it after 20 reconnection
    // attempts (about 10 s), or send it, out of date, when Redis returns.
    enableOfflineQueue: false,
    commandTimeout: PUBLISH_TIMEOUT_MS,
  });
  const resumeListeners = new Set<() => void>();
  const resume = () => resumeListeners.forEach((listener) => listener());
  const subscribeClient = connect(
    config.redisUrl,
    'subscribe',
    log,
    {
      // SUBSCRIBE and UNSUBSCRIBE wait for Redis however long it is away: one failed after 20
      // attempts would leave this instance deaf to its channel until its last subscriber left.
      maxRetriesPerRequest: null,
    },
    // ioredis sends its SUBSCRIBEs again before this runs; the PING's answer comes after
    // theirs, so a stream that reads what it missed then also hears every later event.
    () => void subscribeClient.ping().then(resume, () => undefined),
  );
  let closing = false;
  // Publishes dropped since the last one that got through.
  let dropped = 0;
  let lastWarningMs = -Infinity;
  // On reconnection, or on the first publish that gets through after a hang (which ends with
  // no reconnection).
  const publishingAgain = () => {
    if (dropped > 0) {
      log.info('Redis is back: subscription events are published again', { dropped });
      // Every instance's subscribers missed what this one dropped.
      publishClient.publish(RESUMED_CHANNEL, '').catch(() => undefined);
    }
    dropped = 0;
    lastWarningMs = -Infinity;
  };
  publishClient.on('ready', publishingAgain);
  subscribeClient.subscribe(RESUMED_CHANNEL).catch(() => undefined);
  subscribeClient.on('message', (channel: string) => {
    if (channel === RESUMED_CHANNEL) {
      resume();
    }
  });
  // createRedisEventTarget (3.x) calls publish on one client, and on('message'), subscribe and
  // unsubscribe on the other, without handling the promises they return: a rejection would be
  // unhandled, which ends a Node process. It gets these adapters, which handle every failure.
  const publisher = {
    publish: (channel: string, message: string) =>
      publishClient.publish(channel, message).then(publishingAgain, (error: Error) => {
        dropped += 1;
        if (Date.now() - lastWarningMs >= WARN_INTERVAL_MS) {
          lastWarningMs = Date.now();
          log.warn('Redis is unreachable: subscription events are dropped', {
            topic: channel,
            dropped,
            error: error.message,
          });
        }
      }),
  };
  const unlessClosing = (error: Error) => {
    if (!closing) {
      log.warn('Redis subscription change failed', { error: error.message });
    }
  };
  const subscriber = {
    on: (event: 'message', listener: (channel: string, message: string) => void) => {
      subscribeClient.on(event, listener);

      return subscriber;
    },
    subscribe: (channel: string) => subscribeClient.subscribe(channel).catch(unlessClosing),
    unsubscribe: (channel: string) => subscribeClient.unsubscribe(channel).catch(unlessClosing),
  };
  const eventTarget = createRedisEventTarget({
    publishClient: publisher as unknown as Redis,
    subscribeClient: subscriber as unknown as Redis,
  });

  return {
    pubSub: createPubSub({ eventTarget }),
    onResume: (listener) => {
      resumeListeners.add(listener);

      return () => resumeListeners.delete(listener);
    },
    close: async () => {
      closing = true;
      await Promise.allSettled([disconnect(publishClient), disconnect(subscribeClient)]);
    },
  };
}

function connect(
  url: string,
  role: string,
  log: Log,
  options: RedisOptions,
  /** Called when the connection is ready again after it was lost. */
  onBack: () => void = () => undefined,
): Redis {
  const client = new Redis(url, options);
  // ioredis reconnects by itself (every 2 s at most) and subscribes its channels again. An
  // unhandled 'error' would crash the process, so an outage is logged instead: once when it
  // begins and once when it ends, not at every reconnection attempt.
  let down = false;
  client.on('error', (error: Error) => {
    if (!down) {
      down = true;
      log.warn('Redis pub/sub connection failed', { role, error: error.message });
    }
  });
  // Every reconnection calls `onBack`, also one quick enough to raise no error on the way: the
  // connection was lost either way, and with it what was published meanwhile.
  let connectedBefore = false;
  client.on('ready', () => {
    if (down) {
      down = false;
      log.info('Redis pub/sub connection is back', { role });
    }
    if (connectedBefore) {
      onBack();
    }
    connectedBefore = true;
  });

  return client;
}

async function disconnect(client: Redis): Promise<void> {
  // QUIT waits for its turn behind queued commands, which wait for Redis: while Redis is away
  // that would hold shutdown until it came back.
  if (client.status === 'ready') {
    await client.quit().catch(() => client.disconnect());
  } else {
    client.disconnect();
  }
}
