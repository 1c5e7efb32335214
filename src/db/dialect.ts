import type { DataSource, EntityManager } from 'typeorm';

// The only file that knows MySQL and SQLite apart. Everything else asks it.

export type Dialect = 'mysql' | 'sqlite';

type HasConnection = DataSource | EntityManager;

export function dialectOf(db: HasConnection): Dialect {
  const type = 'connection' in db ? db.connection.options.type : db.options.type;

  return type === 'mysql' || type === 'mariadb' ? 'mysql' : 'sqlite';
}

/**
 * An instant as a raw SQL parameter. TypeORM converts Dates in query-builder parameters but not
 * in `query(sql, params)`; SQLite keeps instants as `YYYY-MM-DD HH:MM:SS.SSS` text in UTC, which
 * sorts and compares like the instant itself.
 */
export function sqlInstant(db: HasConnection, date: Date): Date | string {
  return dialectOf(db) === 'mysql' ? date : utcInstantText(date);
}

/**
 * An instant as UTC text `YYYY-MM-DD HH:MM:SS.SSS`: how SQLite keeps instants, and a DATETIME(3)
 * value MySQL reads as the same instant (Pulse's connections are in UTC). Digits and
 * separators only, so it may stand quoted in a statement.
 */
export function utcInstantText(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

/**
 * SQL for the whole days from instant `from` to instant `to` (both SQL expressions, `to` not
 * earlier than `from`), counted in milliseconds so that both dialects round alike.
 */
export function wholeDaysBetween(db: HasConnection, from: string, to: string): string {
  return dialectOf(db) === 'mysql'
    ? `FLOOR(TIMESTAMPDIFF(MICROSECOND, ${from}, ${to}) / 86400000000)`
    : `(CAST(ROUND((julianday(${to}) - julianday(${from})) * 86400000) AS INTEGER) / 86400000)`;
}

/** Reads an instant that came back from raw SQL (a Date from mysql2, UTC text from SQLite). */
export function parseInstant(value: unknown): Date | null {
  if (value === null || value === undefined) {
    return null;
  }
  if (value instanceof Date) {
    return value;
  }
  const text = String(value);

  return new Date(text.includes('T') ? text : `${text.replace(' ', 'T')}Z`);
}

/** Reads a number that came back from raw SQL (DECIMAL and BIGINT arrive as strings on MySQL). */
export function parseNumber(value: unknown): number | null {
  if (value === null || value === undefined) {
    return null;
  }

  return typeof value === 'number' ? value : Number(value);
}

/**
 * `INSERT … VALUES …` that skips rows whose unique key already exists and returns how many rows
 * it really inserted, so retried writes are counted as duplicates, not inserted twice. MySQL's
 * `ON DUPLICATE KEY UPDATE id = id` leaves a duplicate untouched and reports 0 affected rows for
 * it; `INSERT IGNORE` is not used because it also hides truncation and foreign key errors.
 */
export async function insertSkippingDuplicates(
  manager: EntityManager,
  table: string,
  columns: string[],
  rows: unknown[][],
): Promise<number> {
  if (rows.length === 0) {
    return 0;
  }
  const mysql = dialectOf(manager) === 'mysql';
  const q = (name: string) => (mysql ? `\`${name}\`` : `"${name}"`);
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  // Assigning the first column to itself changes nothing, so MySQL reports 0 rows for it (any
  // column does; tables keyed by name have no `id`).
  const conflict = mysql
    ? `ON DUPLICATE KEY UPDATE ${q(columns[0])} = ${q(columns[0])}`
    : 'ON CONFLICT DO NOTHING';
  let inserted = 0;
  // 500 rows keep the placeholder count under SQLite's 32 766 and MySQL's 65 535 limits for
  // tables of up to 65 columns.
  for (let start = 0; start < rows.length; start += 500) {
    const chunk = rows.slice(start, start + 500);
    const sql = `INSERT INTO ${q(table)} (${columns.map(q).join(', ')}) VALUES ${chunk
      .map(() => tuple)
      .join(', ')} ${conflict}`;
    inserted += await runStatement(manager, sql, chunk.flat());
  }

  return inserted;
}

/** Runs a data-changing statement and returns the number of rows it changed. */
export async function runStatement(
  manager: EntityManager,
  sql: string,
  params: unknown[],
): Promise<number> {
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    const result = await runner.query(sql, params, true);

    return result.affected ?? 0;
  } finally {
    if (runner !== manager.queryRunner) {
      await runner.release();
    }
  }
}

