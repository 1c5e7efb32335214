import { concurrencyLimit } from '../concurrency-limit';
import { keysetPage } from '../db/keyset-page';
import { Repeater } from '@graphql-yoga/subscription';
import { type DataSource, In, type SelectQueryBuilder } from 'typeorm';
import { decodeCursor, type Page, type PageArgs } from '../db/pagination';
import { badInput } from '../errors';
import type { EventSource } from '../events';
import { AlertEventEntity } from './alert-event.entity';
import { type AlertEventPayload, AlertTopic, toEventPayload } from './alert.topics';
import type { AlertEventType, AlertSeverity } from './evaluate-rule';

/** Which events a history page or a subscription wants; all given lists apply. */
export interface AlertEventFilter {
  kpiIds?: number[] | null;
  ruleIds?: number[] | null;
  severities?: AlertSeverity[] | null;
  types?: AlertEventType[] | null;
}

// Stored events a resuming subscriber is sent per query, so a long outage replays in bounded
// memory.
const REPLAY_BATCH = 500;
// Replay queries running at once on an instance. When Redis comes back, every open stream
// replays at the same moment (a thousand subscribers: a thousand queries), as do all clients
// resubscribing with `since` after a restart; unbounded, they would overflow the pool's queue
// and fail with SERVICE_UNAVAILABLE.
const REPLAY_QUERIES_AT_ONCE = 4;

/** The alert history: pages of stored events, and live streams that resume where one left off. */
export class AlertEventService {
  private readonly replayTurn = concurrencyLimit(REPLAY_QUERIES_AT_ONCE);

  constructor(
    private readonly db: DataSource,
    private readonly maxPageSize: number,
    private readonly source: EventSource,
  ) {}

  byIds(ids: readonly number[]): Promise<AlertEventEntity[]> {
    return this.db.getRepository(AlertEventEntity).findBy({ id: In([...ids]) });
  }

  /** Events newest first; the cursors are the ones `stream` resumes after. */
  async list(
    filter: AlertEventFilter | null | undefined,
    pageArgs: PageArgs,
  ): Promise<Page<AlertEventEntity>> {
    return keysetPage(
      () => this.filtered(filter),
      { columns: ['e.id'], direction: 'DESC', key: (row) => [row.id] },
      pageArgs,
      this.maxPageSize,
    );
  }

