import { hash, randomBytes } from 'node:crypto';

const KEY_PREFIX = 'pulse_';

/** A new random key: 32 bytes from the CSPRNG, base64url, with a recognisable prefix. */
export function generateApiKey(): string {
  return KEY_PREFIX + randomBytes(32).toString('base64url');
}

/**
 * SHA-256, hex. A slow password hash (bcrypt, scrypt) defends low-entropy secrets against
 * guessing; a 256-bit random key cannot be guessed, and a fast hash keeps per-request
 * authentication to one indexed lookup. Node's one-shot `hash` skips building a Hash object for
 * every request.
 */
export function hashApiKey(key: string): string {
  return hash('sha256', key, 'hex');
}

/** The part of a key shown in listings: enough to tell keys apart, useless to an attacker. */
export function apiKeyPrefix(key: string): string {
  return key.slice(0, 12);
}

/** Reads `Bearer <key>` from an Authorization header value. */
export function bearerToken(header: string | undefined | null): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');

  return match ? match[1] : null;
}
