import { badInput } from '../errors';
import { CHANNELS } from '../interactions/channel';
import type { MetricDefinition, OutcomeMeasure, VariantDefinition } from './experiment-definition';

// Checks of an experiment's definition that need more than the GraphQL input's shape. Pure;
// each error names the offending field as a path into the mutation's input.

const KEY = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const MAX_VARIANTS = 10;
const MAX_METRICS = 20;
const MAX_WINDOW_DAYS = 365;
/**
 * The largest amount an order holds (DECIMAL(12,2)); a cost per customer above it is a typo,
 * and a huge one overflows the campaign return to Infinity, which no result can report.
 */
const MAX_COST_PER_CUSTOMER = 9_999_999_999.99;

/** Throws BAD_USER_INPUT unless `key` is a valid experiment, variant or metric key. */
export function checkKey(key: string, field: string): void {
  if (!KEY.test(key)) {
    throw badInput(`"${key}" must match ${KEY.source}`, field);
  }
}

/** Throws BAD_USER_INPUT unless the share is in (0, 1]. */
export function checkTrafficShare(share: number, field: string): void {
  if (!(share > 0 && share <= 1)) {
    throw badInput(`must be greater than 0 and at most 1, got ${share}`, field);
  }
}

/**
 * Two to ten variants, unique keys, exactly one control, positive weights with a finite sum
 * (assignment spreads customers over the sum: an infinite one sends everyone to the last
 * variant), costs from 0 to the largest order amount.
 */
export function checkVariants(variants: readonly VariantDefinition[], field: string): void {
  if (variants.length < 2 || variants.length > MAX_VARIANTS) {
    throw badInput(`needs 2 to ${MAX_VARIANTS} variants, got ${variants.length}`, field);
  }
  const seen = new Set<string>();
  variants.forEach((variant, i) => {
    const at = `${field}[${i}]`;
    checkKey(variant.key, `${at}.key`);
    if (seen.has(variant.key)) {
      throw badInput(`variant key "${variant.key}" is used twice`, `${at}.key`);
    }
    seen.add(variant.key);
    if (!(variant.weight > 0 && Number.isFinite(variant.weight))) {
      throw badInput(`must be a positive number, got ${variant.weight}`, `${at}.weight`);
    }
    const cost = variant.costPerCustomer;
    if (cost !== null && !(cost >= 0 && cost <= MAX_COST_PER_CUSTOMER)) {
      throw badInput(
        `must be from 0 to ${MAX_COST_PER_CUSTOMER}, got ${cost}`,
        `${at}.costPerCustomer`,
      );
    }
  });
  const totalWeight = variants.reduce((sum, variant) => sum + variant.weight, 0);
  if (!Number.isFinite(totalWeight)) {
    throw badInput('the weights add up to more than a number can hold', field);
  }
  const controls = variants.filter((variant) => variant.isControl).length;
  if (controls !== 1) {
    throw badInput(`needs exactly one control variant, got ${controls}`, field);
  }
}

/** One to twenty metrics with unique keys, at least one GOAL, each consistent with its kind. */
export function checkMetrics(metrics: readonly MetricDefinition[], field: string): void {
  if (metrics.length < 1 || metrics.length > MAX_METRICS) {
    throw badInput(`needs 1 to ${MAX_METRICS} metrics, got ${metrics.length}`, field);
  }
  if (!metrics.some((metric) => metric.role === 'GOAL')) {
    throw badInput('needs at least one GOAL metric', field);
  }
  const seen = new Set<string>();
  metrics.forEach((metric, i) => {
    const at = `${field}[${i}]`;
    checkKey(metric.key, `${at}.key`);
    if (seen.has(metric.key)) {
      throw badInput(`metric key "${metric.key}" is used twice`, `${at}.key`);
    }
    seen.add(metric.key);
    const window = metric.windowDays;
    if (!(Number.isInteger(window) && window >= 1 && window <= MAX_WINDOW_DAYS)) {
      throw badInput(
        `must be a whole number of days from 1 to ${MAX_WINDOW_DAYS}`,
        `${at}.windowDays`,
      );
    }
    if ((metric.kind === 'RATIO') !== (metric.denominator !== null)) {
      throw badInput(
        metric.kind === 'RATIO'
          ? 'a RATIO metric needs a denominator'
          : `a ${metric.kind} metric has no denominator`,
        `${at}.denominator`,
      );
    }
    if (metric.kind === 'RATIO' && metric.cuped) {
      throw badInput('CUPED applies to PROPORTION and MEAN metrics only', `${at}.cuped`);
    }
    checkMeasure(metric.numerator, `${at}.numerator`);
    if (metric.denominator) {
      checkMeasure(metric.denominator, `${at}.denominator`);
    }
  });
}

function checkMeasure(measure: OutcomeMeasure, field: string): void {
  if (measure.source === 'ORDERS') {
    for (const filter of ['types', 'channel'] as const) {
      if (measure[filter] !== undefined) {
        throw badInput(`only INTERACTIONS measures take ${filter}`, `${field}.${filter}`);
      }
    }
  }
  if (measure.source === 'INTERACTIONS' && measure.statuses !== undefined) {
    throw badInput('statuses apply to ORDERS only', `${field}.statuses`);
  }
  if (measure.channel !== undefined && !(CHANNELS as string[]).includes(measure.channel)) {
    throw badInput(`"${measure.channel}" is not a channel`, `${field}.channel`);
  }
  for (const list of ['types', 'statuses'] as const) {
    const values = measure[list];
    if (
      values !== undefined &&
      (values.length === 0 || values.some((value) => value.trim() === ''))
    ) {
      throw badInput('must list at least one non-empty value', `${field}.${list}`);
    }
  }
}
