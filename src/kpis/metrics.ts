import { badInput } from '../errors';
import { PREDICTION_KINDS, type PredictionKind } from '../predictions/prediction-kind';
import { isQualityField, QUALITY_FIELDS, type QualityField } from '../quality/quality-rules';

// The KPI metric catalogue as data: what each metric counts, which rows, and how its value
// follows from a numerator and a denominator. Pure: the SQL is built from these plans in
// metric-sql.ts, and tests compute the same definitions in JavaScript.

export const BUILT_IN_METRICS = [
  'REVENUE',
  'ORDERS',
  'AVERAGE_ORDER_VALUE',
  'ACTIVE_CUSTOMERS',
  'NEW_CUSTOMERS',
  'CONVERSION_RATE',
  'REPEAT_PURCHASE_RATE',
  'RETENTION_RATE',
  'CHURN_RATE',
  'ENGAGEMENT_RATE',
  'CSAT',
  'NPS',
  'SUPPORT_TICKETS_PER_CUSTOMER',
] as const;
export type BuiltInMetric = (typeof BUILT_IN_METRICS)[number];
export type Metric = BuiltInMetric | 'CUSTOM' | 'DATA_QUALITY' | 'PREDICTION_DRIFT';

/** FILLED: share of customers with the field filled; VALID: share valid among those filled. */
export type QualityMeasure = 'FILLED' | 'VALID';
const QUALITY_MEASURES: QualityMeasure[] = ['FILLED', 'VALID'];

/** A DATA_QUALITY metric's config: which customer field, and which share of it. */
export interface QualityMetric {
  field: QualityField;
  measure: QualityMeasure;
}

/** A PREDICTION_DRIFT metric's config: the prediction kind whose scoring runs are watched. */
export interface DriftMetric {
  predictionKind: PredictionKind;
}

/** Where a metric's rows come from; each has its own time column. */
export type Source = 'INTERACTIONS' | 'ORDERS' | 'CUSTOMERS';
export type AggregateFunction = 'COUNT' | 'SUM' | 'AVG' | 'DISTINCT_CUSTOMERS';

/** Which rows of a source count; every given condition applies. */
export interface RowFilter {
  channel?: string;
  types?: string[];
  /** Order statuses (orders only). */
  statuses?: string[];
  /** A JSON property of the interaction (`$.a.b` path) equal to a text value. */
  property?: { path: string; equals: string };
  /** Survey scores in [scoreMin, scoreMax] (interactions only). */
  scoreMin?: number;
  scoreMax?: number;
}

/** One aggregate over one source: `fn(field)` over the rows `filter` keeps. */
export interface Aggregate {
  source: Source;
  fn: AggregateFunction;
  /**
   * SUM/AVG: `value` or `score` of interactions, `amount` of orders. COUNT takes one only as the
   * denominator of an AVG (planOf): then it counts the rows where the field is not null.
   */
  field?: 'value' | 'score' | 'amount';
  filter?: RowFilter;
}

/** A custom metric: one aggregate, or the RATIO of two when `denominator` is given. */
export interface CustomMetric {
  numerator: Aggregate;
  denominator?: Aggregate;
}

/** `{ segmentId?, channel?, country? }`: limits every part of a metric. */
export interface KpiScope {
  segmentId?: number;
  channel?: string;
  country?: string;
}

/** A signed aggregate: NPS subtracts detractors from promoters. */
export interface Term {
  aggregate: Aggregate;
  sign: 1 | -1;
}

/**
 * How to compute a metric per period:
 * - TERMS: numerator = Σ sign·aggregate, denominator likewise (null = no denominator);
 * - PER_CUSTOMER: among customers with at least one `base` row, the share with at least
 *   `minHits` `hit` rows (conversion, repeat purchase);
 * - RETENTION: customers with an interaction in the previous period and in this one, over those
 *   with one in the previous period;
 * - QUALITY: a snapshot at each period's end over the customers signed up by then (see
 *   quality/quality-rules.ts for what filled and valid mean);
 * - DRIFT: the larger of score PSI and largest feature PSI of the latest finished scoring run of
 *   the kind started before each period's end (no customers: no scope, no breakdown).
 */
