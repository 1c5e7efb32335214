/** Why two customer records may be one person. */
export enum DuplicateRule {
  EMAIL = 'EMAIL',
  PHONE = 'PHONE',
  NAME_AND_BIRTH_DATE = 'NAME_AND_BIRTH_DATE',
  NAME_AND_CITY = 'NAME_AND_CITY',
}

/** How likely one matching rule alone makes a pair the same person (0–1). */
export const RULE_CONFIDENCE: Readonly<Record<DuplicateRule, number>> = {
  [DuplicateRule.EMAIL]: 0.95,
  [DuplicateRule.PHONE]: 0.9,
  [DuplicateRule.NAME_AND_BIRTH_DATE]: 0.8,
  [DuplicateRule.NAME_AND_CITY]: 0.6,
};

/**
 * The confidence of a pair matched by `rules`, taking the rules as independent evidence:
 * 1 − Π(1 − cᵢ), rounded to 4 decimals. 0 for no rules.
 */
export function combinedConfidence(rules: readonly DuplicateRule[]): number {
  const missed = rules.reduce((product, rule) => product * (1 - RULE_CONFIDENCE[rule]), 1);

  return Math.round((1 - missed) * 10_000) / 10_000;
}
