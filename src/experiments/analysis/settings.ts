import { badInput } from '../../errors';

// The knobs of an analysis, their defaults and their checks. Results echo the applied settings
// so that every number can be reproduced.

/** Which evidence the decision uses. */
export type DecisionMethod = 'FREQUENTIST' | 'SEQUENTIAL' | 'BAYESIAN';
/** Correction of goal p-values for testing several metrics × treatments at once. */
export type Correction = 'HOLM' | 'BENJAMINI_HOCHBERG' | 'NONE';
/** TWO_SIDED tests for any difference; ONE_SIDED tests goals for improvement, guardrails for harm. */
export type Sidedness = 'TWO_SIDED' | 'ONE_SIDED';

/** Settings as applied; see README "Reading results" for what each changes. */
export interface AnalysisSettings {
  alpha: number;
  sidedness: Sidedness;
  method: DecisionMethod;
  correction: Correction;
  /** Total units at which the confidence sequence is tightest. */
  sequentialTuningN: number;
  /** Use the CUPED-adjusted estimate where a metric has a covariate. */
  cuped: boolean;
  /** Optional Gaussian prior on the relative lift (mean, standard deviation). */
  priorMean: number | null;
  priorSd: number | null;
  /** Bayesian: chance to be better needed to call a winner (its complement calls a loser). */
  chanceToWinThreshold: number;
  /** Below this many exposed customers in a variant the decision waits. */
  minimumSamplePerVariant: number;
  /** Power used for the minimum detectable effect now. */
  power: number;
  /** Relative effect whose detection power is reported (0.05 = a 5 % lift). */
  targetRelativeEffect: number;
}

export const DEFAULT_SETTINGS: AnalysisSettings = {
  alpha: 0.05,
  sidedness: 'TWO_SIDED',
  method: 'SEQUENTIAL',
  correction: 'HOLM',
  sequentialTuningN: 5000,
  cuped: true,
  priorMean: null,
  priorSd: null,
  chanceToWinThreshold: 0.95,
  minimumSamplePerVariant: 100,
  power: 0.8,
  targetRelativeEffect: 0.05,
};

const inOpenUnit = (x: number) => Number.isFinite(x) && x > 0 && x < 1;

/** Defaults filled in and every value checked (BAD_USER_INPUT naming `settings.<field>`). */
export function applySettings(input: Partial<AnalysisSettings> = {}): AnalysisSettings {
  const given = Object.fromEntries(
    Object.entries(input).filter(([, value]) => value !== undefined && value !== null),
  );
  const settings: AnalysisSettings = { ...DEFAULT_SETTINGS, ...given };
  const fail = (field: keyof AnalysisSettings, rule: string) => {
    throw badInput(`${rule}, got ${settings[field]}`, `settings.${field}`);
  };
  if (!(inOpenUnit(settings.alpha) && settings.alpha <= 0.5)) {
    fail('alpha', 'must be in (0, 0.5]');
  }
  // Below 0.5, z₁₋β is negative and the MDE (z + z₁₋β)·se can fall to 0 or below: the same
  // bound as planExperiment's.
  if (!(settings.power >= 0.5 && settings.power < 1)) {
    fail('power', 'must be in [0.5, 1)');
  }
  if (!(settings.chanceToWinThreshold >= 0.5 && settings.chanceToWinThreshold < 1)) {
    fail('chanceToWinThreshold', 'must be in [0.5, 1)');
  }
  if (!(Number.isFinite(settings.sequentialTuningN) && settings.sequentialTuningN >= 10)) {
    fail('sequentialTuningN', 'must be at least 10');
  }
  if (!(
    Number.isInteger(settings.minimumSamplePerVariant) && settings.minimumSamplePerVariant >= 2
  )) {
    fail('minimumSamplePerVariant', 'must be a whole number of at least 2');
  }
  if (!(settings.targetRelativeEffect > 0 && Number.isFinite(settings.targetRelativeEffect))) {
    fail('targetRelativeEffect', 'must be positive');
  }
  if ((settings.priorMean === null) !== (settings.priorSd === null)) {
    fail('priorSd', 'a prior needs both priorMean and priorSd');
  }
  if (settings.priorSd !== null && !(settings.priorSd > 0 && Number.isFinite(settings.priorSd))) {
    fail('priorSd', 'must be positive');
  }

  return settings;
}
