import { keysetPage } from '../db/keyset-page';
import { type DataSource, In } from 'typeorm';
import { insertSkippingDuplicates, sqlInstant } from '../db/dialect';
import { type Page, type PageArgs } from '../db/pagination';
import { serialized } from '../db/transaction';
import type { WebhookDispatcher } from './webhook-dispatcher';
import { WebhookDeliveryEntity } from './webhook-delivery.entity';
import type { AlertEventRecord } from './alert.service';
import { signBody, type WebhookStatus, webhookBody } from './webhook-policy';

/** Which deliveries to list; all given conditions must hold. */
export interface WebhookDeliveryFilter {
  statuses?: WebhookStatus[] | null;
  ruleId?: number | null;
  eventId?: number | null;
}

/** Alert webhooks: the delivery log, and the hand-over of events to the dispatcher. */
export class WebhookService {
  constructor(
    private readonly db: DataSource,
    private readonly maxPageSize: number,
    private readonly dispatcher: WebhookDispatcher,
  ) {}

  /**
   * Stores a PENDING delivery for each event whose rule has a webhook URL and wakes the
   * dispatcher; sending happens outside this call, so a slow receiver never holds up the
   * evaluation that produced the events. An event handed over twice is stored once.
   */
  async enqueue(events: readonly AlertEventRecord[]): Promise<void> {
    const now = new Date();
    const rows = events
      .filter((event) => event.webhookUrl)
      .map((event) => {
        const body = webhookBody(event);

        return [
          event.id,
          event.ruleId,
          event.webhookUrl,
          'PENDING',
          0,
          sqlInstant(this.db, now),
          body,
          event.webhookSecret ? signBody(body, event.webhookSecret) : null,
          sqlInstant(this.db, now),
        ];
      });
    if (rows.length === 0) {
      return;
    }
    await serialized(this.db, () =>
      insertSkippingDuplicates(
        this.db.manager,
        'webhook_deliveries',
        [
          'event_id',
          'rule_id',
          'url',
          'status',
          'attempts',
          'next_attempt_at',
          'body',
          'signature',
          'created_at',
        ],
        rows,
      ),
    );
    this.dispatcher.wake();
  }

  /** Starts sending (the server calls it; command-line tools never do). */
  start(): void {
    this.dispatcher.start();
  }

  stop(): Promise<void> {
    return this.dispatcher.stop();
  }

  /** A page of deliveries, newest first. */
  async page(
    filter: WebhookDeliveryFilter,
    pageArgs: PageArgs,
  ): Promise<Page<WebhookDeliveryEntity>> {
    return keysetPage(
      () => this.filtered(filter),
      { columns: ['d.id'], direction: 'DESC', key: (row) => [row.id] },
      pageArgs,
      this.maxPageSize,
    );
  }

  byIds(ids: readonly number[]): Promise<WebhookDeliveryEntity[]> {
    return this.db.getRepository(WebhookDeliveryEntity).findBy({ id: In([...ids]) });
  }

  private filtered(filter: WebhookDeliveryFilter) {
    const query = this.db.getRepository(WebhookDeliveryEntity).createQueryBuilder('d');
    if (filter.statuses?.length) {
      query.andWhere('d.status IN (:...statuses)', { statuses: filter.statuses });
    }
    if (filter.ruleId != null) {
      query.andWhere('d.rule_id = :ruleId', { ruleId: filter.ruleId });
    }
    if (filter.eventId != null) {
      query.andWhere('d.event_id = :eventId', { eventId: filter.eventId });
    }

    return query;
  }
}
