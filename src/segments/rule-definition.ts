import type { Channel } from '../interactions/channel';
import type { PredictionKind } from '../predictions/prediction-kind';
import type { LifecycleStage } from './lifecycle-stage';
import type { RfmGroup } from './rfm-group';

// The rule language of RULE segments as stored in `segments.definition` (JSON, versioned).
// rule-tree.ts validates input into these types; rule-sql.ts compiles them.

export const DEFINITION_VERSION = 1;

export type Operator =
  | 'EQ'
  | 'NEQ'
  | 'IN'
  | 'NOT_IN'
  | 'GT'
  | 'GTE'
  | 'LT'
  | 'LTE'
  | 'BETWEEN'
  | 'CONTAINS'
  | 'STARTS_WITH'
  | 'IS_SET'
  | 'IS_NOT_SET';
export type Scalar = string | number | boolean;
export type ProfileField =
  'COUNTRY' | 'CITY' | 'GENDER' | 'AGE' | 'SIGNED_UP_AT' | 'CONSENT' | 'ATTRIBUTE';
export type AttributeType = 'STRING' | 'NUMBER' | 'BOOLEAN' | 'DATE';
export type Occurrence = 'COUNT' | 'NONE' | 'FIRST' | 'LAST';
export type CountComparison = 'AT_LEAST' | 'AT_MOST' | 'EXACTLY';
export type TimeRelation = 'BEFORE' | 'AFTER';
export type ValueMetric =
  | 'ORDER_COUNT'
  | 'TOTAL_SPENT'
  | 'AVERAGE_ORDER_VALUE'
  | 'DAYS_SINCE_LAST_ORDER'
  | 'DAYS_SINCE_LAST_INTERACTION';

/** `lastDays`: from now minus that many days up to now; `from`/`to`: ISO instants, `to` excluded. */
export type RuleWindow = { lastDays: number } | { from: string; to: string };

export interface ProfileCondition {
  field: ProfileField;
  operator: Operator;
  value?: Scalar;
  /** IN / NOT_IN: the list; BETWEEN: `[low, high]`, both included. */
  values?: Scalar[];
  /** ATTRIBUTE: dotted path into `customers.attributes`, e.g. `loyalty.tier`. */
  path?: string;
  /** ATTRIBUTE: which JSON values count; values of another JSON type count as absent. */
  type?: AttributeType;
  /** CONSENT: the channel whose consent is compared (GRANTED / DENIED). */
  channel?: Channel;
}

export interface BehaviourCondition {
  channel?: Channel;
  type?: string;
  property?: { path: string; equals: Scalar };
  occurrence: Occurrence;
  comparison?: CountComparison;
  times?: number;
  window?: RuleWindow;
  relation?: TimeRelation;
  at?: string;
  daysAgo?: number;
}

export interface ValueCondition {
  metric: ValueMetric;
  operator: Operator;
  value?: number;
  values?: number[];
  window?: RuleWindow;
}

export interface IntRange {
  min?: number;
  max?: number;
}

export interface MembershipCondition {
  segmentId: number;
  isMember: boolean;
}

export interface RfmCondition {
  groups?: RfmGroup[];
  r?: IntRange;
  f?: IntRange;
  m?: IntRange;
}

export interface LifecycleCondition {
  stages: LifecycleStage[];
}

/** Bounds of a range, both included; at least one is given. */
export interface NumberRange {
  min?: number;
  max?: number;
}

/** The customer's latest prediction of `kind`: exactly one of `score` and `decile` is set. */
export interface PredictionCondition {
  kind: PredictionKind;
  /** A probability (CHURN, PROPENSITY) or an amount (CLV). */
  score?: NumberRange;
  /** 1 (lowest tenth of scores) to 10 (highest). */
  decile?: IntRange;
}

export type RuleNode =
  | { all: RuleNode[] }
  | { any: RuleNode[] }
  | { not: RuleNode }
  | { profile: ProfileCondition }
  | { behaviour: BehaviourCondition }
  | { value: ValueCondition }
  | { membership: MembershipCondition }
  | { rfm: RfmCondition }
  | { lifecycle: LifecycleCondition }
  | { prediction: PredictionCondition };

export interface SegmentDefinition {
  version: typeof DEFINITION_VERSION;
  root: RuleNode;
}
