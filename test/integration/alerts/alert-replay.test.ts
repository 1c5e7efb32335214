import { createPubSub } from '@graphql-yoga/subscription';
import { AlertEventEntity } from '../../../src/alerts/alert-event.entity';
import { AlertEventService } from '../../../src/alerts/alert-event.service';
import {
  AlertTopic,
  type AlertEventPayload,
  toEventPayload,
} from '../../../src/alerts/alert.topics';
import { createDataSource } from '../../../src/db/data-source';
import { encodeCursor } from '../../../src/db/pagination';
import { describeEachDialect } from '../support/dialects';
import { closeDay, createRule, insertKpi } from './alert-support';

// The subscription's own race, made deterministic: a pub/sub the test publishes on by hand, so
// that events reach the live side while the replay query is in flight.
describeEachDialect('alert event replay', (pulse) => {
  /**
   * A KPI with a rule that fires below 0.03: day `n` closes at 0.02 when n is even, 0.05 when
   * odd, so the days store FIRED and RESOLVED events in turn. `stored` lists them oldest first.
   */
  async function kpiWithRule() {
    const kpi = await insertKpi(pulse());
    await createRule(pulse(), {
      kpiId: kpi.id,
      condition: { kind: 'THRESHOLD', threshold: { operator: 'BELOW', value: 0.03 } },
    });
    const day = (n: number) => closeDay(pulse(), kpi.dbId, n, n % 2 === 0 ? 0.02 : 0.05);
    const stored = async () =>
      (
        await pulse()
          .app.db.getRepository(AlertEventEntity)
          .find({ where: { kpiId: kpi.dbId }, order: { id: 'ASC' } })
      ).map(toEventPayload);

    return { kpi, day, stored };
  }

  it('drops live events the replay already sent and delivers later ones once, in order', async () => {
    const { kpi, day, stored } = await kpiWithRule();
    for (let n = 0; n < 4; n += 1) {
      await day(n);
    }
    const [first, ...missed] = await stored();
    const pubSub = createPubSub<Record<string, [AlertEventPayload]>>();
    const service = new AlertEventService(pulse().app.db, 100, {
      subscribe: (topic) => pubSub.subscribe(topic),
    });
    const stream = service
      .stream({ kpiIds: [kpi.dbId] }, encodeCursor([first.id]))
      [Symbol.asyncIterator]();
    const received: number[] = [];
    const take = async (count: number) => {
      for (let i = 0; i < count; i += 1) {
        received.push(((await stream.next()).value as AlertEventPayload).id);
      }
    };
    const replayed = take(missed.length);
    // The live subscription is open and the replay has not read the table yet: these events are
    // both stored and live, as when they commit between the two.
    for (const event of missed) {
      pubSub.publish(AlertTopic.EVENT, event);
    }
    await replayed;
    await day(4);
    const [latest] = (await stored()).slice(-1);
    pubSub.publish(AlertTopic.EVENT, latest);
    await take(1);
    await stream.return?.();
    expect(received).toEqual([...missed.map((event) => event.id), latest.id]);
  });

  it('sends stored events the live side never saw before the first live event, in order', async () => {
    const { kpi, day, stored } = await kpiWithRule();
    await day(0);
    const [first] = await stored();
    const pubSub = createPubSub<Record<string, [AlertEventPayload]>>();
    const service = new AlertEventService(pulse().app.db, 100, {
      subscribe: (topic) => pubSub.subscribe(topic),
    });
    const stream = service
      .stream({ kpiIds: [kpi.dbId] }, encodeCursor([first.id]))
      [Symbol.asyncIterator]();
    const nextId = async () => ((await stream.next()).value as AlertEventPayload).id;
    const received = [nextId()];
    // Give the (empty) replay time to finish: the events below are stored after it read the
    // table and, as if the live subscription were not yet confirmed, never published.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await day(1);
    await day(2);
    await day(3);
    const [lostA, lostB, latest] = (await stored()).slice(1);
    pubSub.publish(AlertTopic.EVENT, latest);
    received.push(nextId(), nextId());
    const ids = await Promise.all(received);
    await stream.return?.();
    expect(ids).toEqual([lostA.id, lostB.id, latest.id]);
  });

  it('sends what was stored while delivery was down once it resumes: after the last event sent, or the newest one at the start', async () => {
    const { kpi, day, stored } = await kpiWithRule();
    // Stored before the stream starts: never sent, not even when delivery resumes.
    await day(0);
    const pubSub = createPubSub<Record<string, [AlertEventPayload]>>();
    const resumeListeners = new Set<() => void>();
    const service = new AlertEventService(pulse().app.db, 100, {
      subscribe: (topic) => pubSub.subscribe(topic),
      onResume: (listener) => {
        resumeListeners.add(listener);

        return () => resumeListeners.delete(listener);
      },
    });
    const stream = service.stream({ kpiIds: [kpi.dbId] }, null)[Symbol.asyncIterator]();
    const nextId = async () => ((await stream.next()).value as AlertEventPayload).id;
    const resume = () => resumeListeners.forEach((listener) => listener());
    const received = [nextId()];
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Stored and published while delivery is down: dropped live, sent when it resumes.
    await day(1);
    await day(2);
    resume();
    received.push(nextId());
    // Sent live, then after another outage only what came after it.
    await day(3);
    const [, lostA, lostB, live] = await stored();
    pubSub.publish(AlertTopic.EVENT, live);
    received.push(nextId());
    await day(4);
    resume();
    received.push(nextId());
    const ids = await Promise.all(received);
    const latest = (await stored()).at(-1)!;
    // A late live copy of an event already sent is dropped; the next live one arrives.
    pubSub.publish(AlertTopic.EVENT, latest);
    await day(5);
    const after = (await stored()).at(-1)!;
    pubSub.publish(AlertTopic.EVENT, after);
    const last = await nextId();
    await stream.return?.();
    expect(ids).toEqual([lostA.id, lostB.id, live.id, latest.id]);
    expect(last).toBe(after.id);
    expect(resumeListeners.size).toBe(0);
  });

  it('replays for many streams at once, a few queries at a time: on MySQL within a pool of one and a queue of three', async () => {
    const { kpi, day, stored } = await kpiWithRule();
    await day(0);
    const [event] = await stored();
    const { url } = pulse().app.db.options as { url: string };
    // One connection and three waiting: a fifth query at once is refused.
    const small =
      pulse().dialect === 'mysql'
        ? createDataSource({ type: 'mysql', flavor: 'mysql', url, poolSize: 1, queueLimit: 3 })
        : null;
    await small?.initialize();
    try {
      const pubSub = createPubSub<Record<string, [AlertEventPayload]>>();
      const service = new AlertEventService(small ?? pulse().app.db, 100, {
        subscribe: (topic) => pubSub.subscribe(topic),
      });
      const streams = Array.from({ length: 30 }, () =>
        service
          .stream({ kpiIds: [kpi.dbId] }, encodeCursor([event.id - 1]))
          [Symbol.asyncIterator](),
      );
      const first = await Promise.all(streams.map((stream) => stream.next()));
      await Promise.all(streams.map((stream) => stream.return?.()));

      expect(first.map((result) => (result.value as AlertEventPayload).id)).toEqual(
        streams.map(() => event.id),
      );
    } finally {
      await small?.destroy();
    }
  });
});
