import { PulseError } from '../errors';
import { uniqueViolation } from './dialect';

/**
 * Runs a write that may hit a unique key, and turns a hit into CONFLICT: the name or key is
 * taken. A create retried after its answer was lost meets the same CONFLICT, so a client can
 * tell "it exists" from bad input and look the object up instead of creating it twice.
 * `conflict` gets the index that was hit, for writes that can collide on more than one.
 */
export async function refuseTaken<T>(
  write: () => Promise<T>,
  conflict: (index: string) => { message: string; field: string },
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const index = uniqueViolation(error);
    if (index === null) {
      throw error;
    }
    const { message, field } = conflict(index);
    throw new PulseError('CONFLICT', message, field);
  }
}
