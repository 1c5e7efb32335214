import {
  containsPattern,
  type RuleDialect,
  type SqlFragment,
  startsWithPattern,
} from '../db/dialect';
import {
  type BehaviourCondition,
  type IntRange,
  type Operator,
  type ProfileCondition,
  type RuleNode,
  type RuleWindow,
  type Scalar,
  type SegmentDefinition,
  type ValueCondition,
} from './rule-definition';
import { compilePrediction } from './prediction-condition';
import { jsonPath } from './rule-tree';
import { DAY_MS } from '../time';

// Compiles a validated definition to one boolean SQL expression over `customers c`. Every
// value, JSON path and LIKE pattern is a bound parameter: the only text that reaches the SQL is
// written in this file. Each condition is made two-valued (CASE WHEN … THEN 1 ELSE 0 END), so an
// absent value makes a comparison false and `not` is the exact complement of its rule; SQL's
// three-valued logic never reaches the groups.

export type CompiledRule = SqlFragment;

export interface RuleCompileOptions {
  /** The refresh time: relative windows and ages are turned into instants from it. */
  now: Date;
  dialect: RuleDialect;
}

/** A condition: its truth and the values an explanation shows (named SQL expressions). */
export interface CompiledCondition {
  holds: SqlFragment;
  seen: Record<string, SqlFragment>;
}

export type ConditionNode = Exclude<
  RuleNode,
  { all: unknown } | { any: unknown } | { not: unknown }
>;

/** Boolean SQL over customers alias `c` with `?` placeholders, true exactly for the members. */
export function compileDefinition(
  definition: SegmentDefinition,
  options: RuleCompileOptions,
): CompiledRule {
  return compileNode(definition.root, options);
}

export function isCondition(node: RuleNode): node is ConditionNode {
  return !('all' in node || 'any' in node || 'not' in node);
}

function compileNode(node: RuleNode, options: RuleCompileOptions): SqlFragment {
  if ('all' in node) {
    return sql`(${join(
      node.all.map((child) => compileNode(child, options)),
      ' AND ',
    )})`;
  }
  if ('any' in node) {
    return sql`(${join(
      node.any.map((child) => compileNode(child, options)),
      ' OR ',
    )})`;
  }
  if ('not' in node) {
    return sql`(NOT ${compileNode(node.not, options)})`;
  }

  return twoValued(compileCondition(node, options).holds);
}

/** `holds` as 1 or 0, never NULL. */
export function twoValued(holds: SqlFragment): SqlFragment {
  return sql`(CASE WHEN ${holds} THEN 1 ELSE 0 END = 1)`;
}

export function compileCondition(
  node: ConditionNode,
  options: RuleCompileOptions,
): CompiledCondition {
  if ('profile' in node) {
    return profile(node.profile, options);
  }
  if ('behaviour' in node) {
    return behaviour(node.behaviour, options);
  }
  if ('value' in node) {
    return value(node.value, options);
  }
  if ('membership' in node) {
    const exists = sql`EXISTS (SELECT 1 FROM segment_memberships sm WHERE sm.segment_id = ${node.membership.segmentId} AND sm.customer_id = c.id)`;

    return {
      holds: node.membership.isMember ? exists : sql`NOT ${exists}`,
      seen: { isMember: sql`(CASE WHEN ${exists} THEN 1 ELSE 0 END)` },
    };
  }
  if ('rfm' in node) {
    const { groups, r, f, m } = node.rfm;
    const tests = [
      ...(groups ? [sql`x.rfm_group IN (${list(groups)})`] : []),
      ...range(sql`x.r`, r),
      ...range(sql`x.f`, f),
      ...range(sql`x.m`, m),
    ];
    const column = (name: string) =>
      sql`(SELECT ${raw(`x.${name}`)} FROM customer_rfm x WHERE x.customer_id = c.id)`;

    return {
      holds: sql`EXISTS (SELECT 1 FROM customer_rfm x WHERE x.customer_id = c.id AND ${join(tests, ' AND ')})`,
      seen: { group: column('rfm_group'), r: column('r'), f: column('f'), m: column('m') },
    };
  }
  if ('prediction' in node) {
    return compilePrediction(node.prediction);
  }
  const { stages } = node.lifecycle;

  return {
    holds: sql`EXISTS (SELECT 1 FROM customer_lifecycle l WHERE l.customer_id = c.id AND l.stage IN (${list(stages)}))`,
    seen: { stage: sql`(SELECT l.stage FROM customer_lifecycle l WHERE l.customer_id = c.id)` },
  };
}

