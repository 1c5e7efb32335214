import { CHANNELS } from '../interactions/channel';
import type { FeatureSpec, RawValue } from './models/encoders';
import { DAY_MS } from '../time';

// The features every churn and propensity model sees, computed as of a snapshot instant from
// events strictly before it (feature-sql.ts), plus chosen custom attributes. Counts and money
// are heavy-tailed, so the model reads them through log1p; the API shows the raw values.

/** A custom attribute used as a feature: `path` in the customer's attributes. */
export interface AttributeFeature {
  path: string;
  kind: 'NUMERIC' | 'CATEGORICAL';
}

/** What varies between models in the feature set. */
export interface FeatureChoice {
  /** Interaction types counted one by one (the most frequent by default). */
  interactionTypes: string[];
  attributes: AttributeFeature[];
}

/** One customer's aggregates as of a snapshot, as feature-sql.ts returns them. */
export interface SnapshotAggregates {
  customerId: number;
  signedUpAt: Date;
  attributes: Record<string, unknown> | null;
  ordersTotal: number;
  orders90: number;
  ordersPrevious90: number;
  orders365: number;
  revenueTotal: number;
  revenue365: number;
  firstOrderAt: Date | null;
  lastOrderAt: Date | null;
  events30: number;
  eventsPrevious30: number;
  events90: number;
  lastEventAt: Date | null;
  /** Interactions of the last 90 days per channel, in CHANNELS order. */
  channels90: number[];
  /** Interactions of the last 90 days per chosen type, in the choice's order. */
  types90: number[];
  surveyScore: number | null;
  consentedChannels: number;
}

type Transform = 'log1p' | 'none';

interface BehaviourFeature {
  name: string;
  transform: Transform;
  read: (row: SnapshotAggregates, snapshot: Date) => number | null;
}

const daysBefore = (snapshot: Date, instant: Date | null): number | null =>
  instant ? (snapshot.getTime() - instant.getTime()) / DAY_MS : null;

const BEHAVIOUR: readonly BehaviourFeature[] = [
  { name: 'tenure_days', transform: 'log1p', read: (r, s) => daysBefore(s, r.signedUpAt) },
  {
    name: 'days_since_last_order',
    transform: 'log1p',
    read: (r, s) => daysBefore(s, r.lastOrderAt),
  },
  {
    name: 'days_since_first_order',
    transform: 'log1p',
    read: (r, s) => daysBefore(s, r.firstOrderAt),
  },
  { name: 'orders_total', transform: 'log1p', read: (r) => r.ordersTotal },
  { name: 'orders_90d', transform: 'log1p', read: (r) => r.orders90 },
  { name: 'orders_365d', transform: 'log1p', read: (r) => r.orders365 },
  // Positive when the last 90 days had more orders than the 90 before: a trend between windows.
  { name: 'orders_trend_90d', transform: 'none', read: (r) => r.orders90 - r.ordersPrevious90 },
  { name: 'revenue_total', transform: 'log1p', read: (r) => Math.max(0, r.revenueTotal) },
  { name: 'revenue_365d', transform: 'log1p', read: (r) => Math.max(0, r.revenue365) },
  {
    name: 'average_order_value',
    transform: 'log1p',
    read: (r) => (r.ordersTotal > 0 ? Math.max(0, r.revenueTotal) / r.ordersTotal : null),
  },
  {
    name: 'days_since_last_interaction',
    transform: 'log1p',
    read: (r, s) => daysBefore(s, r.lastEventAt),
  },
  { name: 'interactions_30d', transform: 'log1p', read: (r) => r.events30 },
  { name: 'interactions_90d', transform: 'log1p', read: (r) => r.events90 },
  {
    name: 'interactions_trend_30d',
    transform: 'none',
    read: (r) => r.events30 - r.eventsPrevious30,
  },
  ...CHANNELS.map((channel, index): BehaviourFeature => ({
    name: `${channel.toLowerCase()}_interactions_90d`,
    transform: 'log1p',
    read: (r) => r.channels90[index],
  })),
  { name: 'survey_score_365d', transform: 'none', read: (r) => r.surveyScore },
  { name: 'consented_channels', transform: 'none', read: (r) => r.consentedChannels },
];

