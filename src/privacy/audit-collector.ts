import type { Principal } from '../auth/principal';
import type { Actor } from './audit-record';

/**
 * Collects, for one request (or one subscription event), the customers whose unmasked personal
 * data the caller received, so that the whole response is audited as one entry rather than one
 * per customer. The customer mapper notes each customer; the Apollo plugin (HTTP) or the
 * WebSocket hook takes the ids when the response goes out.
 */
export class AuditCollector {
  /** Set once the operation is known (Apollo's didResolveOperation). */
  operationName: string | null = null;
  private readonly customerIds = new Set<number>();

  constructor(
    private readonly principal: Principal | null,
    private readonly requestId: string,
  ) {}

  /** Who the request acts as, for services that record writes. */
  get actor(): Actor {
    return {
      apiKeyId: this.principal?.keyId ?? null,
      requestId: this.requestId,
      operationName: this.operationName,
    };
  }

  /** Notes that the caller received this customer's personal data unmasked. */
  readPersonalData(customerId: number): void {
    this.customerIds.add(customerId);
  }

  /** The customers noted since the last call, in the order first seen; empties the collector. */
  take(): number[] {
    const ids = [...this.customerIds];
    this.customerIds.clear();

    return ids;
  }
}
