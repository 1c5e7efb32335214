import countries from 'i18n-iso-countries';
import english from 'i18n-iso-countries/langs/en.json';
import {
  type CountryCode,
  isSupportedCountry,
  parsePhoneNumberFromString,
} from 'libphonenumber-js';
import { badInput } from '../errors';

// One way to write each profile value, applied on every write path (mutations, CSV import,
// `pulse normalize`). Pure: a value either comes back in its one normal form or is refused with
// BAD_USER_INPUT naming the field, never stored half-clean.

countries.registerLocale(english);

// Deliberately plain: one @, no spaces, a dot in the domain. Deliverability is the mail
// system's business; this catches typing and mapping errors.
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
const MAX_EMAIL_LENGTH = 254;

/**
 * The form an email is stored and compared in, trimmed and lower-cased: two values with the same
 * key are one address (a batch that gives it to two customers contradicts itself).
 */
export function emailKey(value: string): string {
  return value.trim().toLowerCase();
}

/** `emailKey`'s form; refused unless it looks like `local@domain.tld`. */
export function normalizeEmail(value: string, field: string): string {
  const email = emailKey(value);
  if (!EMAIL.test(email) || email.length > MAX_EMAIL_LENGTH) {
    throw badInput(`"${value}" is not an email address`, field);
  }

  return email;
}

/**
 * E.164 (`+447700900123`) by libphonenumber's metadata: a number without a country prefix is
 * read in `defaultRegion`. Refused when libphonenumber does not consider it a valid number.
 */
export function normalizePhone(value: string, defaultRegion: CountryCode, field: string): string {
  const phone = parsePhoneNumberFromString(value.trim(), defaultRegion);
  if (!phone?.isValid()) {
    throw badInput(
      `"${value}" is not a valid phone number (default region ${defaultRegion})`,
      field,
    );
  }

  return phone.number;
}

/** ISO 3166-1 alpha-2 from an alpha-2 or alpha-3 code or an English name, any case. */
export function normalizeCountry(value: string, field: string): string {
  const text = value.trim().replace(/\s+/g, ' ');
  const upper = text.toUpperCase();
  const code =
    upper.length === 2
      ? upper
      : upper.length === 3
        ? countries.alpha3ToAlpha2(upper)
        : countries.getAlpha2Code(text, 'en');
  if (!code || !countries.isValid(code)) {
    throw badInput(`"${value}" is not an ISO 3166-1 country code or name`, field);
  }

  return code;
}

/** Trimmed with inner runs of whitespace collapsed to one space; blank becomes null. */
export function normalizeName(value: string): string | null {
  const name = value.trim().replace(/\s+/g, ' ');

  return name === '' ? null : name;
}

/** Whether `region` is a region libphonenumber knows (for the configuration check). */
export function isPhoneRegion(region: string): region is CountryCode {
  return isSupportedCountry(region);
}

/** The profile fields normalisation rewrites. */
export interface NormalizableProfile {
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  country?: string | null;
  city?: string | null;
}

/**
 * The profile with every given field in normal form (null and undefined pass through; blank
 * text becomes null). Errors name `${path}.${field}`.
 */
export function normalizeProfile<T extends NormalizableProfile>(
  profile: T,
  defaultRegion: CountryCode,
  path: string,
): T {
  const out: NormalizableProfile = { ...profile };
  const text = (value: string | null | undefined) =>
    typeof value === 'string' ? normalizeName(value) : value;
  out.name = text(profile.name);
  out.city = text(profile.city);
  const email = text(profile.email);
  out.email = typeof email === 'string' ? normalizeEmail(email, `${path}.email`) : email;
  const phone = text(profile.phone);
  out.phone =
    typeof phone === 'string' ? normalizePhone(phone, defaultRegion, `${path}.phone`) : phone;
  const country = text(profile.country);
  out.country =
    typeof country === 'string' ? normalizeCountry(country, `${path}.country`) : country;
  for (const field of ['name', 'email', 'phone', 'country', 'city'] as const) {
    if (profile[field] === undefined) {
      delete out[field];
    }
  }

  return out as T;
}