/** Quotes an identifier for the dialect. */
export function quoteIdentifier(db: HasConnection, name: string): string {
  return dialectOf(db) === 'mysql' ? `\`${name}\`` : `"${name}"`;
}

/**
 * The index a unique-key violation hit, or null when the error is something else. MySQL says
 * `Duplicate entry … for key 'uq_…'`, SQLite `UNIQUE constraint failed: table.column`.
 */
export function uniqueViolation(error: unknown): string | null {
  const driverError = (error as { driverError?: { code?: string; message?: string } })?.driverError;
  const message = driverError?.message ?? '';
  if (driverError?.code === 'ER_DUP_ENTRY') {
    return /for key '(?:\w+\.)?(\w+)'/.exec(message)?.[1] ?? 'unknown';
  }
  if (driverError?.code === 'SQLITE_CONSTRAINT_UNIQUE') {
    return /UNIQUE constraint failed: (\w+\.\w+)/.exec(message)?.[1] ?? 'unknown';
  }

  return null;
}

/** A LIKE pattern matching `text` anywhere, with `!` escaping wildcards (used as ESCAPE '!'). */
export function containsPattern(text: string): string {
  return `%${text.replace(/[!%_]/g, (char) => `!${char}`)}%`;
}

/** A LIKE pattern matching text that begins with `text`, escaped as in `containsPattern`. */
export function startsWithPattern(text: string): string {
  return containsPattern(text).slice(1);
}

/** A piece of SQL with its `?` parameters, in order. */
export interface SqlFragment {
  sql: string;
  params: unknown[];
}

/**
 * What rule compilation (`segments/rule-sql.ts`, pure) needs to know about the dialect. JSON
 * readers take a JSON text column and a `$.a.b` path (bound as a parameter) and give the value
 * at the path, or NULL when the path is missing or holds another JSON type, so that a number
 * stored as a string never matches a number condition on either dialect.
 */
export interface RuleDialect {
  jsonText(column: string, path: string): SqlFragment;
  jsonNumber(column: string, path: string): SqlFragment;
  /** 1 for JSON true, 0 for JSON false. */
  jsonBoolean(column: string, path: string): SqlFragment;
  /** An instant as a parameter comparable with DATETIME(3) columns. */
  instant(date: Date): unknown;
  /** 1 when the text `column` matches the regular expression `pattern`, case-sensitively. */
  regexp(column: string, pattern: string): SqlFragment;
  /** `expr` lower-cased in every script and compared byte for byte: see caselessText. */
  caseless(expr: string): string;
}

// SQLite's json_type names JSON types in lower case and reads the path itself; MySQL and
// MariaDB need JSON_TYPE over JSON_EXTRACT (MariaDB keeps JSON as LONGTEXT, MySQL parses the
// text column on the fly). The path is bound twice because the CASE reads it twice.
const SQLITE_RULES: RuleDialect = {
  jsonText: (column, path) => ({
    sql: `(CASE WHEN json_type(${column}, ?) = 'text' THEN json_extract(${column}, ?) END)`,
    params: [path, path],
  }),
  jsonNumber: (column, path) => ({
    sql: `(CASE WHEN json_type(${column}, ?) IN ('integer', 'real') THEN json_extract(${column}, ?) END)`,
    params: [path, path],
  }),
  jsonBoolean: (column, path) => ({
    sql: `(CASE json_type(${column}, ?) WHEN 'true' THEN 1 WHEN 'false' THEN 0 END)`,
    params: [path],
  }),
  instant: utcInstantText,
  // REGEXP calls the `regexp` function registered in data-source.ts.
  regexp: (column, pattern) => ({ sql: `(${column} REGEXP ?)`, params: [pattern] }),
  caseless: (expr) => caselessSql('sqlite', expr),
};

