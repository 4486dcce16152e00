import { ANONYMOUS_CALLER, type AuthenticationRequest, type Authenticator, type Caller } from '@mortise/api';

/**
 * Asks each credential strategy in order; the first that recognises its
 * credential decides. None matched → the anonymous caller, which
 * authorization then judges like anyone else. An invalid credential throws
 * UnauthorizedError from the strategy and is not retried as anonymous.
 */
export async function authenticate(
  authenticators: readonly Authenticator[],
  request: AuthenticationRequest,
): Promise<Caller> {
  for (const authenticator of authenticators) {
    const caller = await authenticator.authenticate(request);
    if (caller) return caller;
  }
  return ANONYMOUS_CALLER;
}