function profile(condition: ProfileCondition, options: RuleCompileOptions): CompiledCondition {
  const { dialect } = options;
  switch (condition.field) {
    case 'COUNTRY':
      return compared(sql`c.country`, 'string', condition, options);
    case 'CITY':
      return compared(sql`c.city`, 'string', condition, options);
    case 'GENDER':
      return compared(sql`c.gender`, 'plain', condition, options);
    case 'SIGNED_UP_AT':
      return compared(sql`c.signed_up_at`, 'instant', condition, options);
    case 'CONSENT': {
      const status = sql`(SELECT cc.status FROM customer_consents cc WHERE cc.customer_id = c.id AND cc.channel = ${condition.channel})`;

      return compared(status, 'plain', condition, options);
    }
    case 'AGE': {
      // Whole years, as people count them: the birthday in `now`'s UTC year moves the cut-off.
      // DATE columns compare with `YYYY-MM-DD` strings on both dialects.
      const birthCut = (years: number) => sql`${shiftYears(options.now, -years)}`;
      const birth = sql`c.birth_date`;

      return {
        holds: distance(
          birth,
          condition,
          (n) => sql`${birth} <= ${birthCut(n)}`,
          (n) => sql`${birth} > ${birthCut(n + 1)}`,
        ),
        seen: { birthDate: birth },
      };
    }
    case 'ATTRIBUTE': {
      const path = jsonPath(condition.path as string);
      switch (condition.type) {
        case 'NUMBER':
          return compared(dialect.jsonNumber('c.attributes', path), 'plain', condition, options);
        case 'BOOLEAN':
          return compared(dialect.jsonBoolean('c.attributes', path), 'boolean', condition, options);
        case 'DATE':
          // A date attribute is a JSON string whose first ten characters are YYYY-MM-DD.
          return compared(
            sql`SUBSTR(${dialect.jsonText('c.attributes', path)}, 1, 10)`,
            'plain',
            condition,
            options,
          );
        default:
          return compared(dialect.jsonText('c.attributes', path), 'string', condition, options);
      }
    }
    default: {
      const unreachable: never = condition.field;
      throw new Error(`unknown profile field ${String(unreachable)}`);
    }
  }
}

type Comparison = 'string' | 'plain' | 'boolean' | 'instant';

// One column or expression compared with the condition's operand(s). Strings compare caseless
// on both sides (see caseless): neither the database's LOWER nor its collation alone agrees
// between MySQL and SQLite.
function compared(
  expression: SqlFragment,
  comparison: Comparison,
  condition: { operator: Operator; value?: Scalar; values?: Scalar[] },
  options: RuleCompileOptions,
): CompiledCondition {
  const text = (fragment: SqlFragment) => caseless(fragment, options.dialect);
  const x = comparison === 'string' ? text(expression) : expression;
  const param = (v: Scalar): SqlFragment => {
    switch (comparison) {
      case 'string':
        return text(sql`${v}`);
      case 'boolean':
        return sql`${v ? 1 : 0}`;
      case 'instant':
        return sql`${options.dialect.instant(new Date(v as string))}`;
      default:
        return sql`${v}`;
    }
  };
  const { value: v, values = [] } = condition;
  const holds = ((): SqlFragment => {
    switch (condition.operator) {
      case 'EQ':
        return sql`${x} = ${param(v as Scalar)}`;
      case 'NEQ':
        return sql`${x} <> ${param(v as Scalar)}`;
      case 'IN':
        return sql`${x} IN (${join(values.map(param), ', ')})`;
      case 'NOT_IN':
        return sql`${x} NOT IN (${join(values.map(param), ', ')})`;
      case 'GT':
        return sql`${x} > ${param(v as Scalar)}`;
      case 'GTE':
        return sql`${x} >= ${param(v as Scalar)}`;
      case 'LT':
        return sql`${x} < ${param(v as Scalar)}`;
      case 'LTE':
        return sql`${x} <= ${param(v as Scalar)}`;
      case 'BETWEEN':
        return sql`${x} >= ${param(values[0])} AND ${x} <= ${param(values[1])}`;
      // Both sides caseless: on MySQL they are binary strings, which LIKE compares by bytes.
      case 'CONTAINS':
        return sql`${x} LIKE ${text(sql`${containsPattern(String(v))}`)} ESCAPE '!'`;
      case 'STARTS_WITH':
        return sql`${x} LIKE ${text(sql`${startsWithPattern(String(v))}`)} ESCAPE '!'`;
      case 'IS_SET':
        return sql`${expression} IS NOT NULL`;
      case 'IS_NOT_SET':
        return sql`${expression} IS NULL`;
      default: {
        const unreachable: never = condition.operator;
        throw new Error(`unknown operator ${String(unreachable)}`);
      }
    }
  })();

  return { holds, seen: { value: expression } };
}

