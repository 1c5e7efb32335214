import countries from 'i18n-iso-countries';
import type { RuleDialect, SqlFragment } from '../db/dialect';

// What "filled" and "valid" mean for each customer field, as SQL conditions over the customers
// table aliased `c`. Pure (the dialect's REGEXP comes in as a RuleDialect). The rules mirror
// normalize.ts, so that a value written by Pulse today is valid; rows stored before
// normalisation, or written straight into the database, may not be.

/** The customer fields the quality report and the DATA_QUALITY metric measure. */
export const QUALITY_FIELDS = [
  'name',
  'email',
  'phone',
  'country',
  'city',
  'birth_date',
  'gender',
] as const;
export type QualityField = (typeof QUALITY_FIELDS)[number];

/** The customers measured: not deleted and not erased (erasure empties the fields on purpose). */
export const LIVE_CUSTOMER = 'c.deleted_at IS NULL AND c.erased_at IS NULL';

/** Birth dates on or before this day are taken for placeholders, not real dates. */
export const EARLIEST_BIRTH_DATE = '1900-01-01';

// The Gender enum's values (customers/customer.types.ts, which imports graphql).
const GENDERS = ['FEMALE', 'MALE', 'NON_BINARY', 'UNDISCLOSED'];
// Leading, trailing or doubled whitespace, or whitespace other than a space.
const UNTIDY_TEXT = '^\\s|\\s$|\\s\\s|[^ \\S]';

/** `(field IS NOT NULL AND TRIM(field) <> '')`: the field holds a non-blank value. */
export function filledSql(field: QualityField): string {
  return `(c.${field} IS NOT NULL AND TRIM(c.${field}) <> '')`;
}

/**
 * The field is filled and passes its rule: email `LIKE '%_@_%._%'` without spaces or capitals;
 * phone E.164 (`+` and 8–15 digits); country an ISO 3166-1 alpha-2 code (bound as parameters);
 * birth date after 1900-01-01 and not after `today` (an SQL `YYYY-MM-DD` value); gender one of
 * the Gender values; name and city trimmed with single spaces.
 */
export function validSql(
  field: QualityField,
  dialect: RuleDialect,
  today: SqlFragment,
): SqlFragment {
  const column = `c.${field}`;
  const matches = (pattern: string) => dialect.regexp(column, pattern);
  const all = (...parts: SqlFragment[]): SqlFragment => ({
    sql: `(${parts.map((p) => p.sql).join(' AND ')})`,
    params: parts.flatMap((p) => p.params),
  });
  const plain = (sql: string, params: unknown[] = []): SqlFragment => ({ sql, params });
  const not = (part: SqlFragment): SqlFragment => ({ sql: `NOT ${part.sql}`, params: part.params });
  const oneOf = (values: string[]) =>
    plain(`${column} IN (${values.map(() => '?').join(', ')})`, values);
  const filled = plain(filledSql(field));
  switch (field) {
    case 'name':
    case 'city':
      return all(filled, not(matches(UNTIDY_TEXT)));
    case 'email':
      return all(
        filled,
        plain(`${column} LIKE '%_@_%._%'`),
        plain(`${column} NOT LIKE '% %'`),
        not(matches('[A-Z]')),
      );
    case 'phone':
      return all(filled, matches('^\\+[0-9]{8,15}$'));
    case 'country':
      // IN compares case-insensitively on MySQL; the pattern keeps `gb` invalid there too.
      return all(filled, matches('^[A-Z]{2}$'), oneOf(Object.keys(countries.getAlpha2Codes())));
    case 'gender':
      return all(filled, matches('^[A-Z_]+$'), oneOf(GENDERS));
    case 'birth_date':
      return all(
        filled,
        plain(`${column} > ?`, [EARLIEST_BIRTH_DATE]),
        plain(`${column} <= ${today.sql}`, today.params),
      );
    default:
      return unreachable(field);
  }
}

/** The UTC calendar day of `instant` as `YYYY-MM-DD`. */
export function dayOf(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

/** Whether `value` names a quality field (for validating configs). */
export function isQualityField(value: unknown): value is QualityField {
  return QUALITY_FIELDS.includes(value as QualityField);
}

function unreachable(value: never): never {
  throw new Error(`Unknown quality field ${String(value)}`);
}