export type MetricPlan =
  | { kind: 'TERMS'; numerator: Term[]; denominator: Term[] | null }
  | { kind: 'PER_CUSTOMER'; source: Source; base: RowFilter; hit: RowFilter; minHits: number }
  | { kind: 'RETENTION' }
  | ({ kind: 'QUALITY' } & QualityMetric)
  | ({ kind: 'DRIFT' } & DriftMetric);

export const PAID: RowFilter = { statuses: ['PAID'] };

/** Defaults of the built-in metrics' options (interaction types of the demo data). */
export const METRIC_DEFAULTS = {
  CONVERSION_RATE: { fromType: 'product_view', toType: 'purchase' },
  ENGAGEMENT_RATE: { sentType: 'email_sent', engagedType: 'email_click' },
  CSAT: { type: 'survey_response', survey: 'csat' },
  NPS: { type: 'survey_response', survey: 'nps' },
  SUPPORT_TICKETS_PER_CUSTOMER: { ticketType: 'support_ticket' },
} as const;

const interactions = (fn: AggregateFunction, filter: RowFilter = {}): Aggregate => ({
  source: 'INTERACTIONS',
  fn,
  filter,
});
const plus = (aggregate: Aggregate): Term[] => [{ aggregate, sign: 1 }];
const survey = (type: string, name: string): RowFilter => ({
  types: [type],
  property: { path: '$.survey', equals: name },
});

/** The computation plan of a validated metric and its config. */
export function planOf(metric: Metric, config: Record<string, unknown> | null): MetricPlan {
  const option = (name: string, fallback: string) =>
    typeof config?.[name] === 'string' ? (config[name] as string) : fallback;
  switch (metric) {
    case 'REVENUE':
      return terms({ source: 'ORDERS', fn: 'SUM', field: 'amount', filter: PAID });
    case 'ORDERS':
      return terms({ source: 'ORDERS', fn: 'COUNT', filter: PAID });
    case 'AVERAGE_ORDER_VALUE':
      return terms(
        { source: 'ORDERS', fn: 'SUM', field: 'amount', filter: PAID },
        { source: 'ORDERS', fn: 'COUNT', filter: PAID },
      );
    case 'ACTIVE_CUSTOMERS':
      return terms(interactions('DISTINCT_CUSTOMERS'));
    case 'NEW_CUSTOMERS':
      return terms({ source: 'CUSTOMERS', fn: 'COUNT' });
    case 'CONVERSION_RATE': {
      const d = METRIC_DEFAULTS.CONVERSION_RATE;

      return {
        kind: 'PER_CUSTOMER',
        source: 'INTERACTIONS',
        base: { types: [option('fromType', d.fromType)] },
        hit: { types: [option('toType', d.toType)] },
        minHits: 1,
      };
    }
    case 'REPEAT_PURCHASE_RATE':
      return { kind: 'PER_CUSTOMER', source: 'ORDERS', base: PAID, hit: PAID, minHits: 2 };
    case 'RETENTION_RATE':
    case 'CHURN_RATE':
      return { kind: 'RETENTION' };
    case 'ENGAGEMENT_RATE': {
      const d = METRIC_DEFAULTS.ENGAGEMENT_RATE;

      return terms(
        interactions('COUNT', { types: [option('engagedType', d.engagedType)] }),
        interactions('COUNT', { types: [option('sentType', d.sentType)] }),
      );
    }
    case 'CSAT': {
      const answers = survey(option('type', METRIC_DEFAULTS.CSAT.type), option('survey', 'csat'));

      return terms(
        interactions('COUNT', { ...answers, scoreMin: 4, scoreMax: 5 }),
        interactions('COUNT', { ...answers, scoreMin: 1, scoreMax: 5 }),
      );
    }
    case 'NPS': {
      const answers = survey(option('type', METRIC_DEFAULTS.NPS.type), option('survey', 'nps'));

      return {
        kind: 'TERMS',
        numerator: [
          { aggregate: interactions('COUNT', { ...answers, scoreMin: 9, scoreMax: 10 }), sign: 1 },
          { aggregate: interactions('COUNT', { ...answers, scoreMin: 0, scoreMax: 6 }), sign: -1 },
        ],
        denominator: plus(interactions('COUNT', { ...answers, scoreMin: 0, scoreMax: 10 })),
      };
    }
    case 'SUPPORT_TICKETS_PER_CUSTOMER':
      return terms(
        interactions('COUNT', {
          types: [option('ticketType', METRIC_DEFAULTS.SUPPORT_TICKETS_PER_CUSTOMER.ticketType)],
        }),
        interactions('DISTINCT_CUSTOMERS'),
      );
    case 'DATA_QUALITY':
      return { kind: 'QUALITY', ...(config as unknown as QualityMetric) };
    case 'PREDICTION_DRIFT':
      return { kind: 'DRIFT', predictionKind: (config as unknown as DriftMetric).predictionKind };
    case 'CUSTOM': {
      const custom = config as unknown as CustomMetric;
      // AVG is SUM over COUNT of the same rows, so that periods and dimensions add up exactly;
      // the COUNT keeps the field, so that rows without a value count in neither, as in AVG.
      if (!custom.denominator && custom.numerator.fn === 'AVG') {
        return terms({ ...custom.numerator, fn: 'SUM' }, { ...custom.numerator, fn: 'COUNT' });
      }

      return terms(custom.numerator, custom.denominator);
    }
    default:
      return unreachable(metric);
  }
}

