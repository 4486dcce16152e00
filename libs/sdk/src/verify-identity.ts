import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  jwtVerify,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
} from 'jose';
import { UnauthorizedError } from '@mortise/api';

/** The header the gateway puts the identity token in. */
export const IDENTITY_HEADER = 'x-mortise-identity';
/** The JOSE `typ` of identity tokens; access tokens and other JWTs are refused. */
export const IDENTITY_TOKEN_TYPE = 'mortise-identity+jwt';

/** Who is calling, as the kernel vouches for it. */
export interface VerifiedIdentity {
  username: string;
  uid: string;
  groups: string[];
  /** Workspace of the request path, when it had one (the kernel authorized the caller there). */
  workspace?: string;
  /** Project of the request path, when it had one. */
  project?: string;
  audience: string;
  issuer: string;
  expiresAt: Date;
}

export interface IdentityVerifierOptions {
  /** The kernel's issuer URL; tokens must carry it as `iss`. */
  issuer: string;
  /** What this service answers to: `ext:<extension>`, or the APIService/ReverseProxy name. */
  audience: string;
  /** The kernel's JWKS, normally `<issuer>/oauth/keys`. Fetched once and refreshed when an unknown `kid` appears. */
  jwksUrl?: string | URL;
  /** A fixed key set instead of `jwksUrl` (tests, air-gapped installs). */
  jwks?: JSONWebKeySet;
  /** Allowed clock difference with the kernel. Default 30 s. */
  clockToleranceSeconds?: number;
}

type HeaderBag = Record<string, string | string[] | undefined> | { get(name: string): string | null };

export type IdentityVerifier = (tokenOrHeaders: string | HeaderBag) => Promise<VerifiedIdentity>;

function tokenFrom(input: string | HeaderBag): string | undefined {
  if (typeof input === 'string') return input;
  if (typeof (input as { get?: unknown }).get === 'function') {
    return (input as { get(name: string): string | null }).get(IDENTITY_HEADER) ?? undefined;
  }
  const value = (input as Record<string, string | string[] | undefined>)[IDENTITY_HEADER];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Builds a verifier for the `X-Mortise-Identity` token the gateway adds to
 * every request it proxies. The token is an ES256 JWT signed with the
 * kernel's keys; the verifier checks signature (by `kid`, against the
 * kernel's JWKS), `typ`, `iss`, `aud` and expiry, and returns the caller.
 * Trust this, never `X-Remote-*` alone, when the service is reachable by
 * anything other than the gateway. Throws UnauthorizedError otherwise.
 */
export function createIdentityVerifier(options: IdentityVerifierOptions): IdentityVerifier {
  let keys: JWTVerifyGetKey;
  if (options.jwks) keys = createLocalJWKSet(options.jwks);
  else if (options.jwksUrl) keys = createRemoteJWKSet(new URL(options.jwksUrl), { cooldownDuration: 30_000 });
  else throw new Error("createIdentityVerifier needs jwksUrl (the kernel's /oauth/keys) or jwks");
  const tolerance = options.clockToleranceSeconds ?? 30;

  return async (input) => {
    const token = tokenFrom(input);
    if (!token)
      throw new UnauthorizedError(`request has no ${IDENTITY_HEADER} header; it did not come through the gateway`);
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: options.issuer,
        audience: options.audience,
        typ: IDENTITY_TOKEN_TYPE,
        algorithms: ['ES256', 'ES384', 'EdDSA', 'RS256'],
        clockTolerance: tolerance,
        requiredClaims: ['sub', 'exp', 'iat'],
      });
      const groups = Array.isArray(payload.groups)
        ? payload.groups.filter((g): g is string => typeof g === 'string')
        : [];
      return {
        username: payload.sub!,
        uid: typeof payload.uid === 'string' ? payload.uid : '',
        groups,
        ...(typeof payload.ws === 'string' ? { workspace: payload.ws } : {}),
        ...(typeof payload.prj === 'string' ? { project: payload.prj } : {}),
        audience: options.audience,
        issuer: options.issuer,
        expiresAt: new Date(payload.exp! * 1000),
      };
    } catch (err) {
      const why = err instanceof errors.JOSEError ? err.code : 'unreadable token';
      throw new UnauthorizedError(`identity token rejected (${why})`);
    }
  };
}

const verifiers = new Map<string, IdentityVerifier>();

/** One-call form of createIdentityVerifier; verifiers (and their key caches) are reused per options. */
export function verifyIdentity(
  tokenOrHeaders: string | HeaderBag,
  options: IdentityVerifierOptions,
): Promise<VerifiedIdentity> {
  const key = JSON.stringify([options.issuer, options.audience, String(options.jwksUrl ?? ''), options.jwks ?? null]);
  let verifier = verifiers.get(key);
  if (!verifier) {
    verifier = createIdentityVerifier(options);
    verifiers.set(key, verifier);
  }
  return verifier(tokenOrHeaders);
}