// A whole-number distance (age in years, days since an instant) compared without date
// arithmetic in SQL: "distance >= n" and "distance <= n" are each one comparison of the
// underlying date with a cut-off computed here.
function distance(
  expression: SqlFragment,
  condition: { operator: Operator; value?: Scalar; values?: Scalar[] },
  atLeast: (n: number) => SqlFragment,
  atMost: (n: number) => SqlFragment,
): SqlFragment {
  const n = condition.value as number;
  const values = (condition.values ?? []) as number[];
  const exactly = (k: number) => sql`(${atLeast(k)} AND ${atMost(k)})`;
  const anyOf = () => sql`(${join(values.map(exactly), ' OR ')})`;
  switch (condition.operator) {
    case 'EQ':
      return exactly(n);
    case 'NEQ':
      return sql`NOT ${exactly(n)}`;
    case 'IN':
      return anyOf();
    case 'NOT_IN':
      return sql`NOT ${anyOf()}`;
    case 'GT':
      return atLeast(n + 1);
    case 'GTE':
      return atLeast(n);
    case 'LT':
      return atMost(n - 1);
    case 'LTE':
      return atMost(n);
    case 'BETWEEN':
      return sql`(${atLeast(values[0])} AND ${atMost(values[1])})`;
    case 'IS_SET':
      return sql`${expression} IS NOT NULL`;
    case 'IS_NOT_SET':
      return sql`${expression} IS NULL`;
    default:
      throw new Error(`operator ${condition.operator} does not apply to a distance`);
  }
}

function behaviour(condition: BehaviourCondition, options: RuleCompileOptions): CompiledCondition {
  const { dialect, now } = options;
  const filters = [sql`i.customer_id = c.id`];
  if (condition.channel) {
    filters.push(sql`i.channel = ${condition.channel}`);
  }
  if (condition.type) {
    filters.push(
      sql`${caseless(sql`i.type`, dialect)} = ${caseless(sql`${condition.type}`, dialect)}`,
    );
  }
  if (condition.property) {
    const { path, equals } = condition.property;
    const json = jsonPath(path);
    if (typeof equals === 'string') {
      filters.push(
        sql`${caseless(dialect.jsonText('i.properties', json), dialect)} = ${caseless(sql`${equals}`, dialect)}`,
      );
    } else if (typeof equals === 'number') {
      filters.push(sql`${dialect.jsonNumber('i.properties', json)} = ${equals}`);
    } else {
      filters.push(sql`${dialect.jsonBoolean('i.properties', json)} = ${equals ? 1 : 0}`);
    }
  }
  const matching = (...more: SqlFragment[]) => join([...filters, ...more], ' AND ');
  if (condition.occurrence === 'COUNT' || condition.occurrence === 'NONE') {
    const inWindow = windowTest(sql`i.occurred_at`, condition.window as RuleWindow, options);
    const count = sql`(SELECT COUNT(*) FROM interactions i WHERE ${matching(inWindow)})`;
    if (condition.occurrence === 'NONE') {
      return {
        holds: sql`NOT EXISTS (SELECT 1 FROM interactions i WHERE ${matching(inWindow)})`,
        seen: { count },
      };
    }
    const comparator = { AT_LEAST: '>=', AT_MOST: '<=', EXACTLY: '=' }[
      condition.comparison ?? 'EXACTLY'
    ];

    return { holds: sql`${count} ${raw(comparator)} ${condition.times}`, seen: { count } };
  }
  const at = dialect.instant(
    condition.at
      ? new Date(condition.at)
      : new Date(now.getTime() - (condition.daysAgo ?? 0) * DAY_MS),
  );
  const exists = (test: SqlFragment) =>
    sql`EXISTS (SELECT 1 FROM interactions i WHERE ${matching(test)})`;
  const before = exists(sql`i.occurred_at < ${at}`);
  const after = exists(sql`i.occurred_at > ${at}`);
  // The first time is before t when any time is; it is after t when some time is and none is
  // at or before t (and symmetrically for the last time).
  const holds =
    condition.occurrence === 'FIRST'
      ? condition.relation === 'BEFORE'
        ? before
        : sql`${after} AND NOT ${exists(sql`i.occurred_at <= ${at}`)}`
      : condition.relation === 'AFTER'
        ? after
        : sql`${before} AND NOT ${exists(sql`i.occurred_at >= ${at}`)}`;
  const aggregate = raw(condition.occurrence === 'FIRST' ? 'MIN' : 'MAX');

  return {
    holds,
    seen: { at: sql`(SELECT ${aggregate}(i.occurred_at) FROM interactions i WHERE ${matching()})` },
  };
}

