import { badInput } from '../errors';
import { CHANNELS, type Channel } from '../interactions/channel';
import { LifecycleStage } from './lifecycle-stage';
import { parsePrediction } from './prediction-condition';
import { RfmGroup } from './rfm-group';
import {
  present,
  record,
  allowOnly,
  forbid,
  oneOf,
  enumList,
  text,
  attributePath,
  date,
  instant,
} from './rule-input';
import {
  DEFINITION_VERSION,
  type Operator,
  type Scalar,
  type ProfileField,
  type AttributeType,
  type Occurrence,
  type CountComparison,
  type TimeRelation,
  type ValueMetric,
  type RuleWindow,
  type ProfileCondition,
  type BehaviourCondition,
  type ValueCondition,
  type IntRange,
  type MembershipCondition,
  type RfmCondition,
  type LifecycleCondition,
  type RuleNode,
  type SegmentDefinition,
} from './rule-definition';
import { DAY_MS } from '../time';

// The one validator every rule definition passes before it is stored, previewed or compiled
// (the types are in rule-definition.ts). Semantics
// (absent values, windows) are documented in README ("Segments") and implemented in rule-sql.ts.

/** Deepest nesting of groups accepted (the root is depth 1). */
export const MAX_RULE_DEPTH = 8;
/** Most nodes (groups and conditions) in one definition. */
export const MAX_RULE_NODES = 100;
/** Longest relative window or day count, about ten years. */
export const MAX_DAYS = 3650;
const MAX_LIST = 100;
const NODE_KEYS = [
  'all',
  'any',
  'not',
  'profile',
  'behaviour',
  'value',
  'membership',
  'rfm',
  'lifecycle',
  'prediction',
] as const;
// Mirror the Gender and ConsentStatus GraphQL enums of customers/, which this pure module may
// not import.
const GENDERS = ['FEMALE', 'MALE', 'NON_BINARY', 'UNDISCLOSED'];
const CONSENT_STATUSES = ['GRANTED', 'DENIED'];

type ValueKind = 'string' | 'number' | 'integer' | 'date' | 'instant' | 'boolean' | 'enum';
const COMPARE: Operator[] = ['GT', 'GTE', 'LT', 'LTE', 'BETWEEN'];
const PRESENCE: Operator[] = ['IS_SET', 'IS_NOT_SET'];
const OPERATORS: Record<ValueKind, Operator[]> = {
  string: ['EQ', 'NEQ', 'IN', 'NOT_IN', 'CONTAINS', 'STARTS_WITH', ...PRESENCE],
  number: ['EQ', 'NEQ', 'IN', 'NOT_IN', ...COMPARE, ...PRESENCE],
  integer: ['EQ', 'NEQ', 'IN', 'NOT_IN', ...COMPARE, ...PRESENCE],
  date: ['EQ', 'NEQ', ...COMPARE, ...PRESENCE],
  instant: COMPARE,
  boolean: ['EQ', 'NEQ', ...PRESENCE],
  enum: ['EQ', 'NEQ', 'IN', 'NOT_IN', ...PRESENCE],
};
const PROFILE_KINDS: Record<Exclude<ProfileField, 'ATTRIBUTE'>, ValueKind> = {
  COUNTRY: 'string',
  CITY: 'string',
  GENDER: 'enum',
  AGE: 'integer',
  SIGNED_UP_AT: 'instant',
  CONSENT: 'enum',
};
const ATTRIBUTE_KINDS: Record<AttributeType, ValueKind> = {
  STRING: 'string',
  NUMBER: 'number',
  BOOLEAN: 'boolean',
  DATE: 'date',
};
const METRICS: ValueMetric[] = [
  'ORDER_COUNT',
  'TOTAL_SPENT',
  'AVERAGE_ORDER_VALUE',
  'DAYS_SINCE_LAST_ORDER',
  'DAYS_SINCE_LAST_INTERACTION',
];

/**
 * Validates an untrusted definition (`{ version: 1, root }`) and returns a clean copy: only
 * known fields, instants normalised to ISO 8601 UTC. Throws `BAD_USER_INPUT` whose `field` is
 * the path of the offending part, with the root at `field` (`definition.any[2].all[0].value`).
 */
export function parseDefinition(input: unknown, field: string): SegmentDefinition {
  const object = record(input, field);
  allowOnly(object, ['version', 'root'], field);
  if (object.version !== DEFINITION_VERSION) {
    throw badInput(`version must be ${DEFINITION_VERSION}`, `${field}.version`);
  }

  return { version: DEFINITION_VERSION, root: parseNode(object.root, field, 1, { nodes: 0 }) };
}

