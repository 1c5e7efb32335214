import { createHash } from 'node:crypto';
import { badInput } from '../errors';

// Deterministic, sticky assignment. Two independent hashes of (salt, customer id) give two
// uniform numbers in [0, 1): the first decides whether the customer is in the experiment's
// traffic (u < share, so raising the share only adds customers and never moves anyone out),
// the second picks the variant by cumulative weight. Independence matters: with one number,
// the customers a share increase admits would all land in the last variants.

/** A variant as assignment sees it: its key and its (positive) weight. */
export interface WeightedVariant {
  key: string;
  weight: number;
}

/** Who gets what: a variant key, or none with the reason. */
export type Assignment =
  { variantKey: string; reason: null } | { variantKey: null; reason: 'OUTSIDE_TRAFFIC' };

/**
 * A uniform number in [0, 1) from SHA-256 of `salt:purpose:customerId` (the first 52 bits, so
 * every value is exact in a double). The same inputs always give the same number.
 */
export function unitHash(salt: string, purpose: string, customerId: number): number {
  const digest = createHash('sha256').update(`${salt}:${purpose}:${customerId}`).digest();
  // 52 bits: 4 bytes high, then 20 bits low.
  const high = digest.readUInt32BE(0);
  const low = digest.readUInt32BE(4) >>> 12;

  return (high * 2 ** 20 + low) / 2 ** 52;
}

/**
 * The variant of `customerId` in an experiment with this salt, traffic share (0–1) and
 * variants (weights need not sum to 1). Throws BAD_USER_INPUT naming `trafficShare` or
 * `variants` when they cannot be used.
 */
export function assignVariant(
  salt: string,
  trafficShare: number,
  variants: readonly WeightedVariant[],
  customerId: number,
): Assignment {
  if (!(trafficShare >= 0 && trafficShare <= 1)) {
    throw badInput(`must be between 0 and 1, got ${trafficShare}`, 'trafficShare');
  }
  if (variants.length < 2 || variants.some((variant) => !(variant.weight > 0))) {
    throw badInput('needs two or more variants with positive weights', 'variants');
  }
  if (unitHash(salt, 'traffic', customerId) >= trafficShare) {
    return { variantKey: null, reason: 'OUTSIDE_TRAFFIC' };
  }
  const total = variants.reduce((sum, variant) => sum + variant.weight, 0);
  const target = unitHash(salt, 'variant', customerId) * total;
  let cumulative = 0;
  for (const variant of variants) {
    cumulative += variant.weight;
    if (target < cumulative) {
      return { variantKey: variant.key, reason: null };
    }
  }

  // Rounding can leave `target` a hair above the last cumulative sum.
  return { variantKey: variants[variants.length - 1].key, reason: null };
}
