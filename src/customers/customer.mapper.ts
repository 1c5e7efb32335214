import {
  maskBirthDate,
  maskEmail,
  maskFreeText,
  maskName,
  maskPhone,
  masksPersonalData,
} from '../auth/masking';
import type { PulseContext } from '../graphql/context';
import { fromGlobalId, toGlobalId } from '../graphql/global-id';
import type { CustomerEntity } from './customer.entity';
import { Customer, type Gender } from './customer.types';

/**
 * The GraphQL view of a customer row, with personal fields masked for roles that need it. Every
 * path to a customer comes through here, so this is where an unmasked read is noted for the
 * audit log.
 */
export function toCustomer(
  row: CustomerEntity,
  viewer: Pick<PulseContext, 'principal' | 'audit'>,
): Customer {
  const mask = masksPersonalData(viewer.principal?.role);
  if (!mask) {
    viewer.audit.readPersonalData(row.id);
  }
  const masked = <T>(value: T | null, fn: (v: T) => T): T | null =>
    mask && value !== null ? fn(value) : value;

  return Object.assign(new Customer(), {
    id: toGlobalId('Customer', row.id),
    dbId: row.id,
    externalId: row.externalId,
    name: masked(row.name, maskName),
    email: masked(row.email, maskEmail),
    phone: masked(row.phone, maskPhone),
    country: row.country,
    city: masked(row.city, maskName),
    birthDate: masked(row.birthDate, maskBirthDate),
    gender: row.gender as Gender | null,
    signedUpAt: row.signedUpAt,
    attributes: mask
      ? (maskFreeText(row.attributes ?? {}) as Record<string, unknown>)
      : (row.attributes ?? {}),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    version: row.version,
  });
}

/** The customer with this row id through the request's loader, as its GraphQL view. */
export async function loadCustomer(ctx: PulseContext, dbId: number): Promise<Customer | null> {
  const row = await ctx.loaders.customerById.load(dbId);

  return row && toCustomer(row, ctx);
}

/** The survivor a merged customer's row id now leads to, as its GraphQL view; null when none. */
export async function loadMergedCustomer(
  ctx: PulseContext,
  mergedId: number,
): Promise<Customer | null> {
  const row = await ctx.loaders.survivorByMergedId.load(mergedId);

  return row && toCustomer(row, ctx);
}

/** Ingestion rows with their `customerId` global ids decoded (errors name `field[i].customerId`). */
export function decodeCustomerIds<T extends { customerId?: string | null }>(
  rows: T[],
  field: string,
): Array<Omit<T, 'customerId'> & { customerId: number | null }> {
  return rows.map((row, i) => ({
    ...row,
    customerId:
      row.customerId != null
        ? fromGlobalId(row.customerId, 'Customer', `${field}[${i}].customerId`)
        : null,
  }));
}
