import { badInput } from '../errors';
import { checkKey } from '../experiments/experiment-input';
import type { ActionObjective } from './next-best-action';

// Checks of an action's definition beyond the GraphQL input's shape. Pure; each error names the
// offending field as a path into the mutation's input.

/** Longest contact window a cap may look back over. */
export const MAX_CONTACT_WINDOW_DAYS = 365;

/** An action's definition as the service stores it (ids decoded). */
export interface ActionDefinition {
  name: string;
  description: string | null;
  objective: ActionObjective;
  channel: string;
  costPerContact: number;
  incentiveCost: number;
  effect: number;
  segmentId: number | null;
  contactType: string | null;
  maxContacts: number | null;
  contactWindowDays: number | null;
  experimentId: number | null;
  variantKey: string | null;
  metricKey: string | null;
}

/** Throws BAD_USER_INPUT naming the first field of `definition` that cannot be used. */
export function checkActionDefinition(definition: ActionDefinition): void {
  // On update these inputs are nullable, as every omitted field is; an explicit null must not
  // reach the NOT NULL columns (an INTERNAL_SERVER_ERROR from the database).
  for (const field of ['name', 'objective', 'channel'] as const) {
    if (definition[field] === null) {
      throw badInput('cannot be null; omit it to keep the current value', `input.${field}`);
    }
  }
  checkNonNegative(definition.costPerContact, 'input.costPerContact');
  checkNonNegative(definition.incentiveCost, 'input.incentiveCost');
  checkEffect(definition.effect, 'input.effect');
  checkCap(definition);
  checkMeasurement(definition);
}

export function checkActionKey(key: string): void {
  checkKey(key, 'input.key');
}

/** Throws BAD_USER_INPUT unless the effect is in (0, 1]. */
export function checkEffect(effect: number, field: string): void {
  if (!(effect > 0 && effect <= 1)) {
    throw badInput(`must be greater than 0 and at most 1, got ${effect}`, field);
  }
}

function checkNonNegative(value: number, field: string): void {
  if (!(Number.isFinite(value) && value >= 0)) {
    throw badInput(`must be a finite number ≥ 0, got ${value}`, field);
  }
}

// A cap needs all three parts; a half-defined cap would silently cap nobody.
function checkCap(definition: ActionDefinition): void {
  const { contactType, maxContacts, contactWindowDays } = definition;
  const given = [contactType, maxContacts, contactWindowDays].filter((v) => v !== null).length;
  if (given === 0) {
    return;
  }
  if (contactType === null || contactType.trim() === '') {
    throw badInput(
      'a contact cap needs contactType, maxContacts and contactWindowDays',
      'input.contactType',
    );
  }
  if (maxContacts === null || !Number.isInteger(maxContacts) || maxContacts < 1) {
    throw badInput(
      `must be an integer ≥ 1 with a contact cap, got ${maxContacts}`,
      'input.maxContacts',
    );
  }
  if (
    contactWindowDays === null ||
    !Number.isInteger(contactWindowDays) ||
    contactWindowDays < 1 ||
    contactWindowDays > MAX_CONTACT_WINDOW_DAYS
  ) {
    throw badInput(
      `must be an integer from 1 to ${MAX_CONTACT_WINDOW_DAYS} with a contact cap, got ${contactWindowDays}`,
      'input.contactWindowDays',
    );
  }
}

// The experiment that measures the effect is named by all three of its parts or not at all.
function checkMeasurement(definition: ActionDefinition): void {
  const { experimentId, variantKey, metricKey } = definition;
  if (experimentId === null && variantKey === null && metricKey === null) {
    return;
  }
  if (experimentId === null) {
    throw badInput('variantKey and metricKey need an experimentId', 'input.experimentId');
  }
  if (variantKey === null) {
    throw badInput('an experiment needs the treatment variantKey', 'input.variantKey');
  }
  if (metricKey === null) {
    throw badInput('an experiment needs the metricKey the effect is read from', 'input.metricKey');
  }
}
