import jwt from 'jsonwebtoken';
import { AUTHENTICATED_GROUP, UnauthorizedError, type Caller, type UserInfo } from '@mortise/api';
import type { IamConfig } from './iam-config.js';
import type { IdentityView } from './identity-view.js';
import { randomToken, sha256Hex } from './secret-digest.js';
import { SYSTEM_CLOCK, type Clock } from './clock.js';
import type { SigningKeyService } from './signing-key.service.js';
import { VerifiedTokenCache } from './verified-token-cache.js';

/** The only audience the kernel accepts. */
export const TOKEN_AUDIENCE = 'mortise';

export interface AccessTokenClaims {
  iss: string;
  sub: string;
  aud: string;
  azp: string;
  uid: string;
  groups: string[];
  sid: string;
  jti: string;
  iat: number;
  exp: number;
}

export interface IssuedAccessToken {
  token: string;
  jti: string;
  expiresIn: number;
}

/** A token whose signature and claims were checked; revocation is checked at every use. */
export interface VerifiedToken {
  caller: Caller;
  sid: string;
  expiresAt: number;
  /** Derived on first use by the session-cookie path. */
  csrf?: string;
  /** The caller as the session cookie presents it; one object per token, so authorization's per-caller cache holds. */
  cookieCaller?: Caller;
}

/** Allowed clock skew for `iat`/`nbf`/`exp`, in seconds. */
const CLOCK_SKEW_SECONDS = 30;

/**
 * Issues and verifies the kernel's access tokens (ES256 JWTs). Verification
 * takes the algorithm from the key named by `kid`, never from the token, so
 * `alg: none` and HS256-signed-with-the-public-key are refused. A verified
 * token is cached until its `exp`; each hit still checks the session and the
 * user (or service identity) against the IdentityView, so revocation applies
 * on the next request.
 */
export class AccessTokenService {
  private readonly cache: VerifiedTokenCache<VerifiedToken>;

  constructor(
    private readonly keys: SigningKeyService,
    private readonly identities: IdentityView,
    private readonly config: IamConfig,
    private readonly clock: Clock = SYSTEM_CLOCK,
  ) {
    this.cache = new VerifiedTokenCache(config.tokenCacheMaxEntries);
  }

  issue(user: UserInfo, clientId: string, sid: string, ttlSeconds: number): IssuedAccessToken {
    const key = this.keys.signingKey();
    const jti = randomToken(16);
    const iat = Math.floor(this.clock.now() / 1000);
    const token = jwt.sign(
      {
        iss: this.config.issuer,
        sub: user.username,
        aud: TOKEN_AUDIENCE,
        azp: clientId,
        uid: user.uid,
        groups: user.groups,
        sid,
        jti,
        iat,
        exp: iat + ttlSeconds,
      },
      key.privateKey,
      { algorithm: key.algorithm, keyid: key.kid },
    );
    return { token, jti, expiresIn: ttlSeconds };
  }

  /** The caller a token stands for; UnauthorizedError when it is forged, expired or revoked. */
  verify(token: string): Caller {
    return this.verifiedToken(token).caller;
  }

  /** The caller a session cookie's token stands for (`credential: 'cookie'`); same checks as `verify`. */
  verifyCookie(token: string): Caller {
    const entry = this.verifiedToken(token);
    entry.cookieCaller ??= { ...entry.caller, credential: 'cookie' };
    return entry.cookieCaller;
  }

  /** The CSRF value bound to a session cookie's token: only someone who can read the token can compute it. */
  csrfFor(token: string): string {
    const entry = this.verifiedToken(token);
    entry.csrf ??= sha256Hex(`mortise-csrf:${token}`).slice(0, 32);
    return entry.csrf;
  }

  /** Claims of a token without checking revocation (for /oauth/revoke, which must accept revoked ones). */
  claimsOf(token: string): AccessTokenClaims | undefined {
    try {
      return this.verifySignature(token);
    } catch {
      return undefined;
    }
  }

  /**
   * The caller of a token verified before, after the checks every use of a
   * token passes (session, user); undefined once it has expired, when it must
   * be verified again.
   */
  reverify(entry: VerifiedToken): Caller | undefined {
    if (entry.expiresAt <= this.clock.now()) return undefined;
    this.checkCurrent(entry);
    return entry.caller;
  }

  /**
   * A token verified as `verify` does, for a caller that keeps it (the bearer
   * strategy, per connection) and passes it to `reverify` later.
   */
  verifiedToken(token: string): VerifiedToken {
    const now = this.clock.now();
    let entry = this.cache.get(token, now);
    if (entry === undefined) {
      const claims = this.verifySignature(token);
      entry = {
        caller: {
          user: { username: claims.sub, uid: claims.uid, groups: [...claims.groups, AUTHENTICATED_GROUP] },
          credential: 'token',
          credentialId: claims.jti,
          clientId: claims.azp,
        },
        sid: claims.sid,
        expiresAt: claims.exp * 1000,
      };
      this.cache.set(token, entry);
    }
    this.checkCurrent(entry);
    return entry;
  }

  /** What every use of a token checks, cached or not: revocation applies on the next request. */
  private checkCurrent(entry: VerifiedToken): void {
    if (this.identities.isSessionRevoked(entry.sid)) throw new UnauthorizedError('the token has been revoked');
    if (!this.identities.activeIdentity(entry.caller.user.username, entry.caller.user.uid)) {
      throw new UnauthorizedError(
        'the token belongs to a user who is disabled or no longer exists, or to a client whose secret was replaced',
      );
    }
  }

  private verifySignature(token: string): AccessTokenClaims {
    const decoded = jwt.decode(token, { complete: true });
    const kid = decoded?.header.kid;
    const key = kid === undefined ? undefined : this.keys.find(kid);
    if (!key) throw new UnauthorizedError('the token is malformed or signed by an unknown key');
    let claims: unknown;
    try {
      claims = jwt.verify(token, key.publicKey, {
        algorithms: [key.algorithm],
        audience: TOKEN_AUDIENCE,
        issuer: this.config.issuer,
        clockTimestamp: Math.floor(this.clock.now() / 1000),
        clockTolerance: CLOCK_SKEW_SECONDS,
      });
    } catch (err) {
      const expired = err instanceof jwt.TokenExpiredError;
      throw new UnauthorizedError(expired ? 'the token has expired' : 'the token is invalid');
    }
    if (!isAccessTokenClaims(claims) || claims.iat > this.clock.now() / 1000 + CLOCK_SKEW_SECONDS) {
      throw new UnauthorizedError('the token is invalid');
    }
    return claims;
  }
}

function isAccessTokenClaims(value: unknown): value is AccessTokenClaims {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Record<string, unknown>;
  return (
    typeof c.sub === 'string' &&
    typeof c.uid === 'string' &&
    typeof c.sid === 'string' &&
    typeof c.jti === 'string' &&
    typeof c.azp === 'string' &&
    typeof c.exp === 'number' &&
    typeof c.iat === 'number' &&
    Array.isArray(c.groups) &&
    c.groups.every((g) => typeof g === 'string')
  );
}
