import { isMaskedProfileField, maskFreeText, maskName } from '../auth/masking';
import { parseInstant, parseNumber, type SqlFragment } from '../db/dialect';
import { toGlobalId } from '../graphql/global-id';
import { describePrediction } from './prediction-condition';
import {
  compileCondition,
  type ConditionNode,
  isCondition,
  type RuleCompileOptions,
  twoValued,
} from './rule-sql';
import type {
  BehaviourCondition,
  IntRange,
  Operator,
  ProfileCondition,
  RuleNode,
  RuleWindow,
  Scalar,
  SegmentDefinition,
  ValueCondition,
} from './rule-definition';
import { DAY_MS } from '../time';

// Why a customer is or is not in a segment: every node of the rule with whether it holds and,
// for conditions, the value seen. All conditions are evaluated by ONE statement for the one
// customer (two columns per condition, the same SQL as membership uses); groups combine the
// conditions' answers here, which is exact because each condition is two-valued.

export type ExplainKind =
  | 'ALL'
  | 'ANY'
  | 'NOT'
  | 'PROFILE'
  | 'BEHAVIOUR'
  | 'VALUE'
  | 'MEMBERSHIP'
  | 'RFM'
  | 'LIFECYCLE'
  | 'PREDICTION';

export interface ExplainNode {
  /** Path of the node, rooted at `definition` like validation errors. */
  path: string;
  kind: ExplainKind;
  /** The node in words. */
  description: string;
  holds: boolean;
  /** Conditions: what was seen for this customer (null when absent); groups: null. */
  valueSeen: unknown;
  /**
   * How `valueSeen` is masked for a role that sees personal data masked, as the customer's own
   * field is (a city, text in the attributes); null when the value is not personal data.
   */
  mask: ((value: unknown) => unknown) | null;
  children: ExplainNode[];
}

interface Leaf {
  path: string;
  node: ConditionNode;
  columns: string[];
}

export interface ExplainQuery extends SqlFragment {
  leaves: Leaf[];
}

const ROOT = 'definition';

/**
 * One SELECT over `customers c` for the customer `customerId`: per condition `h<i>` (1/0) and
 * `v<i>_<name>` for each value it shows, plus `deleted` (1 when soft-deleted).
 */
export function explainQuery(
  definition: SegmentDefinition,
  customerId: number,
  options: RuleCompileOptions,
): ExplainQuery {
  const leaves: Leaf[] = [];
  const columns: SqlFragment[] = [];
  forEachCondition(definition.root, ROOT, (node, path) => {
    const index = leaves.length;
    const compiled = compileCondition(node, options);
    const holds = twoValued(compiled.holds);
    columns.push({
      sql: `(CASE WHEN ${holds.sql} THEN 1 ELSE 0 END) AS h${index}`,
      params: holds.params,
    });
    const names = Object.keys(compiled.seen);
    for (const name of names) {
      const seen = compiled.seen[name];
      columns.push({ sql: `${seen.sql} AS v${index}_${name}`, params: seen.params });
    }
    leaves.push({ path, node, columns: names });
  });
  const select = [
    '(CASE WHEN c.deleted_at IS NULL THEN 0 ELSE 1 END) AS deleted',
    ...columns.map((column) => column.sql),
  ];

  return {
    sql: `SELECT ${select.join(', ')} FROM customers c WHERE c.id = ?`,
    params: [...columns.flatMap((column) => column.params), customerId],
    leaves,
  };
}

