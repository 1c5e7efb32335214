import type { Channel } from '../interactions/channel';

// Row shapes of the demo data set, as the generator returns them and the seeder stores them.

export type DemoGender = 'FEMALE' | 'MALE' | 'NON_BINARY' | 'UNDISCLOSED';
export type DemoConsentChannel = Channel.EMAIL | Channel.SMS | Channel.MOBILE_APP;
export type DemoConsentStatus = 'GRANTED' | 'DENIED';
export type DemoOrderStatus = 'PLACED' | 'PAID' | 'REFUNDED' | 'CANCELLED';

export interface DemoAttributes {
  tier: 'gold' | 'silver' | 'bronze';
  newsletter: boolean;
  acquisitionSource: 'ads' | 'organic' | 'referral' | 'partner';
  hasApp: boolean;
}

export interface DemoCustomerRow {
  index: number;
  externalId: string;
  name: string;
  email: string;
  /** E.164. */
  phone: string | null;
  /** ISO 3166-1 alpha-2. */
  country: string;
  city: string;
  /** `YYYY-MM-DD`. */
  birthDate: string | null;
  gender: DemoGender;
  signedUpAt: Date;
  /** The last change to the row (its last consent change). */
  updatedAt: Date;
  attributes: DemoAttributes;
}

export interface DemoConsentRow {
  externalId: string;
  channel: DemoConsentChannel;
  status: DemoConsentStatus;
  changedAt: Date;
  source: 'signup-form' | 'preference-center';
}

export interface DemoInteractionRow {
  externalId: string;
  channel: Channel;
  type: string;
  occurredAt: Date;
  value: number | null;
  score: number | null;
  properties: Record<string, string | number | boolean> | null;
  clientEventId: string;
}

export interface DemoOrderLineRow {
  productId: string;
  productName: string;
  category: string;
  quantity: number;
  unitPrice: number;
}

export interface DemoOrderRow {
  externalId: string;
  clientOrderId: string;
  orderedAt: Date;
  /** The sum of quantity × unit price over the lines, in `currency`. */
  amount: number;
  currency: string;
  status: DemoOrderStatus;
  /** When the status last changed (a refund comes days after the order). */
  updatedAt: Date;
  lines: DemoOrderLineRow[];
}

/** What was drawn for one customer but is not stored: the truth that models try to recover. */
export interface DemoLatent {
  isBuyer: boolean;
  /** Multiplier on browsing and ordering; 1 is typical. */
  activity: number;
  /** When the customer went quiet, or null when still active at DEMO_END. */
  churnedAt: Date | null;
}

export interface DemoCustomerData {
  customer: DemoCustomerRow;
  /** Every consent change, oldest first (the `consent_changes` history). */
  consentChanges: DemoConsentRow[];
  /** The current consent per channel (the `customer_consents` table). */
  consents: DemoConsentRow[];
  /** Oldest first; client event ids are numbered in this order. */
  interactions: DemoInteractionRow[];
  /** Oldest first; client order ids are numbered in this order. */
  orders: DemoOrderRow[];
  latent: DemoLatent;
}

export interface DemoBatch {
  customers: DemoCustomerRow[];
  consentChanges: DemoConsentRow[];
  consents: DemoConsentRow[];
  interactions: DemoInteractionRow[];
  orders: DemoOrderRow[];
}
