import { badInput } from '../errors';

// Global ids are opaque to clients (Relay's Node contract): base64url of `Type:dbId`. They are
// not a secret, only a promise that clients will not build them by hand.

export function toGlobalId(type: string, dbId: number): string {
  return Buffer.from(`${type}:${dbId}`, 'utf8').toString('base64url');
}

export interface DecodedGlobalId {
  type: string;
  dbId: number;
}

/** Decodes any global id; `field` names the argument for the error when it is malformed. */
export function decodeGlobalId(id: string, field: string): DecodedGlobalId {
  const decoded = Buffer.from(id, 'base64url').toString('utf8');
  const match = /^([A-Za-z]+):([1-9]\d{0,9})$/.exec(decoded);
  if (!match || Number(match[2]) > 2 ** 31 - 1) {
    throw badInput(`"${id}" is not a Pulse id`, field);
  }

  return { type: match[1], dbId: Number(match[2]) };
}

/** Decodes a global id that must name an object of `type`. */
export function fromGlobalId(id: string, type: string, field: string): number {
  const decoded = decodeGlobalId(id, field);
  if (decoded.type !== type) {
    throw badInput(`"${id}" is the id of a ${decoded.type}, not of a ${type}`, field);
  }

  return decoded.dbId;
}
