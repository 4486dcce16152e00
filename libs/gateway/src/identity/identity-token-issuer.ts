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

/**
 * Issues the `X-Mortise-Identity` token and caches it per (user, groups,
 * audience, workspace, project) for most of its lifetime, so a busy route
 * signs once a minute per user rather than once a request. Returns the token
 * synchronously on a cache hit: the proxy hot path stays free of promises.
 */
export class IdentityTokenIssuer {
  private readonly cache = new Map<string, CachedToken>();
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
    const key = `${user.username}\n${user.groups.join(',')}\n${scope.audience}\n${scope.workspace ?? ''}\n${scope.project ?? ''}`;
    const now = this.now();
    const hit = this.cache.get(key);
    if (hit && hit.refreshAt > now) return hit.token;
    return this.issue(key, user, scope, now);
  }

  /** Forgets every cached token, e.g. after a signing key was revoked. */
  clear(): void {
    this.cache.clear();
  }

  private async issue(key: string, user: UserInfo, scope: IdentityScope, now: number): Promise<string> {
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
    this.cache.delete(key);
    this.cache.set(key, { token, refreshAt: now + (this.lifetime - this.refreshBefore) * 1000 });
    return token;
  }
}
