import type { Caller, UserInfo } from '@mortise/api';
import { getIfExists, type ResourceStore } from '@mortise/store';
import type { AccessTokenService } from './access-token.service.js';
import type { GrantType, IamConfig, OAuthClientConfig } from './iam-config.js';
import { USER_KIND, type User } from './iam-kinds.js';
import type { IdentityView } from './identity-view.js';
import type { LoginService, LoginSource } from './login.service.js';
import { clientFromBasicAuth, type OAuthClientRegistry, type PresentedClient } from './oauth-client-registry.js';
import { OAuthError } from './oauth-error.js';
import type { RefreshTokenService } from './refresh-token.service.js';

/** The fields of a token or revocation request (form or JSON body). */
export interface OAuthRequestBody {
  grant_type?: string;
  username?: string;
  password?: string;
  refresh_token?: string;
  client_id?: string;
  client_secret?: string;
  scope?: string;
  token?: string;
  token_type_hint?: string;
  /** `true`: also set the console's session cookie. */
  session_cookie?: string;
}

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token?: string;
  scope?: string;
}

export const GRANT_TYPES: readonly GrantType[] = ['password', 'refresh_token', 'client_credentials'];

/** Client credentials from `Authorization: Basic` or, failing that, the body. */
export function presentedClient(authorization: string | undefined, body: OAuthRequestBody): PresentedClient {
  const basic = clientFromBasicAuth(authorization);
  if (basic) return basic;
  const presented: PresentedClient = {};
  if (typeof body.client_id === 'string') presented.clientId = body.client_id;
  if (typeof body.client_secret === 'string') presented.clientSecret = body.client_secret;
  return presented;
}

/** RFC 6749 token endpoint and RFC 7009 revocation, over the kernel's clients, sessions and tokens. */
export class OAuthTokenService {
  constructor(
    private readonly store: ResourceStore,
    private readonly clients: OAuthClientRegistry,
    private readonly login: LoginService,
    private readonly tokens: AccessTokenService,
    private readonly sessions: RefreshTokenService,
    private readonly identities: IdentityView,
    private readonly config: IamConfig,
  ) {}

  grantTypeOf(body: OAuthRequestBody): GrantType {
    const grant = body.grant_type;
    if (typeof grant !== 'string' || grant === '') throw new OAuthError('invalid_request', 'grant_type is required');
    if (!(GRANT_TYPES as readonly string[]).includes(grant)) {
      throw new OAuthError('unsupported_grant_type', `grant_type "${grant}" is not supported`);
    }
    return grant as GrantType;
  }

  /** Authenticates the client and checks it may use `grant`. */
  clientFor(client: PresentedClient, grant: GrantType): OAuthClientConfig {
    const config = this.clients.authenticate(client);
    this.clients.allowGrant(config, grant);
    return config;
  }

  /** Checks the username and password of a password grant (passport's local strategy calls this). */
  async authenticateUser(source: LoginSource, username: unknown, password: unknown): Promise<UserInfo> {
    if (typeof username !== 'string' || typeof password !== 'string' || username === '' || password === '') {
      throw new OAuthError('invalid_request', 'username and password are required');
    }
    return this.login.login(source, username, password);
  }

  async token(
    source: LoginSource,
    client: PresentedClient,
    body: OAuthRequestBody,
    user?: UserInfo,
  ): Promise<TokenResponse> {
    const grant = this.grantTypeOf(body);
    const config = this.clientFor(client, grant);
    switch (grant) {
      case 'password': {
        const authenticated =
          user ?? (await this.authenticateUser({ ...source, clientId: config.id }, body.username, body.password));
        return this.openSession(config, authenticated, true);
      }
      case 'refresh_token':
        return this.refresh(config, body.refresh_token);
      case 'client_credentials':
        return this.openSession(config, await this.actingUser(config), false);
      default: {
        const unreachable: never = grant;
        throw new OAuthError('unsupported_grant_type', `grant_type "${String(unreachable)}" is not supported`);
      }
    }
  }

