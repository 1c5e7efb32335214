import { In } from 'typeorm';
import { fromGlobalId } from '../../../src/graphql/global-id';
import { Channel } from '../../../src/interactions/channel';
import { InteractionEntity } from '../../../src/interactions/interaction.entity';
import type { TimelineFilter } from '../../../src/interactions/interaction.service';
import { describeEachDialect } from '../support/dialects';
import { createCustomers, unique } from '../support/factories';

// latestPerParent reads one parent (a customer 360, or any load without batching) with
// ORDER BY … LIMIT and several with a window per parent: both must give what the timeline
// promises, newest first with the id breaking ties, under every filter and cursor.
describeEachDialect('latest interactions per customer', (pulse) => {
  interface Stored {
    id: number;
    customerId: number;
    channel: string;
    type: string;
    occurredAt: Date;
  }
  let customerIds: number[];
  let stored: Stored[];

  beforeAll(async () => {
    customerIds = (await createCustomers(pulse(), 3)).map((c) =>
      fromGlobalId(c.id, 'Customer', 'id'),
    );
    const channels = [Channel.EMAIL, Channel.WEB, Channel.MOBILE_APP];
    // Eight per customer, two at each instant, so that only the id orders a pair.
    const rows = customerIds.flatMap((customerId, c) =>
      Array.from({ length: 8 }, (_, i) => ({
        customerId,
        channel: channels[(i + c) % 3],
        type: i % 2 ? 'page_view' : 'purchase',
        occurredAt: new Date(Date.UTC(2026, 0, 1 + Math.floor(i / 2))),
        clientEventId: unique('pp'),
      })),
    );
    await pulse().app.services.interactions.ingest(rows);
    // Read back without the code under test, for an independent expectation.
    const read = await pulse()
      .app.db.getRepository(InteractionEntity)
      .findBy({ customerId: In(customerIds) });
    stored = read.map(({ id, customerId, channel, type, occurredAt }) => ({
      id: Number(id),
      customerId: Number(customerId),
      channel,
      type,
      occurredAt,
    }));
  });

  /** The expected answer, worked out from all the rows. */
  function expected(
    customerId: number,
    filter: TimelineFilter,
    limit: number,
    before: { at: Date; id: number } | null,
  ): number[] {
    return stored
      .filter((row) => row.customerId === customerId)
      .filter((row) => !filter.channel || row.channel === filter.channel)
      .filter((row) => !filter.type || row.type === filter.type)
      .filter((row) => !filter.since || row.occurredAt >= filter.since)
      .filter(
        (row) =>
          !before ||
          row.occurredAt < before.at ||
          (row.occurredAt.getTime() === before.at.getTime() && row.id < before.id),
      )
      .sort((a, b) => b.occurredAt.getTime() - a.occurredAt.getTime() || b.id - a.id)
      .slice(0, limit)
      .map((row) => row.id);
  }

  const cases: Array<[string, TimelineFilter, number, (ids: number[]) => Stored | null]> = [
    ['no filter', {}, 3, () => null],
    ['a channel', { channel: Channel.WEB }, 2, () => null],
    [
      'a type since a date',
      { type: 'purchase', since: new Date(Date.UTC(2026, 0, 2)) },
      5,
      () => null,
    ],
    // After the first row of a tied pair: the cursor's id decides which of the two comes next.
    [
      'after a cursor inside a tie',
      {},
      3,
      (ids) => stored.find((row) => row.id === ids[0]) ?? null,
    ],
  ];

  it.each(cases)('one customer alone and many together agree: %s', async (_, filter, limit, at) => {
    const service = pulse().app.services.interactions;
    const customerId = customerIds[1];
    const cursorRow = at(expected(customerId, {}, 100, null));
    const before = cursorRow ? { at: cursorRow.occurredAt, id: cursorRow.id } : null;
    const want = expected(customerId, filter, limit, before);

    const alone = await service.latestOf([customerId], filter, limit, before);
    const together = await service.latestOf(customerIds, filter, limit, before);

    expect(want.length).toBeGreaterThan(0);
    expect(alone.map((row) => Number(row.id))).toEqual(want);
    expect(
      together.filter((row) => Number(row.customerId) === customerId).map((row) => Number(row.id)),
    ).toEqual(want);
    for (const other of [customerIds[0], customerIds[2]]) {
      expect(
        together.filter((row) => Number(row.customerId) === other).map((row) => Number(row.id)),
      ).toEqual(expected(other, filter, limit, before));
    }
  });
});
