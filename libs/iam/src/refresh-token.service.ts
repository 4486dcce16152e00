import { ConflictError, NotFoundError, validateLabels, type UserInfo } from '@mortise/api';
import { getIfExists, type ResourceStore } from '@mortise/store';
import type { IamConfig } from './iam-config.js';
import { IAM_API_VERSION, REFRESH_TOKEN_KIND, USER_LABEL, type RefreshTokenFamily } from './iam-kinds.js';
import type { IdentityView } from './identity-view.js';
import { OAuthError } from './oauth-error.js';
import { randomId, randomToken, secretsEqual, sha256Hex } from './secret-digest.js';
import { SYSTEM_CLOCK, type Clock } from './clock.js';

/** How many spent refresh tokens a family remembers for reuse detection. */
const SPENT_HASHES_KEPT = 100;

/**
 * The user label of a session. A service identity's name (`ext:<name>`) is no
 * valid label value, so its sessions go unlabelled; they end with the
 * identity's client instead (its secret's id is their `uid`).
 */
function userLabelOf(username: string): Record<string, string> {
  const labels = { [USER_LABEL]: username };
  return validateLabels(labels).length === 0 ? labels : {};
}

export interface Session {
  sid: string;
  /** Present when the session was opened with a refresh token; shown once, stored only as a hash. */
  refreshToken?: string;
}

/**
 * Login sessions as refresh-token families. A refresh token is `<sid>.<secret>`,
 * single-use: each refresh spends it and returns the next one. Presenting a
 * spent one again means it leaked, so the whole family is revoked, and with
 * it every access token carrying its `sid`.
 */
export class RefreshTokenService {
  constructor(
    private readonly store: ResourceStore,
    private readonly identities: IdentityView,
    private readonly config: IamConfig,
    private readonly clock: Clock = SYSTEM_CLOCK,
  ) {}

  async open(user: UserInfo, clientId: string, refreshTtlSeconds: number | undefined): Promise<Session> {
    const now = this.clock.now();
    const sid = randomId(12);
    const refreshToken = refreshTtlSeconds === undefined ? undefined : `${sid}.${randomToken(32)}`;
    const family: RefreshTokenFamily = {
      apiVersion: IAM_API_VERSION,
      kind: REFRESH_TOKEN_KIND.kind,
      metadata: { name: sid, labels: userLabelOf(user.username) },
      spec: {
        username: user.username,
        uid: user.uid,
        clientId,
        expiresAt: new Date(now + this.sessionLifetimeMs(refreshTtlSeconds)).toISOString(),
      },
    };
    if (refreshToken !== undefined) {
      family.spec.tokenHash = sha256Hex(refreshToken);
      family.spec.tokenExpiresAt = new Date(now + refreshTtlSeconds! * 1000).toISOString();
    }
    await this.store.create(family);
    return refreshToken === undefined ? { sid } : { sid, refreshToken };
  }

