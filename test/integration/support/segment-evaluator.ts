import type {
  Operator,
  RuleNode,
  RuleWindow,
  Scalar,
  SegmentDefinition,
} from '../../../src/segments/rule-definition';
import {
  CITIES,
  type GeneratedCustomer,
  INTERACTION_CHANNELS,
  INTERACTION_TYPES,
  type Pick,
  PREDICTION_KINDS,
  RFM_GROUPS,
  type SegmentData,
  STAGES,
} from './segment-data';

// An in-memory evaluator of segment rules, written from the semantics README documents, not
// from rule-sql.ts: absent values make every operator false except IS_NOT_SET, strings compare
// ignoring case, `lastDays` windows are [now − D days, now], `from`/`to` windows [from, to).

const DAY = 86_400_000;

/** Ids of the customers (not deleted) for whom `definition` holds. */
export function evaluateDefinition(definition: SegmentDefinition, data: SegmentData): number[] {
  return data.customers
    .filter((customer) => !customer.deleted && holds(definition.root, customer, data))
    .map((customer) => customer.id)
    .sort((a, b) => a - b);
}

export function holds(node: RuleNode, c: GeneratedCustomer, data: SegmentData): boolean {
  const now = data.now.getTime();
  if ('all' in node) {
    return node.all.every((child) => holds(child, c, data));
  }
  if ('any' in node) {
    return node.any.some((child) => holds(child, c, data));
  }
  if ('not' in node) {
    return !holds(node.not, c, data);
  }
  if ('profile' in node) {
    const p = node.profile;
    switch (p.field) {
      case 'COUNTRY':
        return compare(lower(c.country), p.operator, p.value, p.values, lower);
      case 'CITY':
        return compare(lower(c.city), p.operator, p.value, p.values, lower);
      case 'GENDER':
        return compare(c.gender, p.operator, p.value, p.values);
      case 'CONSENT':
        return compare(c.consents[p.channel as string] ?? null, p.operator, p.value, p.values);
      case 'SIGNED_UP_AT':
        return compare(c.signedUpAt.getTime(), p.operator, p.value, p.values, (v) =>
          Date.parse(String(v)),
        );
      case 'AGE':
        return compare(
          c.birthDate === null ? null : age(c.birthDate, data.now),
          p.operator,
          p.value,
          p.values,
        );
      case 'ATTRIBUTE': {
        const raw = (p.path as string)
          .split('.')
          .reduce<unknown>((at, key) => (isObject(at) ? at[key] : undefined), c.attributes);
        switch (p.type) {
          case 'STRING':
            return compare(
              typeof raw === 'string' ? raw.toLowerCase() : null,
              p.operator,
              p.value,
              p.values,
              lower,
            );
          case 'NUMBER':
            return compare(typeof raw === 'number' ? raw : null, p.operator, p.value, p.values);
          case 'BOOLEAN':
            return compare(typeof raw === 'boolean' ? raw : null, p.operator, p.value, p.values);
          default:
            return compare(
              typeof raw === 'string' ? raw.slice(0, 10) : null,
              p.operator,
              p.value,
              p.values,
            );
        }
      }
    }
  }
  if ('behaviour' in node) {
    const b = node.behaviour;
    const matching = c.interactions.filter(
      (i) =>
        (!b.channel || i.channel === b.channel) &&
        (!b.type || i.type.toLowerCase() === b.type.toLowerCase()) &&
        (!b.property || propertyEquals(i.properties?.[b.property.path], b.property.equals)),
    );
    if (b.occurrence === 'COUNT' || b.occurrence === 'NONE') {
      const count = matching.filter((i) =>
        inWindow(i.at.getTime(), b.window as RuleWindow, now),
      ).length;
      if (b.occurrence === 'NONE') {
        return count === 0;
      }
      const times = b.times as number;

      return b.comparison === 'AT_LEAST'
        ? count >= times
        : b.comparison === 'AT_MOST'
          ? count <= times
          : count === times;
    }
    if (matching.length === 0) {
      return false;
    }
    const times = matching.map((i) => i.at.getTime());
    const moment = b.occurrence === 'FIRST' ? Math.min(...times) : Math.max(...times);
    const t = b.at ? Date.parse(b.at) : now - (b.daysAgo as number) * DAY;

    return b.relation === 'BEFORE' ? moment < t : moment > t;
  }
  if ('value' in node) {
    const v = node.value;
    let figure: number | null;
    if (v.metric === 'DAYS_SINCE_LAST_ORDER' || v.metric === 'DAYS_SINCE_LAST_INTERACTION') {
      const moments =
        v.metric === 'DAYS_SINCE_LAST_ORDER'
          ? c.orders.filter((o) => o.status === 'PAID').map((o) => o.at.getTime())
          : c.interactions.map((i) => i.at.getTime());
      const past = moments.filter((t) => t <= now);
      figure = past.length === 0 ? null : Math.floor((now - Math.max(...past)) / DAY);
    } else {
      const amounts = c.orders
        .filter((o) => o.status === 'PAID')
        .filter((o) => (v.window ? inWindow(o.at.getTime(), v.window, now) : o.at.getTime() <= now))
        .map((o) => o.amount);
      const total = amounts.reduce((sum, amount) => sum + amount, 0);
      figure =
        v.metric === 'ORDER_COUNT'
          ? amounts.length
          : v.metric === 'TOTAL_SPENT'
            ? total
            : amounts.length === 0
              ? null
              : total / amounts.length;
    }

    return compare(figure, v.operator, v.value, v.values);
  }
  if ('membership' in node) {
    const member = data.memberships.get(node.membership.segmentId)?.has(c.id) ?? false;

    return member === node.membership.isMember;
  }
  if ('rfm' in node) {
    const { groups, r, f, m } = node.rfm;
    const within = (score: number, range?: { min?: number; max?: number }) =>
      !range || (score >= (range.min ?? 1) && score <= (range.max ?? 5));
    const rfm = c.rfm;

    return (
      rfm !== null &&
      (!groups || groups.includes(rfm.group as never)) &&
      within(rfm.r, r) &&
      within(rfm.f, f) &&
      within(rfm.m, m)
    );
  }

  if ('prediction' in node) {
    const { kind, score, decile } = node.prediction;
    const seen = c.predictions[kind];
    const [value, range] = score ? [seen?.score, score] : [seen?.decile, decile ?? {}];

    return (
      value !== undefined &&
      (range.min === undefined || value >= range.min) &&
      (range.max === undefined || value <= range.max)
    );
  }

  return c.stage !== null && node.lifecycle.stages.includes(c.stage as never);
}