const MYSQL_RULES: RuleDialect = {
  jsonText: (column, path) => ({
    sql: `(CASE WHEN JSON_TYPE(JSON_EXTRACT(${column}, ?)) = 'STRING' THEN JSON_UNQUOTE(JSON_EXTRACT(${column}, ?)) END)`,
    params: [path, path],
  }),
  // `+ 0` turns the unquoted text into a DOUBLE on both MySQL and MariaDB.
  jsonNumber: (column, path) => ({
    sql: `(CASE WHEN JSON_TYPE(JSON_EXTRACT(${column}, ?)) IN ('INTEGER', 'UNSIGNED INTEGER', 'DOUBLE', 'DECIMAL') THEN JSON_UNQUOTE(JSON_EXTRACT(${column}, ?)) + 0 END)`,
    params: [path, path],
  }),
  jsonBoolean: (column, path) => ({
    sql: `(CASE WHEN JSON_TYPE(JSON_EXTRACT(${column}, ?)) = 'BOOLEAN' THEN (CASE WHEN JSON_UNQUOTE(JSON_EXTRACT(${column}, ?)) = 'true' THEN 1 ELSE 0 END) END)`,
    params: [path, path],
  }),
  instant: (date) => date,
  // REGEXP follows the column's case-insensitive collation; `(?-i)` makes it case-sensitive on
  // both MariaDB (PCRE) and MySQL (ICU).
  regexp: (column, pattern) => ({ sql: `(${column} REGEXP ?)`, params: [`(?-i)${pattern}`] }),
  caseless: (expr) => caselessSql('mysql', expr),
};

/** The dialect pieces segment rules compile with. */
export function ruleDialectOf(db: HasConnection): RuleDialect {
  return dialectOf(db) === 'mysql' ? MYSQL_RULES : SQLITE_RULES;
}

/** Name of the SQLite function that computes `unitHash` (registered in data-source.ts). */
export const SQLITE_UNIT_HASH = 'pulse_unit_hash';

/** SQLite's `x REGEXP y` calls `regexp(y, x)`, which SQLite leaves to the application. */
export const SQLITE_REGEXP = 'regexp';

/**
 * SQL for `unitHash(salt, purpose, id)` of experiments/assignment.ts: the first 52 bits of
 * SHA-256(`salt:purpose:id`) over 2^52. MySQL reads 13 hex digits (52 bits) with CONV; the
 * integer and the division are exact in a double, so both dialects give the very number
 * JavaScript gives. `salt` and `purpose` are bound as the two parameters returned.
 */
export function unitHashSql(
  db: HasConnection,
  salt: string,
  purpose: string,
  idSql: string,
): SqlFragment {
  return {
    sql:
      dialectOf(db) === 'mysql'
        ? `(CONV(SUBSTRING(SHA2(CONCAT(?, ':', ?, ':', ${idSql}), 256), 1, 13), 16, 10) / 4503599627370496)`
        : `${SQLITE_UNIT_HASH}(?, ?, ${idSql})`,
    params: [salt, purpose],
  };
}

/**
 * SQL for the instant `instantSql` moved by a whole number of days. SQLite's strftime keeps the
 * stored `YYYY-MM-DD HH:MM:SS.SSS` form, so the result compares correctly with stored instants.
 */
export function addDaysSql(db: HasConnection, instantSql: string, days: number): string {
  const whole = Math.trunc(days);

  return dialectOf(db) === 'mysql'
    ? `DATE_ADD(${instantSql}, INTERVAL ${whole} DAY)`
    : `strftime('%Y-%m-%d %H:%M:%f', ${instantSql}, '${whole >= 0 ? '+' : ''}${whole} days')`;
}

/**
 * A hint that makes MySQL and MariaDB read `table` through `index` (SQLite's planner needs none).
 * For aggregates whose columns an index covers: MariaDB otherwise picks a narrower index by the
 * range condition and reads every row, which costs it twice the time on the feature queries.
 */
export function forceIndex(db: HasConnection, index: string): string {
  return dialectOf(db) === 'mysql' ? ` FORCE INDEX (${index})` : '';
}

/**
 * ` FOR UPDATE` on MySQL and MariaDB: a read in a transaction that decides a write on what it
 * read (a count of rows that must not reach zero) locks those rows, so a concurrent transaction
 * deciding the same waits for this one and then reads what it committed. SQLite runs one
 * transaction at a time (`inTransaction`) and has no such clause.
 */
