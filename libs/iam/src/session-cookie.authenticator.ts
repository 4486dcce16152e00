import { UnauthorizedError, type AuthenticationRequest, type Authenticator, type Caller } from '@mortise/api';
import type { AccessTokenService } from './access-token.service.js';
import { secretsEqual } from './secret-digest.js';

export const SESSION_COOKIE = 'mortise_session';
/** Readable by the console's script, which echoes it in `X-Mortise-CSRF`. */
export const CSRF_COOKIE = 'mortise_csrf';
export const CSRF_HEADER = 'x-mortise-csrf';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The session cookie's value. Read by hand rather than with the cookie
 * plugin's parser, so the authenticator works outside a Fastify app; the
 * value is a JWT (base64url and dots), which needs no decoding.
 */
export function sessionCookieOf(request: Pick<AuthenticationRequest, 'headers'>): string | undefined {
  const header = request.headers.cookie;
  if (typeof header !== 'string' || !header.includes(SESSION_COOKIE)) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === SESSION_COOKIE) return pair.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}

/**
 * The console's session cookie, carrying the same access token as a bearer
 * header would, so iframes, images and browser WebSockets authenticate. A
 * cross-site page cannot read the CSRF value, so an unsafe method must echo
 * it in `X-Mortise-CSRF`.
 */
export class SessionCookieAuthenticator implements Authenticator {
  constructor(private readonly tokens: AccessTokenService) {}

  authenticate(request: AuthenticationRequest): Caller | undefined {
    const token = sessionCookieOf(request);
    if (token === undefined) return undefined;
    const caller = this.tokens.verifyCookie(token);
    if (!SAFE_METHODS.has(request.method)) {
      const presented = request.headers[CSRF_HEADER];
      if (typeof presented !== 'string' || !secretsEqual(presented, this.tokens.csrfFor(token))) {
        throw new UnauthorizedError(
          `a request authenticated by the session cookie must send the ${CSRF_HEADER} header`,
        );
      }
    }
    return caller;
  }
}