function terms(numerator: Aggregate, denominator?: Aggregate): MetricPlan {
  return {
    kind: 'TERMS',
    numerator: plus(numerator),
    denominator: denominator ? plus(denominator) : null,
  };
}

/** Whether the metric's value is a ratio (null when its denominator is 0). */
export function hasDenominator(metric: Metric, config: Record<string, unknown> | null): boolean {
  const plan = planOf(metric, config);

  return plan.kind !== 'TERMS' || plan.denominator !== null;
}

/**
 * A metric's value from its numerator and denominator: rates are fractions (0.25 = 25 %), NPS is
 * in points (−100…100), CHURN_RATE is 1 − retained/previous actives; null when a denominator is
 * 0. Metrics without a denominator are their numerator.
 */
export function valueOf(
  metric: Metric,
  numerator: number,
  denominator: number | null,
): number | null {
  if (denominator === null) {
    return numerator;
  }
  if (denominator === 0) {
    return null;
  }
  const ratio = numerator / denominator;
  if (metric === 'NPS') {
    return 100 * ratio;
  }

  return metric === 'CHURN_RATE' ? 1 - ratio : ratio;
}

/** Sources a metric reads (to check what a scope or a breakdown may use). */
export function sourcesOf(plan: MetricPlan): Source[] {
  if (plan.kind === 'RETENTION') {
    return ['INTERACTIONS'];
  }
  if (plan.kind === 'QUALITY') {
    return ['CUSTOMERS'];
  }
  if (plan.kind === 'DRIFT') {
    return [];
  }
  if (plan.kind === 'PER_CUSTOMER') {
    return [plan.source];
  }
  const all = [...plan.numerator, ...(plan.denominator ?? [])].map((t) => t.aggregate.source);

  return [...new Set(all)];
}

const AGGREGATE_FUNCTIONS: AggregateFunction[] = ['COUNT', 'SUM', 'AVG', 'DISTINCT_CUSTOMERS'];
const FIELDS_OF: Record<Source, string[]> = {
  INTERACTIONS: ['value', 'score'],
  ORDERS: ['amount'],
  CUSTOMERS: [],
};
const OPTIONS_OF: Partial<Record<BuiltInMetric, readonly string[]>> = {
  CONVERSION_RATE: ['fromType', 'toType'],
  ENGAGEMENT_RATE: ['sentType', 'engagedType'],
  CSAT: ['type', 'survey'],
  NPS: ['type', 'survey'],
  SUPPORT_TICKETS_PER_CUSTOMER: ['ticketType'],
};
const PROPERTY_PATH = /^\$(\.[A-Za-z_][A-Za-z0-9_]*)+$/;

