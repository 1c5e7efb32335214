import { PulseError } from '../errors';

// What an experiment is, as plain data: its lifecycle, its metrics and what each metric
// measures. Pure: the entities store these shapes and outcome SQL is built from them.

/** DRAFT → RUNNING → STOPPED → CONCLUDED; any status but ARCHIVED may be ARCHIVED. */
export type ExperimentStatus = 'DRAFT' | 'RUNNING' | 'STOPPED' | 'CONCLUDED' | 'ARCHIVED';

const NEXT_STATUSES: Record<ExperimentStatus, readonly ExperimentStatus[]> = {
  DRAFT: ['RUNNING', 'ARCHIVED'],
  RUNNING: ['STOPPED', 'ARCHIVED'],
  STOPPED: ['CONCLUDED', 'ARCHIVED'],
  CONCLUDED: ['ARCHIVED'],
  ARCHIVED: [],
};

/** Throws BAD_USER_INPUT (field `status`) unless `from → to` is an allowed move. */
export function checkTransition(from: ExperimentStatus, to: ExperimentStatus): void {
  if (!NEXT_STATUSES[from].includes(to)) {
    throw new PulseError(
      'BAD_USER_INPUT',
      `cannot move an experiment from ${from} to ${to}`,
      'status',
      {
        from,
        to,
        allowed: NEXT_STATUSES[from],
      },
    );
  }
}

/** GOAL metrics decide; a losing GUARDRAIL vetoes; SECONDARY ones are only reported. */
export type MetricRole = 'GOAL' | 'GUARDRAIL' | 'SECONDARY';

/**
 * PROPORTION: 1 when the customer has at least one matching row in the window, else 0.
 * MEAN: the measure's value per customer (0 without rows).
 * RATIO: Σ numerator / Σ denominator over customers, analysed with the delta method.
 */
export type MetricKind = 'PROPORTION' | 'MEAN' | 'RATIO';

/**
 * What is counted or summed per customer within the metric's window after first exposure.
 * ORDERS: COUNT of orders or SUM of `amount`, of the given statuses (default PAID).
 * INTERACTIONS: COUNT of interactions or SUM of `value`, of the given types and channel.
 */
export interface OutcomeMeasure {
  source: 'ORDERS' | 'INTERACTIONS';
  aggregate: 'COUNT' | 'SUM';
  types?: string[];
  channel?: string;
  statuses?: string[];
}

/** A metric as analysis and outcome SQL see it. */
export interface MetricDefinition {
  key: string;
  name: string;
  role: MetricRole;
  kind: MetricKind;
  numerator: OutcomeMeasure;
  /** RATIO only. */
  denominator: OutcomeMeasure | null;
  /** Days after each customer's first exposure that count. */
  windowDays: number;
  /** Lower is better (e.g. refunds, unsubscribes, support tickets). */
  inverse: boolean;
  /** CUPED: the same measure over the `windowDays` before exposure is the covariate. */
  cuped: boolean;
}

/** A variant as stored: key, name, weight, control flag and optional campaign cost. */
export interface VariantDefinition {
  key: string;
  name: string;
  weight: number;
  isControl: boolean;
  /** Cost per targeted (exposed) customer, for campaign return; null when free. */
  costPerCustomer: number | null;
}
