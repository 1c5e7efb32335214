import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { createLog } from '../../../src/log';
import { createPulsePubSub, type PulsePubSub } from '../../../src/server/pubsub';
import { freePort } from '../../support/mariadb-server';
import { redisAvailable, startLocalRedis, type LocalRedis } from '../../support/redis-server';

type Event = { phase: 'before' | 'outage' | 'after'; n: number };
type LogLine = { level: string; message: string; topic?: string; dropped?: number };

const DROPPED = 'Redis is unreachable: subscription events are dropped';
// ioredis fails its queued commands after 20 reconnection attempts, 50 ms apart, then 100 ms,
// …, 1 s: about 10.5 s. An outage has to last longer to show that nothing depends on that.
const PAST_TWENTY_ATTEMPTS_MS = 11_500;

const describeRedis = redisAvailable() ? describe : describe.skip;

describeRedis('createPulsePubSub with Redis', () => {
  let redis: LocalRedis;
  let logLines: LogLine[] = [];
  const opened: PulsePubSub[] = [];
  // Each would end a Pulse process (Node's default for an unhandled rejection).
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  const drops = () => logLines.filter((line) => line.message === DROPPED);

  function pubSub(url = redis.url): PulsePubSub {
    const log = createLog('debug', (line) => logLines.push(JSON.parse(line)));
    const created = createPulsePubSub({ redisUrl: url }, log);
    opened.push(created);

    return created;
  }

  /**
   * Publishes numbered events of `phase` every 200 ms until `events` yields one of them, and
   * returns everything it yielded up to that one (earlier phases may still be in flight).
   */
  async function publishUntilHeard(
    from: PulsePubSub,
    topic: string,
    events: AsyncIterator<unknown>,
    phase: Event['phase'],
  ): Promise<Event[]> {
    const heard: Event[] = [];
    let n = 0;
    const timer = setInterval(() => from.pubSub.publish(topic, { phase, n: n++ }), 200);
    try {
      while (heard.at(-1)?.phase !== phase) {
        heard.push((await events.next()).value as Event);
      }
    } finally {
      clearInterval(timer);
    }

    return heard;
  }

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    redis = await startLocalRedis();
  });

  beforeEach(() => {
    logLines = [];
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((each) => each.close()));
    expect(unhandled).toEqual([]);
  });

  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await redis?.stop();
  });

  it('drops a publish at once, warns once, and closes at once while Redis is unreachable', async () => {
    const nobody = pubSub(`redis://127.0.0.1:${await freePort()}`);
    // A SUBSCRIBE waiting for Redis must not hold `close` either.
    void nobody.pubSub.subscribe('TOPIC')[Symbol.asyncIterator]().next();
    const started = Date.now();
    nobody.pubSub.publish('TOPIC', { phase: 'outage', n: 1 });
    nobody.pubSub.publish('TOPIC', { phase: 'outage', n: 2 });
    await sleep(100);
    expect(drops()).toEqual([
      expect.objectContaining({ level: 'warn', topic: 'TOPIC', dropped: 1 }),
    ]);
    await nobody.close();
    opened.splice(opened.indexOf(nobody), 1);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('gives up a publish after 1 s, with a warning, when Redis hangs, and tells every instance once publishes get through again', async () => {
    const [hung, listening] = [pubSub(), pubSub()];
    let resumed = 0;
    listening.onResume?.(() => (resumed += 1));
    await publishUntilHeard(
      hung,
      'HUNG',
      listening.pubSub.subscribe('HUNG')[Symbol.asyncIterator](),
      'before',
    );
    process.kill(redis.pid, 'SIGSTOP');
    try {
      hung.pubSub.publish('HUNG', { phase: 'outage', n: 0 });
      await sleep(900);
      expect(drops()).toEqual([]);
      for (const deadline = Date.now() + 3000; Date.now() < deadline && drops().length === 0;) {
        await sleep(50);
      }
      expect(drops()).toEqual([
        expect.objectContaining({ level: 'warn', topic: 'HUNG', dropped: 1 }),
      ]);
      expect(resumed).toBe(0);
    } finally {
      process.kill(redis.pid, 'SIGCONT');
    }
    // The connections never dropped: the first publish that gets through says it.
    for (const deadline = Date.now() + 5000; Date.now() < deadline && resumed === 0;) {
      hung.pubSub.publish('HUNG', { phase: 'after', n: 0 });
      await sleep(200);
    }
    expect(resumed).toBeGreaterThan(0);
    const back = logLines.filter((line) => line.message.startsWith('Redis is back'));
    expect(back).toEqual([expect.objectContaining({ level: 'info', dropped: 1 })]);
  });

  it('keeps subscriptions through a Redis restart, drops what was published meanwhile, starts subscriptions made during the outage, and says when delivery works again', async () => {
    const [publishing, subscribed] = [pubSub(), pubSub()];
    let resumed = 0;
    subscribed.onResume?.(() => (resumed += 1));
    const before = subscribed.pubSub.subscribe('BEFORE')[Symbol.asyncIterator]();
    await publishUntilHeard(publishing, 'BEFORE', before, 'before');

    await redis.stop();
    const stoppedAt = Date.now();
    let restarted = false;
    try {
      publishing.pubSub.publish('BEFORE', { phase: 'outage', n: 0 });
      publishing.pubSub.publish('BEFORE', { phase: 'outage', n: 1 });
      const during = subscribed.pubSub.subscribe('DURING')[Symbol.asyncIterator]();
      await sleep(PAST_TWENTY_ATTEMPTS_MS - (Date.now() - stoppedAt));
      expect(resumed).toBe(0);
      redis = await startLocalRedis(redis.port);
      restarted = true;

      // Dropped, not delivered late when Redis returned: only leftovers of "before", then "after".
      const heard = await publishUntilHeard(publishing, 'BEFORE', before, 'after');
      expect(heard.filter((event) => event.phase === 'outage')).toEqual([]);
      expect(await publishUntilHeard(publishing, 'DURING', during, 'after')).toEqual([
        expect.objectContaining({ phase: 'after' }),
      ]);
      // Streams of stored events are told that delivery works again.
      expect(resumed).toBeGreaterThan(0);
    } finally {
      // Back on its port for the next test, whatever failed.
      if (!restarted) {
        redis = await startLocalRedis(redis.port);
      }
    }
    // Publishes that came before the publishing connection was back count as dropped too.
    expect(drops()).toEqual([expect.objectContaining({ level: 'warn', dropped: 1 })]);
    const back = logLines.filter((line) => line.message.startsWith('Redis is back'));
    expect(back).toEqual([expect.objectContaining({ level: 'info' })]);
    expect(back[0].dropped).toBeGreaterThanOrEqual(2);
  }, 40_000);

  it('says delivery works again when its subscriber connection was cut and came back at once', async () => {
    const listening = pubSub();
    let resumed = 0;
    listening.onResume?.(() => (resumed += 1));
    const cut = listening.pubSub.subscribe('CUT')[Symbol.asyncIterator]();
    await publishUntilHeard(listening, 'CUT', cut, 'before');
    // Redis stays up: ioredis reconnects at its first attempt, with no error on the way.
    const admin = new Redis(redis.url);
    try {
      await admin.client('KILL', 'TYPE', 'pubsub');
    } finally {
      admin.disconnect();
    }
    for (const deadline = Date.now() + 5000; Date.now() < deadline && resumed === 0;) {
      await sleep(100);
    }
    expect(resumed).toBeGreaterThan(0);
    // And the channel is subscribed again.
    expect(await publishUntilHeard(listening, 'CUT', cut, 'after')).toContainEqual(
      expect.objectContaining({ phase: 'after' }),
    );
  });
});
