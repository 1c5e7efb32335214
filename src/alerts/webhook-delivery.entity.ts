import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { instant, text } from '../db/columns';
import type { WebhookStatus } from './webhook-policy';

/**
 * One alert event to POST to its rule's webhook, with everything a retry needs (URL, exact
 * body, signature), so that any instance can send it, after a restart too, without reading
 * the rule again.
 */
@Entity('webhook_deliveries')
// One delivery per event: an event handed over twice is not sent twice.
@Index('idx_webhook_deliveries_event', ['eventId'], { unique: true })
// The dispatcher's scan: due PENDING rows, earliest first.
@Index('idx_webhook_deliveries_due', ['status', 'nextAttemptAt'])
@Index('idx_webhook_deliveries_rule', ['ruleId', 'id'])
export class WebhookDeliveryEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'event_id', type: 'int' })
  eventId!: number;

  @Column({ name: 'rule_id', type: 'int' })
  ruleId!: number;

  @Column(text('url', 2000))
  url!: string;

  @Column(text('status', 16))
  status!: WebhookStatus;

  @Column({ name: 'attempts', type: 'int', default: 0 })
  attempts!: number;

  @Column({ name: 'last_status_code', type: 'int', nullable: true })
  lastStatusCode!: number | null;

  @Column(text('last_error', 500, true))
  lastError!: string | null;

  /** When the next attempt may start; null once DELIVERED or FAILED. */
  @Column(instant('next_attempt_at', true))
  nextAttemptAt!: Date | null;

  /** The exact JSON sent, so every attempt carries the same bytes and signature. */
  @Column({ name: 'body', type: 'text' })
  body!: string;

  /** `sha256=<hex>`: HMAC-SHA256 of `body` with the rule's secret; null when it has none. */
  @Column(text('signature', 80, true))
  signature!: string | null;

  @Column(instant('created_at'))
  createdAt!: Date;

  @Column(instant('delivered_at', true))
  deliveredAt!: Date | null;
}