function compare(
  seen: Scalar | null,
  operator: Operator,
  value: Scalar | undefined,
  values: Scalar[] | undefined,
  normalise: (v: Scalar) => Scalar | null = (v) => v,
): boolean {
  if (operator === 'IS_SET' || operator === 'IS_NOT_SET') {
    return (seen !== null) === (operator === 'IS_SET');
  }
  if (seen === null) {
    return false;
  }
  const operand = value === undefined ? null : normalise(value);
  const list = (values ?? []).map(normalise);
  switch (operator) {
    case 'EQ':
      return seen === operand;
    case 'NEQ':
      return seen !== operand;
    case 'IN':
      return list.includes(seen);
    case 'NOT_IN':
      return !list.includes(seen);
    case 'GT':
      return seen > (operand as Scalar);
    case 'GTE':
      return seen >= (operand as Scalar);
    case 'LT':
      return seen < (operand as Scalar);
    case 'LTE':
      return seen <= (operand as Scalar);
    case 'BETWEEN':
      return seen >= (list[0] as Scalar) && seen <= (list[1] as Scalar);
    case 'CONTAINS':
      return String(seen).includes(String(operand));
    case 'STARTS_WITH':
      return String(seen).startsWith(String(operand));
  }
}

function lower(value: Scalar | null): string | null {
  return value === null ? null : String(value).toLowerCase();
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function propertyEquals(seen: unknown, expected: Scalar): boolean {
  if (typeof expected === 'string') {
    return typeof seen === 'string' && seen.toLowerCase() === expected.toLowerCase();
  }

  return seen === expected;
}

function inWindow(t: number, window: RuleWindow, now: number): boolean {
  return 'lastDays' in window
    ? t >= now - window.lastDays * DAY && t <= now
    : t >= Date.parse(window.from) && t < Date.parse(window.to);
}

function age(birthDate: string, now: Date): number {
  const [y, m, d] = birthDate.split('-').map(Number);
  const hadBirthday =
    now.getUTCMonth() + 1 > m || (now.getUTCMonth() + 1 === m && now.getUTCDate() >= d);

  return now.getUTCFullYear() - y - (hadBirthday ? 0 : 1);
}

/** A random, valid rule input (before parseDefinition) over the generated data's domain. */
export function randomDefinition(pick: Pick, data: SegmentData): unknown {
  return { version: 1, root: randomNode(pick, data, 0) };
}

function randomNode(pick: Pick, data: SegmentData, depth: number): unknown {
  const roll = pick.random();
  if (depth < 3 && roll < 0.35) {
    const children = Array.from({ length: pick.int(1, 3) }, () =>
      randomNode(pick, data, depth + 1),
    );

    return pick.chance(0.5) ? { all: children } : { any: children };
  }
  if (depth < 3 && roll < 0.45) {
    return { not: randomNode(pick, data, depth + 1) };
  }

  return pick.one([randomProfile, randomProfile, randomBehaviour, randomValue, randomOther])(
    pick,
    data,
  );
}

function operand(pick: Pick, operators: Operator[], one: () => Scalar): Record<string, unknown> {
  const operator = pick.one(operators);
  if (operator === 'IS_SET' || operator === 'IS_NOT_SET') {
    return { operator };
  }
  if (operator === 'IN' || operator === 'NOT_IN') {
    return { operator, values: Array.from({ length: pick.int(1, 3) }, one) };
  }
  if (operator === 'BETWEEN') {
    return { operator, values: [one(), one()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)) };
  }

  return { operator, value: one() };
}