function value(condition: ValueCondition, options: RuleCompileOptions): CompiledCondition {
  const now = options.dialect.instant(options.now);
  if (
    condition.metric === 'DAYS_SINCE_LAST_ORDER' ||
    condition.metric === 'DAYS_SINCE_LAST_INTERACTION'
  ) {
    const last =
      condition.metric === 'DAYS_SINCE_LAST_ORDER'
        ? sql`(SELECT MAX(o.ordered_at) FROM orders o WHERE o.customer_id = c.id AND o.status = 'PAID' AND o.ordered_at <= ${now})`
        : sql`(SELECT MAX(i.occurred_at) FROM interactions i WHERE i.customer_id = c.id AND i.occurred_at <= ${now})`;
    const cut = (days: number) =>
      sql`${options.dialect.instant(new Date(options.now.getTime() - days * DAY_MS))}`;

    return {
      holds: distance(
        last,
        condition,
        (n) => sql`${last} <= ${cut(n)}`,
        (n) => sql`${last} > ${cut(n + 1)}`,
      ),
      seen: { lastAt: last },
    };
  }
  const paid = join(
    [
      sql`o.customer_id = c.id AND o.status = 'PAID'`,
      condition.window
        ? windowTest(sql`o.ordered_at`, condition.window, options)
        : sql`o.ordered_at <= ${now}`,
    ],
    ' AND ',
  );
  const expression = {
    ORDER_COUNT: sql`(SELECT COUNT(*) FROM orders o WHERE ${paid})`,
    TOTAL_SPENT: sql`COALESCE((SELECT SUM(o.amount) FROM orders o WHERE ${paid}), 0)`,
    AVERAGE_ORDER_VALUE: sql`(SELECT AVG(o.amount) FROM orders o WHERE ${paid})`,
  }[condition.metric];

  return compared(expression, 'plain', condition, options);
}

// `lastDays`: from now minus D days to now, both included; `from`/`to`: `to` excluded.
function windowTest(
  column: SqlFragment,
  window: RuleWindow,
  options: RuleCompileOptions,
): SqlFragment {
  const { instant } = options.dialect;
  if ('lastDays' in window) {
    const from = new Date(options.now.getTime() - window.lastDays * DAY_MS);

    return sql`${column} >= ${instant(from)} AND ${column} <= ${instant(options.now)}`;
  }

  return sql`${column} >= ${instant(new Date(window.from))} AND ${column} < ${instant(new Date(window.to))}`;
}

/**
 * Text lower-cased in every script and compared byte for byte, alike on both dialects (ignoring
 * case, accents significant: "MÜNCHEN" = "münchen" ≠ "Munchen"), as the README documents and the
 * test evaluator (JavaScript's toLowerCase) computes.
 */
function caseless(fragment: SqlFragment, dialect: RuleDialect): SqlFragment {
  return { sql: dialect.caseless(fragment.sql), params: fragment.params };
}

function range(column: SqlFragment, bounds: IntRange | undefined): SqlFragment[] {
  return [
    ...(bounds?.min !== undefined ? [sql`${column} >= ${bounds.min}`] : []),
    ...(bounds?.max !== undefined ? [sql`${column} <= ${bounds.max}`] : []),
  ];
}

/**
 * `date` moved by whole years as `YYYY-MM-DD` (UTC). 29 February becomes 28 February in a
 * common year, which compares with real dates exactly as the missing day would.
 */
export function shiftYears(date: Date, years: number): string {
  const year = date.getUTCFullYear() + years;
  const month = date.getUTCMonth() + 1;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const day = month === 2 && date.getUTCDate() === 29 && !leap ? 28 : date.getUTCDate();

  return `${String(year).padStart(4, '0')}-${pad(month)}-${pad(day)}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

// Template tag: interpolated fragments are inlined, anything else becomes a `?` parameter, so a
// value can only reach the SQL text through raw(), which this file calls with constants only.
function sql(strings: TemplateStringsArray, ...parts: unknown[]): SqlFragment {
  let text = strings[0];
  const params: unknown[] = [];
  parts.forEach((part, i) => {
    if (isFragment(part)) {
      text += part.sql;
      params.push(...part.params);
    } else {
      text += '?';
      params.push(part);
    }
    text += strings[i + 1];
  });

  return { sql: text, params };
}

function raw(text: string): SqlFragment {
  return { sql: text, params: [] };
}

function isFragment(part: unknown): part is SqlFragment {
  return (
    typeof part === 'object' &&
    part !== null &&
    !(part instanceof Date) &&
    typeof (part as SqlFragment).sql === 'string' &&
    Array.isArray((part as SqlFragment).params)
  );
}

function join(parts: SqlFragment[], separator: string): SqlFragment {
  return {
    sql: parts.map((part) => part.sql).join(separator),
    params: parts.flatMap((part) => part.params),
  };
}

function list(values: readonly unknown[]): SqlFragment {
  return join(
    values.map((v) => sql`${v}`),
    ', ',
  );
}