/** Ids of the segments a definition's membership conditions refer to, ascending, unique. */
export function referencedSegmentIds(definition: SegmentDefinition): number[] {
  const ids = new Set<number>();
  const visit = (node: RuleNode): void => {
    if ('all' in node) {
      node.all.forEach(visit);
    } else if ('any' in node) {
      node.any.forEach(visit);
    } else if ('not' in node) {
      visit(node.not);
    } else if ('membership' in node) {
      ids.add(node.membership.segmentId);
    }
  };
  visit(definition.root);

  return [...ids].sort((a, b) => a - b);
}

/** A `$.a.b` JSON path for a validated dotted path. */
export function jsonPath(path: string): string {
  return `$.${path}`;
}

function parseNode(
  input: unknown,
  field: string,
  depth: number,
  count: { nodes: number },
): RuleNode {
  const node = record(input, field);
  count.nodes += 1;
  if (count.nodes > MAX_RULE_NODES) {
    throw badInput(`a definition has at most ${MAX_RULE_NODES} nodes`, field);
  }
  if (depth > MAX_RULE_DEPTH) {
    throw badInput(`groups nest at most ${MAX_RULE_DEPTH} deep`, field);
  }
  allowOnly(node, NODE_KEYS, field);
  const keys = NODE_KEYS.filter((key) => present(node[key]));
  if (keys.length !== 1) {
    throw badInput(`a rule node sets exactly one of ${NODE_KEYS.join(', ')}`, field);
  }
  const key = keys[0];
  const path = `${field}.${key}`;
  switch (key) {
    case 'all':
    case 'any': {
      const children = node[key];
      if (!Array.isArray(children) || children.length === 0) {
        throw badInput(`${key} needs at least one rule`, path);
      }
      const parsed = children.map((child, i) =>
        parseNode(child, `${path}[${i}]`, depth + 1, count),
      );

      return key === 'all' ? { all: parsed } : { any: parsed };
    }
    case 'not':
      return { not: parseNode(node.not, path, depth + 1, count) };
    case 'profile':
      return { profile: parseProfile(record(node.profile, path), path) };
    case 'behaviour':
      return { behaviour: parseBehaviour(record(node.behaviour, path), path) };
    case 'value':
      return { value: parseValue(record(node.value, path), path) };
    case 'membership':
      return { membership: parseMembership(record(node.membership, path), path) };
    case 'rfm':
      return { rfm: parseRfm(record(node.rfm, path), path) };
    case 'lifecycle':
      return { lifecycle: parseLifecycle(record(node.lifecycle, path), path) };
    case 'prediction':
      return { prediction: parsePrediction(record(node.prediction, path), path) };
    default: {
      const unreachable: never = key;
      throw new Error(`unknown rule node ${String(unreachable)}`);
    }
  }
}

function parseProfile(input: Record<string, unknown>, field: string): ProfileCondition {
  allowOnly(input, ['field', 'operator', 'value', 'values', 'path', 'type', 'channel'], field);
  const profileField = oneOf(
    input.field,
    Object.keys({ ...PROFILE_KINDS, ATTRIBUTE: 0 }),
    `${field}.field`,
  );
  const condition: ProfileCondition = { field: profileField as ProfileField, operator: 'EQ' };
  let kind: ValueKind;
  let choices: string[] = [];
  if (profileField === 'ATTRIBUTE') {
    condition.path = attributePath(input.path, `${field}.path`);
    condition.type = oneOf(
      input.type,
      Object.keys(ATTRIBUTE_KINDS),
      `${field}.type`,
    ) as AttributeType;
    kind = ATTRIBUTE_KINDS[condition.type];
  } else {
    kind = PROFILE_KINDS[profileField as keyof typeof PROFILE_KINDS];
    forbid(input, 'path', `does not apply to ${profileField}`, field);
    forbid(input, 'type', `does not apply to ${profileField}`, field);
  }
  if (profileField === 'CONSENT') {
    condition.channel = oneOf(input.channel, CHANNELS, `${field}.channel`) as Channel;
    choices = CONSENT_STATUSES;
  } else {
    forbid(input, 'channel', `does not apply to ${profileField}`, field);
  }
  if (profileField === 'GENDER') {
    choices = GENDERS;
  }

  return { ...condition, ...parseOperand(input, field, kind, OPERATORS[kind], choices) };
}