  /** Spends `refreshToken` and returns the family with its next token. */
  async rotate(
    refreshToken: string,
    clientId: string,
    refreshTtlSeconds: number,
  ): Promise<RefreshTokenFamily & Session> {
    for (;;) {
      const family = await this.findFamily(refreshToken);
      const spec = family.spec;
      const presented = sha256Hex(refreshToken);
      if (spec.revoked) throw new OAuthError('invalid_grant', 'the refresh token has been revoked');
      if (spec.clientId !== clientId)
        throw new OAuthError('invalid_grant', 'the refresh token was issued to another client');
      if ((spec.spentHashes ?? []).some((spent) => secretsEqual(spent, presented))) {
        await this.revoke(family.metadata.name, 'refresh token reused');
        throw new OAuthError('invalid_grant', 'the refresh token was already used; the session has been revoked');
      }
      if (spec.tokenHash === undefined || !secretsEqual(spec.tokenHash, presented)) {
        throw new OAuthError('invalid_grant', 'the refresh token is invalid');
      }
      const now = this.clock.now();
      if (Date.parse(spec.expiresAt) <= now || Date.parse(spec.tokenExpiresAt ?? '') <= now) {
        throw new OAuthError('invalid_grant', 'the refresh token has expired; log in again');
      }
      const next = `${family.metadata.name}.${randomToken(32)}`;
      spec.spentHashes = [...(spec.spentHashes ?? []), presented].slice(-SPENT_HASHES_KEPT);
      spec.tokenHash = sha256Hex(next);
      spec.tokenExpiresAt = new Date(
        Math.min(now + refreshTtlSeconds * 1000, Date.parse(spec.expiresAt)),
      ).toISOString();
      try {
        const updated = (await this.store.update(family)) as RefreshTokenFamily;
        return { ...updated, sid: family.metadata.name, refreshToken: next };
      } catch (err) {
        // Someone else spent it at the same moment: the next pass sees it as reused.
        if (!(err instanceof ConflictError)) throw err;
      }
    }
  }

  /** The family a refresh token belongs to, for RFC 7009 revocation; undefined when unknown. */
  async sessionOf(refreshToken: string): Promise<RefreshTokenFamily | undefined> {
    try {
      const family = await this.findFamily(refreshToken);
      const presented = sha256Hex(refreshToken);
      const known = [family.spec.tokenHash ?? '', ...(family.spec.spentHashes ?? [])];
      return known.some((hash) => secretsEqual(hash, presented)) ? family : undefined;
    } catch {
      return undefined;
    }
  }

  async revoke(sid: string, reason: string): Promise<void> {
    this.identities.noteSessionRevoked(sid);
    try {
      await this.store.patch(
        { ...REFRESH_TOKEN_KIND, name: sid },
        { type: 'merge', patch: { spec: { revoked: true, revokedReason: reason, tokenHash: null } } },
      );
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
  }

  /** Ends every session of a user: password changed, user disabled or deleted. */
  async revokeAllOf(username: string, reason: string): Promise<void> {
    const families = await this.store.list(REFRESH_TOKEN_KIND, { labelSelector: `${USER_LABEL}=${username}` });
    for (const family of families.items as RefreshTokenFamily[]) {
      if (!family.spec.revoked) await this.revoke(family.metadata.name, reason);
    }
  }

  /** Deletes families whose access tokens have all expired; revoked ones stay until then. */
  async collectGarbage(): Promise<number> {
    const cutoff = this.clock.now() - this.config.accessTokenTtlSeconds * 1000;
    const families = await this.store.list(REFRESH_TOKEN_KIND);
    let removed = 0;
    for (const family of families.items as RefreshTokenFamily[]) {
      if (Date.parse(family.spec.expiresAt) > cutoff) continue;
      await this.store.delete({ ...REFRESH_TOKEN_KIND, name: family.metadata.name }).catch(() => undefined);
      this.identities.forgetSession(family.metadata.name);
      removed++;
    }
    return removed;
  }

  private async findFamily(refreshToken: string): Promise<RefreshTokenFamily> {
    const dot = refreshToken.indexOf('.');
    const sid = dot > 0 ? refreshToken.slice(0, dot) : '';
    if (!/^[0-9a-f]{24}$/.test(sid)) throw new OAuthError('invalid_grant', 'the refresh token is invalid');
    const family = await getIfExists<RefreshTokenFamily>(this.store, { ...REFRESH_TOKEN_KIND, name: sid });
    if (!family) throw new OAuthError('invalid_grant', 'the refresh token is invalid');
    return family;
  }

  /** A session outlives its access tokens so a revocation stays known until they expire. */
  private sessionLifetimeMs(refreshTtlSeconds: number | undefined): number {
    if (refreshTtlSeconds === undefined) return this.config.accessTokenTtlSeconds * 1000;
    return this.config.sessionMaxAgeSeconds * 1000;
  }
}