export function forUpdate(db: HasConnection): string {
  return dialectOf(db) === 'mysql' ? ' FOR UPDATE' : '';
}

/**
 * A text expression compared byte for byte: MySQL's default collation ignores case and trailing
 * spaces, so `'A ' = 'a'` there, while SQLite compares text exactly already.
 */
export function exactText(db: HasConnection, expr: string): string {
  return dialectOf(db) === 'mysql' ? `CAST(${expr} AS BINARY)` : expr;
}

/** Name of SQLite's Unicode lower-casing function (registered in data-source.ts). */
export const SQLITE_LOWER = 'pulse_lower';

/** Name of SQLite's search folding function: lower case, accents dropped (data-source.ts). */
export const SQLITE_FOLD = 'pulse_fold';

/** `value` as search compares it on SQLite: lower-cased, accents (combining marks) dropped. */
export function foldForSearch(value: string): string {
  return value.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '');
}

/**
 * A text expression as a search box compares it: ignoring case and accents (`muller` finds
 * `Müller`), alike on both dialects. MySQL's default collations already compare so; SQLite folds
 * both sides with `foldForSearch`. Unlike caselessText, meant for finding, not for rules or keys.
 */
export function searchableText(db: HasConnection, expr: string): string {
  return dialectOf(db) === 'mysql' ? expr : `${SQLITE_FOLD}(${expr})`;
}

/**
 * A text expression lower-cased in every script and then compared byte for byte, alike on both
 * dialects: SQLite's LOWER folds A–Z alone (`MÜLLER` stays `mÜller`), while MySQL's collation
 * also equates accented letters (`René` = `Rene`).
 */
export function caselessText(db: HasConnection, expr: string): string {
  return caselessSql(dialectOf(db), expr);
}

function caselessSql(dialect: Dialect, expr: string): string {
  return dialect === 'mysql' ? `CAST(LOWER(${expr}) AS BINARY)` : `${SQLITE_LOWER}(${expr})`;
}

/** The newest rows of each parent: see newestPerParentSql. */
export interface NewestPerParentQuery {
  /** Columns to read, written against alias `v`. */
  select: string;
  table: string;
  parentColumn: string;
  /** At least one. */
  parentIds: readonly number[];
  /** A condition on alias `v` with its `?` parameters, e.g. `v.period_start <= ?`. */
  condition: string;
  conditionParams: unknown[];
  /** The column that orders a parent's rows, newest first; an index leads with the parent. */
  orderColumn: string;
  count: number;
}

/**
 * The newest `count` rows of each parent in one statement, grouped by parent, newest first.
 * MySQL reads each parent's index backwards and stops after `count` rows, in one `UNION ALL`
 * part per parent: a window ranks every row of every parent first, 4–8 times slower for a KPI
 * board over 18 months of daily values. SQLite takes the window: it allows neither LIMIT in a
 * union's parts without a derived table nor more than 500 parts.
 */
export function newestPerParentSql(
  db: HasConnection,
  q: NewestPerParentQuery,
): { sql: string; params: unknown[] } {
  const newestFirst = `ORDER BY ${q.parentColumn}, ${q.orderColumn} DESC`;
  if (dialectOf(db) === 'mysql') {
    const part =
      `(SELECT ${q.select} FROM ${q.table} v WHERE v.${q.parentColumn} = ? AND ${q.condition} ` +
      `ORDER BY v.${q.orderColumn} DESC LIMIT ?)`;

    return {
      sql: `${q.parentIds.map(() => part).join(' UNION ALL ')} ${newestFirst}`,
      params: q.parentIds.flatMap((id) => [id, ...q.conditionParams, q.count]),
    };
  }
  const ranked =
    `SELECT ${q.select}, ROW_NUMBER() OVER (PARTITION BY v.${q.parentColumn} ` +
    `ORDER BY v.${q.orderColumn} DESC) AS rn FROM ${q.table} v ` +
    `WHERE v.${q.parentColumn} IN (${q.parentIds.map(() => '?').join(', ')}) AND ${q.condition}`;

  return {
    sql: `SELECT * FROM (${ranked}) ranked WHERE rn <= ? ${newestFirst}`,
    params: [...q.parentIds, ...q.conditionParams, q.count],
  };
}