/** The explanation tree from the row `explainQuery` returned. */
export function explanationOf(
  definition: SegmentDefinition,
  query: ExplainQuery,
  row: Record<string, unknown>,
  now: Date,
): ExplainNode {
  const byPath = new Map(query.leaves.map((leaf, index) => [leaf.path, index]));
  const build = (node: RuleNode, path: string): ExplainNode => {
    if ('all' in node || 'any' in node) {
      const all = 'all' in node;
      const children = (all ? node.all : node.any).map((child, i) =>
        build(child, `${path}.${all ? 'all' : 'any'}[${i}]`),
      );
      const holds = all ? children.every((c) => c.holds) : children.some((c) => c.holds);
      const description = `${all ? 'all' : 'any'} of ${children.length} rules`;

      return {
        path,
        kind: all ? 'ALL' : 'ANY',
        description,
        holds,
        valueSeen: null,
        mask: null,
        children,
      };
    }
    if ('not' in node) {
      const child = build(node.not, `${path}.not`);

      return {
        path,
        kind: 'NOT',
        description: 'not the following rule',
        holds: !child.holds,
        valueSeen: null,
        mask: null,
        children: [child],
      };
    }
    const index = byPath.get(path) as number;
    const leaf = query.leaves[index];
    const seen = Object.fromEntries(leaf.columns.map((name) => [name, row[`v${index}_${name}`]]));
    const kind = Object.keys(node)[0].toUpperCase() as ExplainKind;

    return {
      path,
      kind,
      description: describeCondition(node),
      holds: Number(row[`h${index}`]) === 1,
      valueSeen: valueSeen(node, seen, now),
      mask: personalMask(node),
      children: [],
    };
  };

  return build(definition.root, ROOT);
}

function forEachCondition(
  node: RuleNode,
  path: string,
  visit: (node: ConditionNode, path: string) => void,
): void {
  if ('all' in node) {
    node.all.forEach((child, i) => forEachCondition(child, `${path}.all[${i}]`, visit));
  } else if ('any' in node) {
    node.any.forEach((child, i) => forEachCondition(child, `${path}.any[${i}]`, visit));
  } else if ('not' in node) {
    forEachCondition(node.not, `${path}.not`, visit);
  } else if (isCondition(node)) {
    visit(node, path);
  }
}

// The profile values a partner sees masked on the customer: its city, and text in its
// attributes (numbers and booleans stay). The age stays too, as the birth year does.
function personalMask(node: ConditionNode): ExplainNode['mask'] {
  if (!('profile' in node) || !isMaskedProfileField(node.profile.field, node.profile.type)) {
    return null;
  }

  return node.profile.field === 'CITY'
    ? (value) => (typeof value === 'string' ? maskName(value) : value)
    : maskFreeText;
}

function valueSeen(node: ConditionNode, seen: Record<string, unknown>, now: Date): unknown {
  if ('profile' in node) {
    const { field, type } = node.profile;
    if (field === 'AGE') {
      return seen.birthDate === null ? null : ageOn(String(seen.birthDate).slice(0, 10), now);
    }
    if (field === 'SIGNED_UP_AT') {
      return parseInstant(seen.value)?.toISOString() ?? null;
    }
    if (type === 'NUMBER') {
      return parseNumber(seen.value);
    }
    if (type === 'BOOLEAN') {
      return seen.value === null ? null : Number(seen.value) === 1;
    }

    return seen.value ?? null;
  }
  if ('behaviour' in node) {
    return 'count' in seen
      ? parseNumber(seen.count)
      : (parseInstant(seen.at)?.toISOString() ?? null);
  }
  if ('value' in node) {
    if ('lastAt' in seen) {
      const last = parseInstant(seen.lastAt);

      return last ? Math.floor((now.getTime() - last.getTime()) / DAY_MS) : null;
    }
    const figure = parseNumber(seen.value);

    return figure === null ? null : Math.round(figure * 100) / 100;
  }
  if ('membership' in node) {
    return Number(seen.isMember) === 1;
  }
  if ('rfm' in node) {
    return seen.group === null || seen.group === undefined
      ? null
      : {
          group: seen.group,
          r: parseNumber(seen.r),
          f: parseNumber(seen.f),
          m: parseNumber(seen.m),
        };
  }
  if ('prediction' in node) {
    return seen.score === null || seen.score === undefined
      ? null
      : { score: parseNumber(seen.score), decile: parseNumber(seen.decile) };
  }

  return seen.stage ?? null;
}

/** Whole years from `birthDate` (YYYY-MM-DD) to `now`'s UTC date. */
export function ageOn(birthDate: string, now: Date): number {
  const [year, month, day] = birthDate.split('-').map(Number);
  const beforeBirthday =
    now.getUTCMonth() + 1 < month || (now.getUTCMonth() + 1 === month && now.getUTCDate() < day);

  return now.getUTCFullYear() - year - (beforeBirthday ? 1 : 0);
}