/**
 * Checks a metric's config (and the scope against the metric's sources) and returns the config
 * to store; BAD_USER_INPUT names the field under `path` (e.g. `input.metricConfig`).
 */
export function validateMetric(
  metric: Metric,
  config: unknown,
  scope: KpiScope,
  path = 'input',
): Record<string, unknown> | null {
  const at = `${path}.metricConfig`;
  let stored: Record<string, unknown> | null;
  if (metric === 'CUSTOM') {
    if (!isObject(config)) {
      throw badInput('A CUSTOM metric needs metricConfig { numerator, denominator? }', at);
    }
    unknownKeys(config, ['numerator', 'denominator'], at);
    stored = { numerator: validateAggregate(config.numerator, `${at}.numerator`) };
    if (config.denominator !== undefined && config.denominator !== null) {
      stored.denominator = validateAggregate(config.denominator, `${at}.denominator`);
      // An AVG is itself a ratio (SUM over COUNT, see planOf); in a RATIO it would be summed.
      for (const part of ['numerator', 'denominator'] as const) {
        if ((stored[part] as Aggregate).fn === 'AVG') {
          throw badInput(
            'AVG cannot be part of a RATIO: use SUM, or AVG without a denominator',
            `${at}.${part}.fn`,
          );
        }
      }
    }
  } else if (metric === 'DATA_QUALITY') {
    stored = { ...validateQuality(config, at) };
  } else if (metric === 'PREDICTION_DRIFT') {
    stored = { ...validateDrift(config, at) };
    // Drift belongs to a model's scoring runs, not to a group of customers.
    const scoped = (['segmentId', 'channel', 'country'] as const).find(
      (k) => scope[k] !== undefined,
    );
    if (scoped) {
      throw badInput(
        `${metric} measures scoring runs and takes no scope`,
        `${path}.scope.${scoped}`,
      );
    }
  } else if (config === undefined || config === null) {
    stored = null;
  } else {
    if (!isObject(config)) {
      throw badInput('metricConfig must be an object', at);
    }
    const allowed = OPTIONS_OF[metric] ?? [];
    unknownKeys(config, allowed, at);
    for (const key of allowed) {
      if (config[key] !== undefined) {
        nonEmptyText(config[key], `${at}.${key}`, 64);
      }
    }
    stored = Object.keys(config).length ? config : null;
  }
  if (
    scope.channel !== undefined &&
    sourcesOf(planOf(metric, stored)).some((s) => s !== 'INTERACTIONS')
  ) {
    throw badInput(
      `${metric} counts orders or customers, which have no channel`,
      `${path}.scope.channel`,
    );
  }

  return stored;
}

function validateQuality(config: unknown, at: string): QualityMetric {
  if (!isObject(config)) {
    throw badInput('A DATA_QUALITY metric needs metricConfig { field, measure }', at);
  }
  unknownKeys(config, ['field', 'measure'], at);
  if (!isQualityField(config.field)) {
    throw badInput(`field must be one of ${QUALITY_FIELDS.join(', ')}`, `${at}.field`);
  }
  if (!QUALITY_MEASURES.includes(config.measure as QualityMeasure)) {
    throw badInput(`measure must be one of ${QUALITY_MEASURES.join(', ')}`, `${at}.measure`);
  }

  return { field: config.field, measure: config.measure as QualityMeasure };
}

function validateDrift(config: unknown, at: string): DriftMetric {
  if (!isObject(config)) {
    throw badInput('A PREDICTION_DRIFT metric needs metricConfig { predictionKind }', at);
  }
  unknownKeys(config, ['predictionKind'], at);
  if (!PREDICTION_KINDS.includes(config.predictionKind as PredictionKind)) {
    throw badInput(
      `predictionKind must be one of ${PREDICTION_KINDS.join(', ')}`,
      `${at}.predictionKind`,
    );
  }

  return { predictionKind: config.predictionKind as PredictionKind };
}

