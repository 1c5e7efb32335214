/** What an API key may do (DESIGN.md, "Roles"). */
export enum Role {
  /** Everything, including key management. */
  ADMIN = 'ADMIN',
  /** Reads and writes customer data and analytics; no key management. */
  ANALYST = 'ANALYST',
  /** Reads only, with personal data masked. */
  PARTNER = 'PARTNER',
  /** Reads alerts and subscribes to them; nothing else. */
  ALERTS = 'ALERTS',
}

export const ROLES = Object.values(Role);

/** Who is calling: the API key that authenticated the request and its role. */
export interface Principal {
  keyId: number;
  role: Role;
}

/** Roles that may read customer data. */
export const READERS = [Role.ADMIN, Role.ANALYST, Role.PARTNER];
/** Roles that may write customer data. */
export const WRITERS = [Role.ADMIN, Role.ANALYST];