// Interaction-type counts are named by this prefix, which is how modelInputs knows them.
const TYPE_PREFIX = 'type_';
const typeFeatureName = (type: string): string => `${TYPE_PREFIX}${type}_90d`;
const attributeFeatureName = (path: string): string => `attribute_${path}`;

/** The raw features' names and kinds, in model order, for the encoder. */
export function featureSpecs(choice: FeatureChoice): FeatureSpec[] {
  return [
    ...BEHAVIOUR.map((feature): FeatureSpec => ({ name: feature.name, kind: 'NUMERIC' })),
    ...choice.interactionTypes.map((type): FeatureSpec => ({
      name: typeFeatureName(type),
      kind: 'NUMERIC',
    })),
    ...choice.attributes.map((attribute): FeatureSpec => ({
      name: attributeFeatureName(attribute.path),
      kind: attribute.kind,
    })),
  ];
}

/** The value at a dotted path of a customer's attributes. */
export function attributeValue(attributes: Record<string, unknown> | null, path: string): unknown {
  let value: unknown = attributes;
  for (const key of path.split('.')) {
    value =
      value !== null && typeof value === 'object'
        ? (value as Record<string, unknown>)[key]
        : undefined;
  }

  return value;
}

function attributeFeature(value: unknown, kind: AttributeFeature['kind']): RawValue {
  if (kind === 'NUMERIC') {
    return typeof value === 'number' && Number.isFinite(value) ? value : null;
  }

  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : null;
}

// A choice's names, built once: training names every row's features by them.
const namesByChoice = new WeakMap<FeatureChoice, readonly string[]>();

/** The feature names of a choice, in model order (featureSpecs' names). */
export function featureNames(choice: FeatureChoice): readonly string[] {
  let names = namesByChoice.get(choice);
  if (!names) {
    names = featureSpecs(choice).map((spec) => spec.name);
    namesByChoice.set(choice, names);
  }

  return names;
}

/**
 * One customer's features as people read them (raw days, counts and money), in model order:
 * `values[i]` is `featureNames(choice)[i]`'s. A scoring pass reads every customer this way, with
 * no record of named keys per customer.
 */
export function featureValues(
  row: SnapshotAggregates,
  snapshot: Date,
  choice: FeatureChoice,
): RawValue[] {
  const values: RawValue[] = [];
  for (const feature of BEHAVIOUR) {
    values.push(feature.read(row, snapshot));
  }
  choice.interactionTypes.forEach((_, index) => values.push(row.types90[index]));
  for (const attribute of choice.attributes) {
    values.push(attributeFeature(attributeValue(row.attributes, attribute.path), attribute.kind));
  }

  return values;
}

/** One customer's features as people read them, by name. */
export function rawFeatures(
  row: SnapshotAggregates,
  snapshot: Date,
  choice: FeatureChoice,
): Record<string, RawValue> {
  const values = featureValues(row, snapshot, choice);
  const features: Record<string, RawValue> = {};
  featureNames(choice).forEach((name, index) => {
    features[name] = values[index];
  });

  return features;
}

/** Behaviour features the model reads through log1p (interaction-type counts are all logged). */
const LOGGED = new Set(
  BEHAVIOUR.filter((feature) => feature.transform === 'log1p').map((feature) => feature.name),
);

/** Whether the model reads feature `name` through log1p. */
export const readThroughLog1p = (name: string): boolean =>
  LOGGED.has(name) || name.startsWith(TYPE_PREFIX);

/** A raw value as the model reads it: heavy-tailed counts and money through log1p. */
export const modelInput = (value: RawValue, logged: boolean): RawValue =>
  logged && typeof value === 'number' ? Math.log1p(Math.max(0, value)) : value;

/** The features as the model reads them: heavy-tailed counts and money through log1p. */
export function modelInputs(raw: Readonly<Record<string, RawValue>>): Record<string, RawValue> {
  const inputs: Record<string, RawValue> = {};
  for (const name in raw) {
    inputs[name] = modelInput(raw[name], readThroughLog1p(name));
  }

  return inputs;
}
