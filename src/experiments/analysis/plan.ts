import { PulseError, badInput } from '../../errors';
import { meanSampleSize, proportionSampleSize, type SampleSizePlan } from '../stats/sample-size';

/** What planExperiment is asked. */
export interface PlanRequest {
  kind: 'PROPORTION' | 'MEAN' | 'RATIO';
  baselineRate: number | null;
  sd: number | null;
  baselineMean: number | null;
  mde: number;
  mdeType: 'ABSOLUTE' | 'RELATIVE';
  alpha: number;
  power: number;
  variants: number;
}

export interface Plan {
  nPerVariantRaw: number;
  nPerVariant: number;
  nTotal: number;
  mdeAbsolute: number;
  dailyEntrants: number;
  expectedDays: number | null;
}

// The planners name their own parameters; the API's client sent `input.<field>`.
const INPUT_FIELDS: Record<string, string> = {
  baselineRate: 'input.baselineRate',
  alpha: 'input.alpha',
  power: 'input.power',
  mde: 'input.mde',
  delta: 'input.mde',
  sd: 'input.sd',
  arms: 'input.variants',
};

/**
 * Sample size per variant (Evan Miller for proportions, normal approximation for means).
 * Throws BAD_USER_INPUT naming the `input.<field>` at fault.
 */
export function planSampleSize(request: PlanRequest, dailyEntrants: number): Plan {
  try {
    return plan(request, dailyEntrants);
  } catch (error) {
    const field = error instanceof PulseError && error.field && INPUT_FIELDS[error.field];
    throw field ? new PulseError(error.code, error.message, field, error.details) : error;
  }
}

/** The largest GraphQL Int: nPerVariant, nTotal and expectedDays are Ints. */
const MAX_INT = 2 ** 31 - 1;

function plan(request: PlanRequest, dailyEntrants: number): Plan {
  checkRequest(request);
  const sized = sampleSize(request);
  // A plan so large that its counts overflow an Int cannot be answered (GraphQL would fail the
  // whole query with INTERNAL_SERVER_ERROR): the effect asked for is too small to detect.
  if (!(Number.isFinite(sized.nPerVariantRaw) && sized.nTotal <= MAX_INT)) {
    throw badInput(
      `the effect is too small: detecting it needs more than ${MAX_INT} customers`,
      'input.mde',
    );
  }
  // Traffic so thin that the days overflow an Int is, for planning, no traffic.
  const days = dailyEntrants > 0 ? Math.ceil(sized.nTotal / dailyEntrants) : null;

  return { ...sized, dailyEntrants, expectedDays: days !== null && days <= MAX_INT ? days : null };
}

/**
 * The checks the planners do not make: the analysis's own bound on alpha (it refuses α > 0.5,
 * so a plan for one would plan a test that cannot be run), power of at least 0.5 (below it
 * z₁₋β < 0 and the closed forms can fall to zero customers or grow as power falls), and the
 * number of variants and a finite baselineMean.
 */
function checkRequest(request: PlanRequest): void {
  if (!(Number.isInteger(request.variants) && request.variants >= 2 && request.variants <= 10)) {
    throw badInput('must be a whole number from 2 to 10', 'input.variants');
  }
  if (!(request.alpha > 0 && request.alpha <= 0.5)) {
    throw badInput(`must be greater than 0 and at most 0.5, got ${request.alpha}`, 'input.alpha');
  }
  if (!(request.power >= 0.5 && request.power < 1)) {
    throw badInput(`must be at least 0.5 and less than 1, got ${request.power}`, 'input.power');
  }
  if (request.baselineMean !== null && !Number.isFinite(request.baselineMean)) {
    throw badInput(`must be a finite number, got ${request.baselineMean}`, 'input.baselineMean');
  }
}

/** Customers per variant and in all, and the MDE in absolute units. */
function sampleSize(
  request: PlanRequest,
): Pick<Plan, 'nPerVariantRaw' | 'nPerVariant' | 'nTotal' | 'mdeAbsolute'> {
  const common = { alpha: request.alpha, power: request.power, arms: request.variants };
  if (request.kind === 'PROPORTION') {
    if (request.baselineRate === null) {
      throw badInput('a PROPORTION plan needs baselineRate', 'input.baselineRate');
    }
    const plan = proportionSampleSize({
      ...common,
      baselineRate: request.baselineRate,
      mde: request.mde,
      mdeType: request.mdeType === 'ABSOLUTE' ? 'absolute' : 'relative',
    });

    return { ...counts(plan), mdeAbsolute: plan.deltaAbsolute };
  }
  if (request.sd === null) {
    throw badInput(`a ${request.kind} plan needs sd`, 'input.sd');
  }
  if (request.mdeType === 'RELATIVE' && !request.baselineMean) {
    throw badInput(
      'a RELATIVE effect on a mean needs a non-zero baselineMean',
      'input.baselineMean',
    );
  }
  const delta =
    request.mdeType === 'ABSOLUTE' ? request.mde : request.mde * (request.baselineMean as number);
  const plan = meanSampleSize({ ...common, sd: request.sd, delta });

  return { ...counts(plan), mdeAbsolute: Math.abs(delta) };
}

function counts(plan: SampleSizePlan): Pick<Plan, 'nPerVariantRaw' | 'nPerVariant' | 'nTotal'> {
  return {
    nPerVariantRaw: plan.nPerVariantRaw,
    nPerVariant: plan.nPerVariant,
    nTotal: plan.nTotal,
  };
}