  /**
   * Live events matching `filter`; with `since` (an event's cursor), first every stored event
   * after it, in id order. No gap: the live subscription starts before the replay reads the
   * table, and every event is stored before it is published, so an event either is in the
   * replay or arrives live. No duplicate: live events up to the last replayed id are dropped.
   * Where live events can be dropped (through Redis, while it is away), the stream sends what
   * was stored meanwhile as soon as delivery resumes: every event after the last one it sent,
   * or, before it sent any, after the newest one when it started.
   * A Repeater rather than an async generator, because a generator cannot be stopped while it
   * awaits the next event: a client's `complete` would leave the subscription running.
   */
  stream(
    filter: AlertEventFilter | null | undefined,
    since: string | null | undefined,
  ): AsyncIterable<AlertEventPayload> {
    // Checked now, so that a bad cursor fails the subscribe call instead of a later event.
    const sinceId = since == null ? null : cursorId(since);

    return new Repeater<AlertEventPayload>(async (push, stop) => {
      const live = this.source.subscribe(AlertTopic.EVENT)[Symbol.asyncIterator]();
      // Asking for the first live event starts the subscription before the replay below.
      let next = live.next();
      let stopped = false;
      const stopping = stop.then(() => {
        stopped = true;

        return null;
      });
      // Set when delivery resumes after events may have been dropped; `wake` ends the wait.
      let resumed = false;
      let wake: () => void = () => undefined;
      const stopResuming = this.source.onResume?.(() => {
        resumed = true;
        wake();
      });
      try {
        let replayedUpTo = sinceId ?? 0;
        // Where a resumption replays from: the newest id sent, or known when the stream began.
        let sentUpTo = sinceId ?? (stopResuming ? await this.newestId() : 0);
        const send = async (payload: AlertEventPayload) => {
          await push(payload);
          sentUpTo = Math.max(sentUpTo, payload.id);
        };
        // Sends the stored events after `replayedUpTo` (and before `beforeId`), in batches.
        const replay = async (beforeId?: number) => {
          while (!stopped) {
            const query = this.filtered(filter).andWhere('e.id > :after', { after: replayedUpTo });
            if (beforeId !== undefined) {
              query.andWhere('e.id < :before', { before: beforeId });
            }
            const rows = await this.replayTurn(() =>
              query.orderBy('e.id', 'ASC').limit(REPLAY_BATCH).getMany(),
            );
            for (const row of rows) {
              await send(toEventPayload(row));
              replayedUpTo = row.id;
            }
            if (rows.length < REPLAY_BATCH) {
              return;
            }
          }
        };
        if (sinceId !== null) {
          await replay();
        }
        let caughtUp = sinceId === null;
        while (!stopped) {
          if (resumed) {
            // Events published while delivery was down were dropped, but they are stored.
            resumed = false;
            caughtUp = true;
            replayedUpTo = Math.max(replayedUpTo, sentUpTo);
            await replay();
            continue;
          }
          const woken = new Promise<'resumed'>((resolve) => {
            wake = () => resolve('resumed');
          });
          const result = await Promise.race([next, stopping, woken]);
          if (result === 'resumed') {
            continue;
          }
          if (!result || result.done) {
            break;
          }
          next = live.next();
          const payload = result.value as AlertEventPayload;
          if (!caughtUp) {
            // Through Redis the live subscription is confirmed asynchronously, so an event
            // published before that may be in neither the replay nor the live stream. Once the
            // first live event proves the subscription works, whatever was stored between the
            // replay and it is sent first: late, but in order and never lost.
            caughtUp = true;
            await replay(payload.id);
          }
          if (payload.id > replayedUpTo && matches(filter, payload)) {
            await send(payload);
          }
        }
      } finally {
        // Also after a failed replay query: the live subscription must not outlive the stream.
        stopResuming?.();
        void live.return?.();
        stop();
      }
    });
  }

  /** The id of the newest stored event; 0 when there is none. */
  private async newestId(): Promise<number> {
    const [row] = (await this.replayTurn(() =>
      this.db.query('SELECT MAX(id) AS id FROM alert_events'),
    )) as Array<{ id: unknown }>;

    return Number(row?.id ?? 0);
  }

  private filtered(
    filter: AlertEventFilter | null | undefined,
  ): SelectQueryBuilder<AlertEventEntity> {
    const query = this.db.getRepository(AlertEventEntity).createQueryBuilder('e');
    const lists = [
      ['kpi_id', filter?.kpiIds],
      ['rule_id', filter?.ruleIds],
      ['severity', filter?.severities],
      ['type', filter?.types],
    ] as const;
    for (const [column, values] of lists) {
      if (values?.length) {
        query.andWhere(`e.${column} IN (:...${column})`, { [column]: values });
      }
    }

    return query;
  }
}

/** The id an event cursor stands for; BAD_USER_INPUT on `since` otherwise. */
function cursorId(cursor: string): number {
  const [id] = decodeCursor(cursor, 'since', 1);
  if (!Number.isSafeInteger(id) || (id as number) < 0) {
    throw badInput(`"${cursor}" is not a cursor of an alert event`, 'since');
  }

  return id as number;
}

function matches(filter: AlertEventFilter | null | undefined, event: AlertEventPayload): boolean {
  const allows = <T>(values: T[] | null | undefined, value: T) =>
    !values?.length || values.includes(value);

  return (
    allows(filter?.kpiIds, event.kpiId) &&
    allows(filter?.ruleIds, event.ruleId) &&
    allows(filter?.severities, event.severity) &&
    allows(filter?.types, event.type)
  );
}
