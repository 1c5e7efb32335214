import type { AuthCheckerFn } from 'type-graphql';
import { PulseError } from '../errors';
import type { PulseContext } from '../graphql/context';
import type { Role } from './principal';

/**
 * The one authorization rule: a field marked `@Authorized(...roles)` needs a principal whose
 * role is listed. No principal → UNAUTHENTICATED; a principal without the role → FORBIDDEN.
 */
export const authChecker: AuthCheckerFn<PulseContext, Role> = ({ context }, roles) => {
  const { principal } = context;
  if (!principal) {
    throw new PulseError(
      'UNAUTHENTICATED',
      'An API key is required: send Authorization: Bearer <key>',
    );
  }
  if (roles.length > 0 && !roles.includes(principal.role)) {
    throw new PulseError('FORBIDDEN', `The ${principal.role} role may not do this`);
  }

  return true;
};