function validateAggregate(value: unknown, at: string): Aggregate {
  if (!isObject(value)) {
    throw badInput('An aggregate is { source, fn, field?, filter? }', at);
  }
  unknownKeys(value, ['source', 'fn', 'field', 'filter'], at);
  const source = value.source;
  if (source !== 'INTERACTIONS' && source !== 'ORDERS') {
    throw badInput('source must be INTERACTIONS or ORDERS', `${at}.source`);
  }
  const fn = value.fn as AggregateFunction;
  if (!AGGREGATE_FUNCTIONS.includes(fn)) {
    throw badInput(`fn must be one of ${AGGREGATE_FUNCTIONS.join(', ')}`, `${at}.fn`);
  }
  const needsField = fn === 'SUM' || fn === 'AVG';
  if (needsField !== (value.field !== undefined && value.field !== null)) {
    throw badInput(needsField ? `${fn} needs a field` : `${fn} takes no field`, `${at}.field`);
  }
  if (needsField && !FIELDS_OF[source].includes(value.field as string)) {
    throw badInput(`field must be one of ${FIELDS_OF[source].join(', ')}`, `${at}.field`);
  }
  const aggregate: Aggregate = { source, fn };
  if (needsField) {
    aggregate.field = value.field as Aggregate['field'];
  }
  if (value.filter !== undefined && value.filter !== null) {
    aggregate.filter = validateFilter(value.filter, source, `${at}.filter`);
  }

  return aggregate;
}

function validateFilter(value: unknown, source: Source, at: string): RowFilter {
  if (!isObject(value)) {
    throw badInput('filter must be an object', at);
  }
  const interactionOnly = ['channel', 'types', 'property', 'scoreMin', 'scoreMax'];
  unknownKeys(value, [...interactionOnly, 'statuses'], at);
  for (const key of Object.keys(value)) {
    if (source === 'ORDERS' ? interactionOnly.includes(key) : key === 'statuses') {
      throw badInput(`${key} does not apply to ${source.toLowerCase()}`, `${at}.${key}`);
    }
  }
  const filter: RowFilter = {};
  if (value.channel !== undefined) {
    filter.channel = nonEmptyText(value.channel, `${at}.channel`, 16).toUpperCase();
  }
  for (const key of ['types', 'statuses'] as const) {
    if (value[key] !== undefined) {
      const list = value[key];
      if (!Array.isArray(list) || list.length === 0 || list.length > 20) {
        throw badInput(`${key} must be a list of 1 to 20 values`, `${at}.${key}`);
      }
      filter[key] = list.map((item, i) => nonEmptyText(item, `${at}.${key}[${i}]`, 64));
    }
  }
  if (value.property !== undefined) {
    const property = value.property;
    if (!isObject(property) || !PROPERTY_PATH.test(String(property.path))) {
      throw badInput('property.path must look like $.name or $.a.b', `${at}.property.path`);
    }
    filter.property = {
      path: String(property.path),
      equals: nonEmptyText(property.equals, `${at}.property.equals`, 200),
    };
  }
  for (const key of ['scoreMin', 'scoreMax'] as const) {
    if (value[key] !== undefined) {
      if (!Number.isInteger(value[key])) {
        throw badInput(`${key} must be an integer`, `${at}.${key}`);
      }
      filter[key] = value[key] as number;
    }
  }

  return filter;
}

function nonEmptyText(value: unknown, at: string, maxLength: number): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) {
    throw badInput(`Expected text of 1 to ${maxLength} characters`, at);
  }

  return value;
}

function unknownKeys(value: Record<string, unknown>, allowed: readonly string[], at: string) {
  const unknown = Object.keys(value).find((key) => !allowed.includes(key));
  if (unknown !== undefined) {
    throw badInput(
      `Unknown option ${unknown}${allowed.length ? ` (expected ${allowed.join(', ')})` : ''}`,
      `${at}.${unknown}`,
    );
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unreachable(value: never): never {
  throw new Error(`Unknown metric ${String(value)}`);
}