// Reads `operator` with the `value` / `values` it needs, each checked against the value kind.
function parseOperand(
  input: Record<string, unknown>,
  field: string,
  kind: ValueKind,
  operators: Operator[],
  choices: string[] = [],
  limits: { min?: number; max?: number } = {},
): { operator: Operator; value?: Scalar; values?: Scalar[] } {
  const operator = input.operator;
  if (!operators.includes(operator as Operator)) {
    throw badInput(`operator must be one of ${operators.join(', ')}`, `${field}.operator`);
  }
  const op = operator as Operator;
  const scalar = (value: unknown, path: string) => typedValue(value, kind, path, choices, limits);
  if (op === 'IS_SET' || op === 'IS_NOT_SET') {
    forbid(input, 'value', `does not apply to ${op}`, field);
    forbid(input, 'values', `does not apply to ${op}`, field);

    return { operator: op };
  }
  if (op === 'IN' || op === 'NOT_IN' || op === 'BETWEEN') {
    forbid(input, 'value', `does not apply to ${op}; use values`, field);
    const list = input.values;
    const path = `${field}.values`;
    if (!Array.isArray(list) || list.length === 0 || list.length > MAX_LIST) {
      throw badInput(`${op} needs a list of 1 to ${MAX_LIST} values`, path);
    }
    const values = list.map((value, i) => scalar(value, `${path}[${i}]`));
    if (op === 'BETWEEN' && (values.length !== 2 || values[0] > values[1])) {
      throw badInput('BETWEEN needs values [low, high] with low not above high', path);
    }

    return { operator: op, values };
  }
  forbid(input, 'values', `does not apply to ${op}; use value`, field);

  return { operator: op, value: scalar(input.value, `${field}.value`) };
}

function typedValue(
  value: unknown,
  kind: ValueKind,
  field: string,
  choices: string[],
  limits: { min?: number; max?: number },
): Scalar {
  switch (kind) {
    case 'string':
      return text(value, field);
    case 'enum':
      return oneOf(value, choices, field);
    case 'boolean':
      if (typeof value !== 'boolean') {
        throw badInput('must be a boolean', field);
      }

      return value;
    case 'date':
      return date(value, field);
    case 'instant':
      return instant(value, field);
    case 'integer':
    case 'number': {
      const min = limits.min ?? (kind === 'integer' ? 0 : -Number.MAX_VALUE);
      const max = limits.max ?? Number.MAX_VALUE;
      const valid = typeof value === 'number' && Number.isFinite(value);
      if (
        !valid ||
        (kind === 'integer' && !Number.isInteger(value)) ||
        value < min ||
        value > max
      ) {
        const what = kind === 'integer' ? 'an integer' : 'a number';
        const bounds =
          max < Number.MAX_VALUE
            ? ` from ${min} to ${max}`
            : min > -Number.MAX_VALUE
              ? ` of at least ${min}`
              : '';
        throw badInput(`must be ${what}${bounds}`, field);
      }

      return value;
    }
    default: {
      const unreachable: never = kind;
      throw new Error(`unknown value kind ${String(unreachable)}`);
    }
  }
}

function parseBehaviour(input: Record<string, unknown>, field: string): BehaviourCondition {
  allowOnly(
    input,
    [
      'channel',
      'type',
      'property',
      'occurrence',
      'comparison',
      'times',
      'window',
      'relation',
      'at',
      'daysAgo',
    ],
    field,
  );
  const occurrence = oneOf(
    input.occurrence,
    ['COUNT', 'NONE', 'FIRST', 'LAST'],
    `${field}.occurrence`,
  ) as Occurrence;
  const condition: BehaviourCondition = { occurrence };
  if (present(input.channel)) {
    condition.channel = oneOf(input.channel, CHANNELS, `${field}.channel`) as Channel;
  }
  if (present(input.type)) {
    condition.type = text(input.type, `${field}.type`);
  }
  if (present(input.property)) {
    const path = `${field}.property`;
    const property = record(input.property, path);
    allowOnly(property, ['path', 'equals'], path);
    const equals = property.equals;
    if (!['string', 'number', 'boolean'].includes(typeof equals)) {
      throw badInput('must be a string, a number or a boolean', `${path}.equals`);
    }
    condition.property = {
      path: attributePath(property.path, `${path}.path`),
      equals: typeof equals === 'string' ? text(equals, `${path}.equals`) : (equals as Scalar),
    };
  }
  const counting = occurrence === 'COUNT' || occurrence === 'NONE';
  const notFor = `does not apply to occurrence ${occurrence}`;
  for (const key of counting ? ['relation', 'at', 'daysAgo'] : ['comparison', 'times', 'window']) {
    forbid(input, key, notFor, field);
  }
  if (occurrence === 'NONE') {
    forbid(input, 'comparison', notFor, field);
    forbid(input, 'times', notFor, field);
  }
  if (occurrence === 'COUNT') {
    condition.comparison = oneOf(
      input.comparison,
      ['AT_LEAST', 'AT_MOST', 'EXACTLY'],
      `${field}.comparison`,
    ) as CountComparison;
    condition.times = typedValue(input.times, 'integer', `${field}.times`, [], {
      max: 100_000,
    }) as number;
  }
  if (counting) {
    condition.window = parseWindow(input.window, `${field}.window`);

    return condition;
  }
  condition.relation = oneOf(
    input.relation,
    ['BEFORE', 'AFTER'],
    `${field}.relation`,
  ) as TimeRelation;
  if (present(input.at) === present(input.daysAgo)) {
    throw badInput(`${occurrence} needs exactly one of at, daysAgo`, field);
  }
  if (present(input.at)) {
    condition.at = instant(input.at, `${field}.at`);
  } else {
    condition.daysAgo = days(input.daysAgo, `${field}.daysAgo`, 0);
  }

  return condition;
}

