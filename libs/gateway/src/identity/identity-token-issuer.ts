import type { UserInfo } from '@mortise/api';
import type { IdentityClaims, IdentityTokenSigner } from './identity-token-signer.js';

export interface IdentityTokenIssuerOptions {
  /** `iss`; a function when the kernel learns its address only once it listens. */
  issuer: string | (() => string);
  /** Token lifetime; upstreams must reject it after. */
  lifetimeSeconds?: number;
  /** A cached token is reissued once less than this much of its life is left. */
  refreshBeforeExpirySeconds?: number;
  maxEntries?: number;
  now?: () => number;
}

export interface IdentityScope {
  audience: string;
  workspace?: string;
  project?: string;
}

interface CachedToken {
  token: string;
  refreshAt: number;
}

/** Scopes remembered per user object before its little map starts over. */
const SCOPES_PER_USER = 64;

/**
 * Issues the `X-Mortise-Identity` token and caches it per (user, groups,
 * audience, workspace, project) for most of its lifetime, so a busy route
 * signs once a minute per user rather than once a request. Returns the token
 * synchronously on a cache hit: the proxy hot path stays free of promises.
 * Authenticators hand out the same (immutable) UserInfo object for a cached
 * credential, so a hit is first looked up by that object and scope, without
 * building the string key; a new object (other groups) takes the string path.
 */
export class IdentityTokenIssuer {
  private readonly cache = new Map<string, CachedToken>();
  private byUser = new WeakMap<UserInfo, Map<string, CachedToken>>();
  private readonly lifetime: number;
  private readonly refreshBefore: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(
    private readonly signer: IdentityTokenSigner,
    private readonly options: IdentityTokenIssuerOptions,
  ) {
    this.lifetime = options.lifetimeSeconds ?? 60;
    this.refreshBefore = options.refreshBeforeExpirySeconds ?? 15;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  tokenFor(user: UserInfo, scope: IdentityScope): string | Promise<string> {
    const scopeKey =
      scope.workspace || scope.project
        ? `${scope.audience}\n${scope.workspace ?? ''}\n${scope.project ?? ''}`
        : scope.audience;
    const now = this.now();
    const mine = this.byUser.get(user);
    const remembered = mine?.get(scopeKey);
    if (remembered && remembered.refreshAt > now) return remembered.token;
    const key = `${user.username}\n${user.groups.join(',')}\n${scopeKey}`;
    const hit = this.cache.get(key);
    if (hit && hit.refreshAt > now) {
      this.remember(user, mine, scopeKey, hit);
      return hit.token;
    }
    return this.issue(key, user, scope, now).then((entry) => {
      this.remember(user, this.byUser.get(user), scopeKey, entry);
      return entry.token;
    });
  }

  /** Forgets every cached token, e.g. after a signing key was revoked. */
  clear(): void {
    this.cache.clear();
    this.byUser = new WeakMap();
  }

  private remember(
    user: UserInfo,
    mine: Map<string, CachedToken> | undefined,
    scopeKey: string,
    entry: CachedToken,
  ): void {
    if (!mine || mine.size >= SCOPES_PER_USER) this.byUser.set(user, (mine = new Map<string, CachedToken>()));
    mine.set(scopeKey, entry);
  }

  private async issue(key: string, user: UserInfo, scope: IdentityScope, now: number): Promise<CachedToken> {
    const iat = Math.floor(now / 1000);
    const claims: IdentityClaims = {
      iss: typeof this.options.issuer === 'string' ? this.options.issuer : this.options.issuer(),
      aud: scope.audience,
      sub: user.username,
      uid: user.uid,
      groups: user.groups,
      ...(scope.workspace ? { ws: scope.workspace } : {}),
      ...(scope.project ? { prj: scope.project } : {}),
      iat,
      exp: iat + this.lifetime,
    };
    const token = await this.signer.sign(claims);
    if (this.cache.size >= this.maxEntries) {
      // Map iteration is insertion order: drop the oldest entry.
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    const entry = { token, refreshAt: now + (this.lifetime - this.refreshBefore) * 1000 };
    this.cache.delete(key);
    this.cache.set(key, entry);
    return entry;
  }
}
