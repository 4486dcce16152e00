import { ANONYMOUS_CALLER, type AuthenticationRequest, type Authenticator, type Caller } from '@mortise/api';

/**
 * Asks each credential strategy in order; the first that recognises its
 * credential decides. None matched → the anonymous caller, which
 * authorization then judges like anyone else. An invalid credential throws
 * UnauthorizedError from the strategy and is not retried as anonymous.
 * Synchronous while the strategies answer synchronously (a cached token
 * does), so a request needs no promise to be authenticated.
 */
export function authenticate(
  authenticators: readonly Authenticator[],
  request: AuthenticationRequest,
): Caller | Promise<Caller> {
  for (let i = 0; i < authenticators.length; i++) {
    const caller = authenticators[i]?.authenticate(request);
    if (caller instanceof Promise) return settle(authenticators, request, i + 1, caller);
    if (caller) return caller;
  }
  return ANONYMOUS_CALLER;
}

async function settle(
  authenticators: readonly Authenticator[],
  request: AuthenticationRequest,
  next: number,
  pending: Promise<Caller | undefined>,
): Promise<Caller> {
  const caller = await pending;
  return caller ?? authenticate(authenticators.slice(next), request);
}