function parseValue(input: Record<string, unknown>, field: string): ValueCondition {
  allowOnly(input, ['metric', 'operator', 'value', 'values', 'window'], field);
  const metric = oneOf(input.metric, METRICS, `${field}.metric`) as ValueMetric;
  const daysSince = metric.startsWith('DAYS_SINCE');
  const integer = daysSince || metric === 'ORDER_COUNT';
  const operand = parseOperand(
    input,
    field,
    integer ? 'integer' : 'number',
    ['EQ', 'NEQ', ...COMPARE, ...PRESENCE],
    [],
    daysSince ? { max: MAX_DAYS } : {},
  );
  const condition = { metric, ...operand } as ValueCondition;
  if (daysSince) {
    forbid(input, 'window', `does not apply to ${metric}`, field);
  } else if (present(input.window)) {
    condition.window = parseWindow(input.window, `${field}.window`);
  }

  return condition;
}

function parseMembership(input: Record<string, unknown>, field: string): MembershipCondition {
  allowOnly(input, ['segmentId', 'isMember'], field);
  const segmentId = input.segmentId;
  if (typeof segmentId !== 'number' || !Number.isInteger(segmentId) || segmentId < 1) {
    throw badInput('must be a segment id', `${field}.segmentId`);
  }
  if (typeof input.isMember !== 'boolean') {
    throw badInput('must be a boolean', `${field}.isMember`);
  }

  return { segmentId, isMember: input.isMember };
}

function parseRfm(input: Record<string, unknown>, field: string): RfmCondition {
  allowOnly(input, ['groups', 'r', 'f', 'm'], field);
  const condition: RfmCondition = {};
  if (present(input.groups)) {
    condition.groups = enumList(
      input.groups,
      Object.values(RfmGroup),
      `${field}.groups`,
    ) as RfmGroup[];
  }
  for (const score of ['r', 'f', 'm'] as const) {
    if (present(input[score])) {
      condition[score] = parseRange(input[score], `${field}.${score}`);
    }
  }
  if (Object.keys(condition).length === 0) {
    throw badInput('rfm needs groups or a score range (r, f, m)', field);
  }

  return condition;
}

function parseRange(input: unknown, field: string): IntRange {
  const range = record(input, field);
  allowOnly(range, ['min', 'max'], field);
  const result: IntRange = {};
  for (const bound of ['min', 'max'] as const) {
    if (present(range[bound])) {
      result[bound] = typedValue(range[bound], 'integer', `${field}.${bound}`, [], {
        min: 1,
        max: 5,
      }) as number;
    }
  }
  if (result.min === undefined && result.max === undefined) {
    throw badInput('a score range needs min or max', field);
  }
  if (result.min !== undefined && result.max !== undefined && result.min > result.max) {
    throw badInput('min must not be above max', field);
  }

  return result;
}

function parseLifecycle(input: Record<string, unknown>, field: string): LifecycleCondition {
  allowOnly(input, ['stages'], field);

  return {
    stages: enumList(
      input.stages,
      Object.values(LifecycleStage),
      `${field}.stages`,
    ) as LifecycleStage[],
  };
}

function parseWindow(input: unknown, field: string): RuleWindow {
  const window = record(input, field);
  allowOnly(window, ['lastDays', 'from', 'to'], field);
  if (present(window.lastDays)) {
    forbid(window, 'from', 'does not go with lastDays', field);
    forbid(window, 'to', 'does not go with lastDays', field);

    return { lastDays: days(window.lastDays, `${field}.lastDays`, 1) };
  }
  const from = instant(window.from, `${field}.from`);
  const to = instant(window.to, `${field}.to`);
  const span = Date.parse(to) - Date.parse(from);
  if (span <= 0) {
    throw badInput('from must be before to', field);
  }
  if (span > MAX_DAYS * DAY_MS) {
    throw badInput(`a window spans at most ${MAX_DAYS} days`, field);
  }

  return { from, to };
}

function days(value: unknown, field: string, min: number): number {
  return typedValue(value, 'integer', field, [], { min, max: MAX_DAYS }) as number;
}
