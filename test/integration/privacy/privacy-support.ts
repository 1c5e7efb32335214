import { type Role } from '../../../src/auth/principal';
import { toGlobalId } from '../../../src/graphql/global-id';
import { createCustomers, unique } from '../support/factories';
import type { TestPulse } from '../support/start-pulse';

export const AUDIT_LOG = `query Audit($filter: AuditLogFilter, $first: Int, $after: String) {
  auditLog(filter: $filter, first: $first, after: $after) {
    totalCount
    edges { cursor node { id occurredAt apiKeyId action customerId customerCount customerIds
                          operationName requestId details } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}`;

export interface AuditEntryView {
  id: string;
  occurredAt: string;
  apiKeyId: string | null;
  action: string;
  customerId: string | null;
  customerCount: number;
  customerIds: string[];
  operationName: string | null;
  requestId: string | null;
  details: Record<string, unknown> | null;
}

/** Audit entries matching `filter`, newest first (one page of up to 100), read as ADMIN. */
export async function auditEntries(
  pulse: TestPulse,
  filter: Record<string, unknown>,
): Promise<AuditEntryView[]> {
  const response = await pulse.query<{
    auditLog: { edges: Array<{ node: AuditEntryView }> };
  }>(AUDIT_LOG, { filter, first: 100 });
  if (!response.data) {
    throw new Error(`reading the audit log failed: ${JSON.stringify(response.errors)}`);
  }

  return response.data.auditLog.edges.map((edge) => edge.node);
}

/** The global id of the test key of `role`, as audit entries name it. */
export async function apiKeyIdOf(pulse: TestPulse, role: Role): Promise<string> {
  const principal = await pulse.app.services.apiKeys.authenticate(pulse.keys[role]);

  return toGlobalId('ApiKey', principal!.keyId);
}

const INGEST = `mutation($a: IngestInteractionsInput!, $b: IngestOrdersInput!) {
  ingestInteractions(input: $a) { accepted } ingestOrders(input: $b) { accepted }
}`;

export interface PersonWithHistory {
  id: string;
  externalId: string;
}

/**
 * A customer with EMAIL consent granted, `count` interactions (with free-text properties) and
 * `count` paid orders of one line each, one per month from January 2025.
 */
export async function createPersonWithHistory(
  pulse: TestPulse,
  count: number,
): Promise<PersonWithHistory> {
  const [person] = await createCustomers(pulse, 1, () => ({
    phone: '+441234567123',
    city: 'Leeds',
    birthDate: '1984-06-02',
    gender: 'FEMALE',
    attributes: { note: 'prefers mornings', visits: 3 },
    consents: [{ channel: 'EMAIL', status: 'GRANTED', source: 'signup-form' }],
  }));
  const prefix = unique('hist');
  const month = (i: number, day: number) => new Date(Date.UTC(2025, i % 12, day)).toISOString();
  const ingested = await pulse.query(INGEST, {
    a: {
      interactions: Array.from({ length: count }, (_, i) => ({
        customerId: person.id,
        channel: 'SUPPORT',
        type: 'ticket_opened',
        occurredAt: month(i, 3),
        clientEventId: `${prefix}-i-${i}`,
        properties: { subject: `Parcel ${i} lost`, priority: 2 },
      })),
    },
    b: {
      orders: Array.from({ length: count }, (_, i) => ({
        customerId: person.id,
        clientOrderId: `${prefix}-o-${i}`,
        orderedAt: month(i, 5),
        currency: 'GBP',
        status: 'PAID',
        lines: [
          {
            productId: `p${i}`,
            productName: 'Kettle',
            category: 'kitchen',
            quantity: 2,
            unitPrice: 10.5,
          },
        ],
      })),
    },
  });
  if (ingested.errors) {
    throw new Error(`ingesting history failed: ${JSON.stringify(ingested.errors)}`);
  }

  return person;
}
