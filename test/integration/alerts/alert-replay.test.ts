import { createPubSub } from '@graphql-yoga/subscription';
import { AlertEventEntity } from '../../../src/alerts/alert-event.entity';
import { AlertEventService } from '../../../src/alerts/alert-event.service';
import {
  AlertTopic,
  type AlertEventPayload,
  toEventPayload,
} from '../../../src/alerts/alert.topics';
import { encodeCursor } from '../../../src/db/pagination';
import { describeEachDialect } from '../support/dialects';
import { closeDay, createRule, insertKpi } from './alert-support';

// The subscription's own race, made deterministic: a pub/sub the test publishes on by hand, so
// that events reach the live side while the replay query is in flight.
describeEachDialect('alert event replay', (pulse) => {
  it('drops live events the replay already sent and delivers later ones once, in order', async () => {
    const kpi = await insertKpi(pulse());
    await createRule(pulse(), {
      kpiId: kpi.id,
      condition: { kind: 'THRESHOLD', threshold: { operator: 'BELOW', value: 0.03 } },
    });
    const day = (n: number) => closeDay(pulse(), kpi.dbId, n, n % 2 === 0 ? 0.02 : 0.05);
    for (let n = 0; n < 4; n += 1) {
      await day(n);
    }
    const stored = async () =>
      (
        await pulse()
          .app.db.getRepository(AlertEventEntity)
          .find({ where: { kpiId: kpi.dbId }, order: { id: 'ASC' } })
      ).map(toEventPayload);
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
    const kpi = await insertKpi(pulse());
    await createRule(pulse(), {
      kpiId: kpi.id,
      condition: { kind: 'THRESHOLD', threshold: { operator: 'BELOW', value: 0.03 } },
    });
    const day = (n: number) => closeDay(pulse(), kpi.dbId, n, n % 2 === 0 ? 0.02 : 0.05);
    await day(0);
    const stored = async () =>
      (
        await pulse()
          .app.db.getRepository(AlertEventEntity)
          .find({ where: { kpiId: kpi.dbId }, order: { id: 'ASC' } })
      ).map(toEventPayload);
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
});