const ALL: Operator[] = [
  'EQ',
  'NEQ',
  'IN',
  'NOT_IN',
  'GT',
  'GTE',
  'LT',
  'LTE',
  'BETWEEN',
  'IS_SET',
  'IS_NOT_SET',
];
const STRING: Operator[] = [
  'EQ',
  'NEQ',
  'IN',
  'NOT_IN',
  'CONTAINS',
  'STARTS_WITH',
  'IS_SET',
  'IS_NOT_SET',
];
const ENUM: Operator[] = ['EQ', 'NEQ', 'IN', 'NOT_IN', 'IS_SET', 'IS_NOT_SET'];

function randomProfile(pick: Pick, data: SegmentData): unknown {
  const year = data.now.getUTCFullYear();
  const field = pick.one([
    'COUNTRY',
    'CITY',
    'GENDER',
    'AGE',
    'SIGNED_UP_AT',
    'CONSENT',
    'ATTRIBUTE',
  ]);
  switch (field) {
    case 'COUNTRY':
      return {
        profile: {
          field,
          ...operand(pick, STRING, () => pick.one(['gb', 'GB', 'fr', 'De', 'g', 'b', 'X'])),
        },
      };
    case 'CITY':
      return {
        profile: {
          field,
          ...operand(pick, STRING, () =>
            pick.one([
              ...CITIES,
              'o',
              '_',
              '%',
              'new',
              'st_',
              'LON',
              'münchen',
              'ÜN',
              'ŁÓ',
              'unch',
            ]),
          ),
        },
      };
    case 'GENDER':
      return {
        profile: {
          field,
          ...operand(pick, ENUM, () => pick.one(['FEMALE', 'MALE', 'NON_BINARY', 'UNDISCLOSED'])),
        },
      };
    case 'AGE':
      return { profile: { field, ...operand(pick, ALL, () => pick.int(5, 86)) } };
    case 'SIGNED_UP_AT':
      return {
        profile: {
          field,
          ...operand(pick, ['GT', 'GTE', 'LT', 'LTE', 'BETWEEN'], () =>
            new Date(Date.UTC(2020, 0, 1) + pick.random() * 4 * 365 * DAY).toISOString(),
          ),
        },
      };
    case 'CONSENT':
      return {
        profile: {
          field,
          channel: pick.one(['EMAIL', 'SMS']),
          ...operand(pick, ENUM, () => pick.one(['GRANTED', 'DENIED'])),
        },
      };
    default: {
      const attribute = pick.one([
        {
          path: 'tier',
          type: 'STRING',
          ops: STRING,
          one: () => pick.one(['gold', 'SILVER', 'o', 'br', 'ÉLITE', 'él', 'elite']),
        },
        { path: 'score', type: 'NUMBER', ops: ALL, one: () => pick.one([1, 2.5, 3, 4, 7, -1, 0]) },
        {
          path: 'vip',
          type: 'BOOLEAN',
          ops: ['EQ', 'NEQ', 'IS_SET', 'IS_NOT_SET'] as Operator[],
          one: () => pick.chance(0.5),
        },
        {
          path: 'joined',
          type: 'DATE',
          ops: [
            'EQ',
            'NEQ',
            'GT',
            'GTE',
            'LT',
            'LTE',
            'BETWEEN',
            'IS_SET',
            'IS_NOT_SET',
          ] as Operator[],
          one: () => pick.one(['2023-05-01', '2024-01-01', '2024-07-15', `${year}-01-01`]),
        },
        { path: 'nested.level', type: 'NUMBER', ops: ALL, one: () => pick.int(0, 4) },
      ]);

      return {
        profile: {
          field,
          path: attribute.path,
          type: attribute.type,
          ...operand(pick, attribute.ops, attribute.one),
        },
      };
    }
  }
}

function randomWindow(pick: Pick, data: SegmentData): unknown {
  if (pick.chance(0.6)) {
    return { lastDays: pick.one([1, 7, 30, 90, 365]) };
  }
  const from = data.now.getTime() - pick.int(1, 700) * DAY - pick.int(0, DAY);
  const to = Math.min(from + pick.int(1, 400) * DAY, data.now.getTime() + 2 * DAY);

  return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}

