import { type DataSource, LessThanOrEqual } from 'typeorm';
import { serialized } from '../db/transaction';
import { toGlobalId } from '../graphql/global-id';
import { type Network, parseNetworks } from './webhook-address';
import { WebhookDeliveryEntity } from './webhook-delivery.entity';
import { retryDelayMs, SIGNATURE_HEADER } from './webhook-policy';
import { postWebhook, type Resolve, WebhookRefused } from './webhook-request';

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
  /**
   * Networks (CIDR or single addresses) whose loopback, private, link-local or other
   * special-purpose addresses may receive webhooks (PULSE_WEBHOOK_ALLOWED_NETWORKS). Defaults to
   * none: only public addresses.
   */
  allowedNetworks?: readonly string[];
  /** Resolves host names; defaults to the system resolver (tests inject names). */
  resolve?: Resolve;
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
  private readonly allowed: Network[];
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
    this.allowed = parseNetworks(options.allowedNetworks ?? []);
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
    let refused = false;
    const timeout = AbortSignal.timeout(this.timeoutMs);
    try {
      statusCode = await postWebhook(
        {
          url: delivery.url,
          headers: {
            'content-type': 'application/json',
            'user-agent': 'Pulse-Webhooks',
            'x-pulse-event-id': toGlobalId('AlertEvent', delivery.eventId),
            ...(delivery.signature ? { [SIGNATURE_HEADER]: delivery.signature } : {}),
          },
          body: delivery.body,
        },
        {
          allowed: this.allowed,
          resolve: this.options.resolve,
          signal: AbortSignal.any([this.aborter.signal, timeout]),
        },
      );
      // A redirect is answered as a failure rather than followed with the signed body.
      if (statusCode < 200 || statusCode > 299) {
        error = `HTTP ${statusCode}`;
      }
    } catch (failure) {
      // Retrying a refused address would only send the same refusal again.
      refused = failure instanceof WebhookRefused;
      error = refused
        ? (failure as Error).message
        : describeFailure(failure, timeout.aborted, this.aborter.signal.aborted, this.timeoutMs);
    }
    await this.record(delivery, statusCode, error, refused);
  }

  private async record(
    delivery: WebhookDeliveryEntity,
    lastStatusCode: number | null,
    lastError: string | null,
    final: boolean,
  ): Promise<void> {
    const now = new Date();
    const failed = lastError !== null;
    const last = final || delivery.attempts >= this.options.maxAttempts;
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

function describeFailure(
  failure: unknown,
  timedOut: boolean,
  stopped: boolean,
  timeoutMs: number,
): string {
  if (timedOut) {
    return `no response within ${timeoutMs} ms`;
  }
  if (stopped) {
    return 'aborted: the instance stopped';
  }
  // Connecting to several addresses of one name fails with all their errors at once.
  const error = failure as Error & { code?: string; errors?: Array<{ code?: string }> };

  return error.code ?? error.errors?.[0]?.code ?? error.message;
}