const OPERATOR_WORDS: Record<Operator, string> = {
  EQ: 'is',
  NEQ: 'is set and is not',
  IN: 'is one of',
  NOT_IN: 'is set and is none of',
  GT: 'is above',
  GTE: 'is at least',
  LT: 'is below',
  LTE: 'is at most',
  BETWEEN: 'is between',
  CONTAINS: 'contains',
  STARTS_WITH: 'starts with',
  IS_SET: 'is set',
  IS_NOT_SET: 'is not set',
};

/** A condition in words, e.g. `country is one of "GB", "IE"`. */
export function describeCondition(node: ConditionNode): string {
  if ('profile' in node) {
    return `${profileSubject(node.profile)} ${comparisonWords(node.profile)}`;
  }
  if ('behaviour' in node) {
    return behaviourWords(node.behaviour);
  }
  if ('value' in node) {
    return valueWords(node.value);
  }
  if ('membership' in node) {
    const segment = `segment ${toGlobalId('Segment', node.membership.segmentId)}`;

    return node.membership.isMember ? `member of ${segment}` : `not a member of ${segment}`;
  }
  if ('rfm' in node) {
    const { groups, r, f, m } = node.rfm;
    const parts = [
      ...(groups ? [`RFM group is one of ${groups.join(', ')}`] : []),
      ...(
        [
          ['R', r],
          ['F', f],
          ['M', m],
        ] as Array<[string, IntRange | undefined]>
      )
        .filter(([, bounds]) => bounds)
        .map(([name, bounds]) => `${name} score ${bounds?.min ?? 1}–${bounds?.max ?? 5}`),
    ];

    return parts.join(' and ');
  }
  if ('prediction' in node) {
    return describePrediction(node.prediction);
  }

  return `lifecycle stage is one of ${node.lifecycle.stages.join(', ')}`;
}

function profileSubject(condition: ProfileCondition): string {
  switch (condition.field) {
    case 'ATTRIBUTE':
      return `attribute ${condition.path} (${condition.type?.toLowerCase()})`;
    case 'CONSENT':
      return `consent on ${condition.channel}`;
    case 'SIGNED_UP_AT':
      return 'sign-up time';
    default:
      return condition.field.toLowerCase();
  }
}

function comparisonWords(condition: {
  operator: Operator;
  value?: Scalar;
  values?: Scalar[];
}): string {
  const words = OPERATOR_WORDS[condition.operator];
  const show = (v: Scalar) => (typeof v === 'string' ? `"${v}"` : String(v));
  if (condition.operator === 'BETWEEN') {
    const [low, high] = condition.values ?? [];

    return `${words} ${show(low)} and ${show(high)}`;
  }
  if (condition.values) {
    return `${words} ${condition.values.map(show).join(', ')}`;
  }

  return condition.value === undefined ? words : `${words} ${show(condition.value)}`;
}

function behaviourWords(condition: BehaviourCondition): string {
  const what = [
    condition.channel,
    condition.type ? `"${condition.type}"` : undefined,
    'interactions',
    condition.property
      ? `with ${condition.property.path} = ${JSON.stringify(condition.property.equals)}`
      : undefined,
  ]
    .filter(Boolean)
    .join(' ');
  switch (condition.occurrence) {
    case 'COUNT': {
      const how = condition.comparison?.toLowerCase().replace('_', ' ');

      return `${what}: ${how} ${condition.times} times ${windowWords(condition.window)}`;
    }
    case 'NONE':
      return `${what}: none ${windowWords(condition.window)}`;
    default: {
      const when = condition.at ?? `${condition.daysAgo} days ago`;

      return `${what}: the ${condition.occurrence.toLowerCase()} one ${condition.relation?.toLowerCase()} ${when}`;
    }
  }
}

function valueWords(condition: ValueCondition): string {
  const metric = condition.metric.toLowerCase().replace(/_/g, ' ');
  const window = condition.window ? ` ${windowWords(condition.window)}` : '';

  return `${metric}${window} ${comparisonWords(condition)}`;
}

function windowWords(window: RuleWindow | undefined): string {
  if (!window) {
    return '';
  }

  return 'lastDays' in window
    ? `in the last ${window.lastDays} days`
    : `from ${window.from} to ${window.to}`;
}
