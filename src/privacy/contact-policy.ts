import { type Channel, CHANNELS } from '../interactions/channel';

/** A customer's recorded consent on one channel, as stored. */
export interface ConsentRecord {
  channel: string;
  status: string;
}

/**
 * Whether a customer may be contacted on `channel`, given their recorded consents. Marketing
 * contact is opt-in: only an explicit GRANTED allows it; no record, DENIED or anything else
 * does not.
 */
export function mayContact(consents: readonly ConsentRecord[], channel: Channel): boolean {
  return consents.some((consent) => consent.channel === channel && consent.status === 'GRANTED');
}

/** The channels `mayContact` allows, in the order of the Channel enum. */
export function contactableChannels(consents: readonly ConsentRecord[]): Channel[] {
  return CHANNELS.filter((channel) => mayContact(consents, channel));
}