  /** RFC 7009: revokes the session a token belongs to; unknown tokens are not an error. */
  async revoke(client: PresentedClient, token: unknown): Promise<void> {
    const config = this.clients.authenticate(client);
    if (typeof token !== 'string' || token === '') throw new OAuthError('invalid_request', 'token is required');
    const claims = this.tokens.claimsOf(token);
    if (claims) {
      if (claims.azp === config.id) await this.sessions.revoke(claims.sid, 'revoked by client');
      return;
    }
    const family = await this.sessions.sessionOf(token);
    if (family && family.spec.clientId === config.id)
      await this.sessions.revoke(family.metadata.name, 'revoked by client');
  }

  /** Ends the session of an access token (logout); a token that does not verify is ignored. */
  async logout(token: string | undefined): Promise<void> {
    if (!token) return;
    const claims = this.tokens.claimsOf(token);
    if (claims) await this.sessions.revoke(claims.sid, 'logged out');
    else {
      const family = await this.sessions.sessionOf(token);
      if (family) await this.sessions.revoke(family.metadata.name, 'logged out');
    }
  }

  /** OIDC userinfo for the caller. */
  async userinfo(caller: Caller): Promise<Record<string, unknown>> {
    const service = this.identities.activeIdentity(caller.user.username, caller.user.uid);
    if (service && !this.identities.activeUser(caller.user.username)) {
      // A service identity (an extension's `ext:<name>`) has no User object: its name and groups are all there is.
      return { sub: service.username, preferred_username: service.username, groups: service.groups };
    }
    const user = (await this.store.get({ ...USER_KIND, name: caller.user.username })) as User;
    const info: Record<string, unknown> = {
      sub: caller.user.username,
      preferred_username: caller.user.username,
      email: user.spec.email,
      groups: user.spec.groups ?? [],
    };
    if (user.spec.displayName) info.name = user.spec.displayName;
    if (user.spec.lang) info.locale = user.spec.lang;
    return info;
  }

  private async openSession(client: OAuthClientConfig, user: UserInfo, withRefresh: boolean): Promise<TokenResponse> {
    const accessTtl = client.accessTokenTtlSeconds ?? this.config.accessTokenTtlSeconds;
    const refreshTtl = withRefresh && client.grantTypes.includes('refresh_token') ? this.refreshTtl(client) : undefined;
    const session = await this.sessions.open(user, client.id, refreshTtl);
    const access = this.tokens.issue(user, client.id, session.sid, accessTtl);
    const response: TokenResponse = { access_token: access.token, token_type: 'Bearer', expires_in: access.expiresIn };
    if (session.refreshToken !== undefined) response.refresh_token = session.refreshToken;
    return response;
  }

  private async refresh(client: OAuthClientConfig, refreshToken: unknown): Promise<TokenResponse> {
    if (typeof refreshToken !== 'string' || refreshToken === '') {
      throw new OAuthError('invalid_request', 'refresh_token is required');
    }
    const family = await this.sessions.rotate(refreshToken, client.id, this.refreshTtl(client));
    const user = this.identities.activeUser(family.spec.username, family.spec.uid);
    if (!user) {
      await this.sessions.revoke(family.sid, 'user disabled or deleted');
      throw new OAuthError('invalid_grant', 'the user is disabled or no longer exists');
    }
    const info = { username: user.username, uid: user.uid, groups: user.groups };
    const access = this.tokens.issue(
      info,
      client.id,
      family.sid,
      client.accessTokenTtlSeconds ?? this.config.accessTokenTtlSeconds,
    );
    return {
      access_token: access.token,
      token_type: 'Bearer',
      expires_in: access.expiresIn,
      refresh_token: family.refreshToken!,
    };
  }

  private async actingUser(client: OAuthClientConfig): Promise<UserInfo> {
    const stored = this.identities.storedClient(client.id);
    if (stored && this.clients.isStored(client.id)) {
      const identity = this.identities.serviceUserOf(stored);
      return { username: identity.username, uid: identity.uid, groups: identity.groups };
    }
    const username = client.actAs!;
    const user = await getIfExists<User>(this.store, { ...USER_KIND, name: username });
    if (!user) throw new OAuthError('invalid_grant', `the user "${username}" the client acts as does not exist`);
    if (user.spec.disabled)
      throw new OAuthError('invalid_grant', `the user "${username}" the client acts as is disabled`);
    return { username, uid: user.metadata.uid ?? '', groups: user.spec.groups ?? [] };
  }

  private refreshTtl(client: OAuthClientConfig): number {
    return client.refreshTokenTtlSeconds ?? this.config.refreshTokenTtlSeconds;
  }
}
