import { type DataSource, LessThanOrEqual } from 'typeorm';
import { serialized } from '../db/transaction';
import { toGlobalId } from '../graphql/global-id';
import { WebhookDeliveryEntity } from './webhook-delivery.entity';
import { retryDelayMs, SIGNATURE_HEADER } from './webhook-policy';

/** Settings of the webhook dispatcher. */
export interface WebhookDispatcherOptions {
  /** Attempts per delivery before it is FAILED (PULSE_WEBHOOK_MAX_ATTEMPTS). */
  maxAttempts: number;
  /** How long one POST may take, connection to response headers. Defaults to 5 000 ms. */
  timeoutMs?: number;
  /** How often the table is scanned for due deliveries. Defaults to 1 000 ms. */
  pollMs?: number;
  /** Most deliveries claimed per scan. Defaults to 20. */
  batchSize?: number;
}

/**
 * Sends due webhook deliveries. Every instance runs one; a conditional UPDATE claims each
 * attempt (it matches only while `attempts` is what the scan read), so two instances never send
 * the same attempt. Timers are unref'd, and nothing here ever blocks alert evaluation: it only
 * reads rows that evaluation's listener has already written.
 */
export class WebhookDispatcher {
  private readonly timeoutMs: number;
  private readonly pollMs: number;
  private readonly batchSize: number;
  private readonly aborter = new AbortController();
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private pollTimer: NodeJS.Timeout | null = null;
  private scanning: Promise<void> | null = null;
  private rescan = false;
  private readonly sending = new Set<Promise<void>>();

  constructor(
    private readonly db: DataSource,
    private readonly options: WebhookDispatcherOptions,
  ) {
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.pollMs = options.pollMs ?? 1000;
    this.batchSize = options.batchSize ?? 20;
  }

  start(): void {
    this.pollTimer = setInterval(() => this.wake(), this.pollMs).unref();
    this.wake();
  }

  /** Scans for due deliveries now (a scan in progress is followed by one more); returns at once. */
  wake(): void {
    if (!this.pollTimer) {
      return;
    }
    if (this.scanning) {
      this.rescan = true;

      return;
    }
    this.scanning = this.scan().finally(() => {
      this.scanning = null;
      if (this.rescan) {
        this.rescan = false;
        this.wake();
      }
    });
  }

  /** Stops scanning, aborts requests in flight (their attempts stay counted) and waits for them. */
  async stop(): Promise<void> {
    if (this.pollTimer) {
      clearInterval(this.pollTimer);
      this.pollTimer = null;
    }
    this.retryTimers.forEach(clearTimeout);
    this.aborter.abort();
    await this.scanning;
    await Promise.all(this.sending);
  }

  private async scan(): Promise<void> {
    try {
      const due = await this.db.getRepository(WebhookDeliveryEntity).find({
        where: { status: 'PENDING', nextAttemptAt: LessThanOrEqual(new Date()) },
        order: { nextAttemptAt: 'ASC' },
        take: this.batchSize,
      });
      for (const delivery of due) {
        if (this.pollTimer && (await this.claim(delivery))) {
          const sent = this.send(delivery).catch(() => undefined);
          this.sending.add(sent);
          void sent.finally(() => this.sending.delete(sent));
        }
      }
    } catch {
      // A failed scan (database briefly away) is retried by the next poll.
    }
  }

  // Takes one attempt: counts it and moves the row out of reach of other scans until the
  // attempt could have timed out, so a crashed instance's attempt is retried, not lost.
  private async claim(delivery: WebhookDeliveryEntity): Promise<boolean> {
    const reservedUntil = new Date(Date.now() + this.timeoutMs + 5000);
    const result = await serialized(this.db, () =>
      this.db
        .createQueryBuilder()
        .update(WebhookDeliveryEntity)
        .set({ attempts: () => 'attempts + 1', nextAttemptAt: reservedUntil })
        .where('id = :id AND status = :status AND attempts = :attempts', {
          id: delivery.id,
          status: 'PENDING',
          attempts: delivery.attempts,
        })
        .execute(),
    );
    if (result.affected !== 1) {
      return false;
    }
    delivery.attempts += 1;

    return true;
  }

  private async send(delivery: WebhookDeliveryEntity): Promise<void> {
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Pulse-Webhooks',
          'x-pulse-event-id': toGlobalId('AlertEvent', delivery.eventId),
          ...(delivery.signature ? { [SIGNATURE_HEADER]: delivery.signature } : {}),
        },
        body: delivery.body,
        // A redirect is answered as a failure rather than followed with the signed body.
        redirect: 'manual',
        signal: AbortSignal.any([this.aborter.signal, AbortSignal.timeout(this.timeoutMs)]),
      });
      statusCode = response.status;
      await response.body?.cancel();
      if (statusCode < 200 || statusCode > 299) {
        error = `HTTP ${statusCode}`;
      }
    } catch (failure) {
      error = describeFailure(failure, this.timeoutMs);
    }
    await this.record(delivery, statusCode, error);
  }

  private async record(
    delivery: WebhookDeliveryEntity,
    lastStatusCode: number | null,
    lastError: string | null,
  ): Promise<void> {
    const now = new Date();
    const failed = lastError !== null;
    const last = delivery.attempts >= this.options.maxAttempts;
    const delayMs = failed && !last ? retryDelayMs(delivery.attempts, Math.random()) : 0;
    // Matched on the claimed attempt: a row that another instance re-claimed after this one
    // overran its reservation keeps that instance's outcome.
    await serialized(this.db, () =>
      this.db.getRepository(WebhookDeliveryEntity).update(
        { id: delivery.id, attempts: delivery.attempts },
        {
          status: !failed ? 'DELIVERED' : last ? 'FAILED' : 'PENDING',
          lastStatusCode,
          lastError: lastError?.slice(0, 500) ?? null,
          nextAttemptAt: failed && !last ? new Date(now.getTime() + delayMs) : null,
          deliveredAt: failed ? null : now,
        },
      ),
    );
    if (failed && !last && this.pollTimer) {
      const timer = setTimeout(() => {
        this.retryTimers.delete(timer);
        this.wake();
      }, delayMs).unref();
      this.retryTimers.add(timer);
    }
  }
}

function describeFailure(failure: unknown, timeoutMs: number): string {
  const error = failure as Error & { cause?: { code?: string; message?: string } };
  if (error.name === 'TimeoutError') {
    return `no response within ${timeoutMs} ms`;
  }
  if (error.name === 'AbortError') {
    return 'aborted: the instance stopped';
  }

  return error.cause?.code ?? error.cause?.message ?? error.message;
}
