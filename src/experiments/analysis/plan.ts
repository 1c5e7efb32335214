import { PulseError, badInput } from '../../errors';
import { meanSampleSize, proportionSampleSize } from '../stats/sample-size';

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

function plan(request: PlanRequest, dailyEntrants: number): Plan {
  const common = {
    alpha: request.alpha,
    power: request.power,
    arms: request.variants,
    dailyUnits: dailyEntrants > 0 ? dailyEntrants : undefined,
  };
  if (!(Number.isInteger(request.variants) && request.variants >= 2 && request.variants <= 10)) {
    throw badInput('must be a whole number from 2 to 10', 'input.variants');
  }
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

    return { ...plan, mdeAbsolute: plan.deltaAbsolute, dailyEntrants };
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

  return { ...plan, mdeAbsolute: Math.abs(delta), dailyEntrants };
}