function randomBehaviour(pick: Pick, data: SegmentData): unknown {
  const behaviour: Record<string, unknown> = {};
  if (pick.chance(0.5)) {
    behaviour.channel = pick.one(INTERACTION_CHANNELS);
  }
  if (pick.chance(0.5)) {
    behaviour.type = pick.one([...INTERACTION_TYPES, 'OPEN', 'Purchase']);
  }
  if (pick.chance(0.3)) {
    behaviour.property = pick.chance(0.7)
      ? { path: 'sku', equals: pick.one(['a', 'B', 1, 'Ä']) }
      : { path: 'gift', equals: pick.chance(0.5) };
  }
  const occurrence = pick.one(['COUNT', 'COUNT', 'NONE', 'FIRST', 'LAST']);
  if (occurrence === 'COUNT') {
    return {
      behaviour: {
        ...behaviour,
        occurrence,
        comparison: pick.one(['AT_LEAST', 'AT_MOST', 'EXACTLY']),
        times: pick.int(0, 4),
        window: randomWindow(pick, data),
      },
    };
  }
  if (occurrence === 'NONE') {
    return { behaviour: { ...behaviour, occurrence, window: randomWindow(pick, data) } };
  }
  const when = pick.chance(0.5)
    ? { daysAgo: pick.int(0, 400) }
    : { at: new Date(data.now.getTime() - pick.random() * 400 * DAY).toISOString() };

  return {
    behaviour: { ...behaviour, occurrence, relation: pick.one(['BEFORE', 'AFTER']), ...when },
  };
}

function randomValue(pick: Pick, data: SegmentData): unknown {
  const metric = pick.one([
    'ORDER_COUNT',
    'TOTAL_SPENT',
    'AVERAGE_ORDER_VALUE',
    'DAYS_SINCE_LAST_ORDER',
    'DAYS_SINCE_LAST_INTERACTION',
  ]);
  const operators: Operator[] = [
    'EQ',
    'NEQ',
    'GT',
    'GTE',
    'LT',
    'LTE',
    'BETWEEN',
    'IS_SET',
    'IS_NOT_SET',
  ];
  const one: Record<string, () => number> = {
    ORDER_COUNT: () => pick.int(0, 4),
    TOTAL_SPENT: () => pick.one([0, 50, 100, 250.5, 500, 1000]),
    AVERAGE_ORDER_VALUE: () => pick.one([10, 100, 200, 250, 400]),
    DAYS_SINCE_LAST_ORDER: () => pick.one([0, 1, 7, 30, 90, 365]),
    DAYS_SINCE_LAST_INTERACTION: () => pick.one([0, 1, 7, 30, 90, 365]),
  };
  const windowed = !metric.startsWith('DAYS') && pick.chance(0.6);

  return {
    value: {
      metric,
      ...operand(pick, operators, one[metric]),
      ...(windowed ? { window: randomWindow(pick, data) } : {}),
    },
  };
}

function randomOther(pick: Pick, data: SegmentData): unknown {
  const kind = pick.one(['membership', 'rfm', 'rfm', 'lifecycle', 'prediction']);
  if (kind === 'membership') {
    return {
      membership: { segmentId: pick.one([...data.memberships.keys()]), isMember: pick.chance(0.5) },
    };
  }
  if (kind === 'lifecycle') {
    return { lifecycle: { stages: pick.some(STAGES) } };
  }
  if (kind === 'prediction') {
    return { prediction: randomPrediction(pick) };
  }
  const rfm: Record<string, unknown> = {};
  if (pick.chance(0.5)) {
    rfm.groups = pick.some(RFM_GROUPS);
  }
  for (const score of ['r', 'f', 'm']) {
    if (pick.chance(0.3) || (score === 'm' && Object.keys(rfm).length === 0)) {
      const [min, max] = [pick.int(1, 5), pick.int(1, 5)].sort();
      rfm[score] = pick.chance(0.3) ? { min } : pick.chance(0.5) ? { max } : { min, max };
    }
  }

  return { rfm };
}

function randomPrediction(pick: Pick): Record<string, unknown> {
  const kind = pick.one(PREDICTION_KINDS);
  const bounds = (one: () => number): Record<string, number> => {
    const [min, max] = [one(), one()].sort((a, b) => a - b);

    return pick.chance(0.3) ? { min } : pick.chance(0.5) ? { max } : { min, max };
  };
  if (pick.chance(0.5)) {
    return { kind, decile: bounds(() => pick.int(1, 10)) };
  }
  const score =
    kind === 'CLV'
      ? () => pick.one([0, 50, 100, 250, 399.99])
      : () => pick.one([0, 0.2, 0.35, 0.5, 0.9, 1]);

  return { kind, score: bounds(score) };
}
