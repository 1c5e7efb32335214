import { badInput } from '../errors';

// Small checks of untyped rule input, each naming the offending field in its error.

const MAX_TEXT = 200;
const PATH = /^[A-Za-z_][A-Za-z0-9_]{0,63}(\.[A-Za-z_][A-Za-z0-9_]{0,63}){0,4}$/;

export function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

export function record(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badInput('must be an object', field);
  }

  return value as Record<string, unknown>;
}

export function allowOnly(
  object: Record<string, unknown>,
  keys: readonly string[],
  field: string,
): void {
  const unknown = Object.keys(object).find((key) => !keys.includes(key));
  if (unknown !== undefined) {
    throw badInput(
      `unknown field "${unknown}"; expected one of ${keys.join(', ')}`,
      `${field}.${unknown}`,
    );
  }
}

export function forbid(
  object: Record<string, unknown>,
  key: string,
  why: string,
  field: string,
): void {
  if (present(object[key])) {
    throw badInput(`${key} ${why}`, `${field}.${key}`);
  }
}

export function oneOf(value: unknown, choices: readonly string[], field: string): string {
  if (typeof value !== 'string' || !choices.includes(value)) {
    throw badInput(`must be one of ${choices.join(', ')}`, field);
  }

  return value;
}

export function enumList(value: unknown, choices: readonly string[], field: string): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw badInput('needs at least one value', field);
  }

  return [...new Set(value.map((item, i) => oneOf(item, choices, `${field}[${i}]`)))];
}

export function text(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_TEXT) {
    throw badInput(`must be a string of 1 to ${MAX_TEXT} characters`, field);
  }

  return value;
}

export function attributePath(value: unknown, field: string): string {
  if (typeof value !== 'string' || !PATH.test(value)) {
    throw badInput('must be a dotted path of up to 5 names (letters, digits, _)', field);
  }

  return value;
}

export function date(value: unknown, field: string): string {
  const valid =
    typeof value === 'string' &&
    /^\d{4}-\d{2}-\d{2}$/.test(value) &&
    new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);
  if (!valid) {
    throw badInput('must be a date as YYYY-MM-DD', field);
  }

  return value;
}

export function instant(value: unknown, field: string): string {
  const time =
    typeof value === 'string' && /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(value)
      ? Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value)
      : NaN;
  if (Number.isNaN(time)) {
    throw badInput('must be an ISO 8601 date or date-time', field);
  }

  return new Date(time).toISOString();
}
