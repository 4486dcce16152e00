import { PeriodicController, type Authenticator, type Controller } from '@mortise/api';
import type { ResourceStore } from '@mortise/store';
import { AccessTokenService } from './access-token.service.js';
import { AccountLockout } from './account-lockout.js';
import { ApiKeyService } from './api-key.service.js';
import { ApiKeyAuthenticator, BearerTokenAuthenticator } from './bearer-token.authenticator.js';
import { resolveIamConfig, type IamConfig } from './iam-config.js';
import { IdentityView } from './identity-view.js';
import { LoginRecordService } from './login-record.service.js';
import { LoginService } from './login.service.js';
import { OAuthClientRegistry } from './oauth-client-registry.js';
import { OAuthTokenService } from './oauth-token.service.js';
import { PasswordHasher } from './password-hasher.js';
import { RefreshTokenService } from './refresh-token.service.js';
import { SessionCookieAuthenticator } from './session-cookie.authenticator.js';
import { SYSTEM_CLOCK, type Clock } from './clock.js';
import { SigningKeyService } from './signing-key.service.js';
import { UserAccess } from './user-access.js';
import { UserService } from './user.service.js';

/** How often expired sessions are removed from the store. */
const GARBAGE_COLLECTION_MS = 10 * 60_000;

/**
 * The identity services wired together over one store. `start()` loads the
 * signing keys and the identity view before the kernel serves requests.
 */
export class Identity {
  readonly config: IamConfig;
  readonly keys: SigningKeyService;
  readonly view: IdentityView;
  readonly hasher: PasswordHasher;
  readonly tokens: AccessTokenService;
  readonly sessions: RefreshTokenService;
  readonly lockout: AccountLockout;
  readonly records: LoginRecordService;
  readonly login: LoginService;
  readonly users: UserService;
  readonly apiKeys: ApiKeyService;
  readonly oauth: OAuthTokenService;
  /** Decisions on users' credential subresources; `access.useAuthorizer` connects the kernel's authorizer. */
  readonly access = new UserAccess();
  /** For the pipeline's authentication stage, in the order they are tried. */
  readonly authenticators: readonly Authenticator[];
  /**
   * Leader-only work: scheduled key rotation (`key-rotation`) and removal of
   * expired sessions and login-failure counts (`session-collection`). The kernel registers them with its
   * controller host; without one, start them yourself.
   */
  readonly controllers: readonly Controller[];

  constructor(
    readonly store: ResourceStore,
    config: Partial<IamConfig> = {},
    clock: Clock = SYSTEM_CLOCK,
  ) {
    this.config = resolveIamConfig(config);
    this.keys = new SigningKeyService(store, this.config, clock);
    this.view = new IdentityView(store);
    this.hasher = new PasswordHasher(this.config.argon2);
    this.tokens = new AccessTokenService(this.keys, this.view, this.config, clock);
    this.sessions = new RefreshTokenService(store, this.view, this.config, clock);
    this.lockout = new AccountLockout(store, this.config.lockout);
    this.records = new LoginRecordService(store, this.config.loginRecords, clock);
    this.login = new LoginService(store, this.hasher, this.lockout, this.records, clock);
    this.users = new UserService(
      store,
      this.view,
      this.hasher,
      this.sessions,
      this.lockout,
      this.records,
      this.access,
      this.config,
      clock,
    );
    this.apiKeys = new ApiKeyService(store, this.view, this.access, this.config, clock);
    const clients = new OAuthClientRegistry(this.config, this.view);
    this.oauth = new OAuthTokenService(store, clients, this.login, this.tokens, this.sessions, this.view, this.config);
    this.authenticators = [
      new BearerTokenAuthenticator(this.tokens),
      new ApiKeyAuthenticator(this.apiKeys),
      new SessionCookieAuthenticator(this.tokens),
    ];
    this.controllers = [
      this.keys.rotationController(),
      new PeriodicController('session-collection', GARBAGE_COLLECTION_MS, async () => {
        await this.sessions.collectGarbage();
        await this.lockout.collectGarbage(clock.now());
      }),
    ];
  }

  async start(): Promise<void> {
    await this.view.start();
    await this.lockout.start();
    await this.keys.start();
  }

  /** Sets the issuer once the kernel knows its address (no public URL configured). */
  useIssuer(url: string): void {
    this.config.issuer = url.replace(/\/$/, '');
  }

  /** OpenID Connect discovery metadata for the configured issuer. */
  discoveryDocument(): Record<string, unknown> {
    const issuer = this.config.issuer.replace(/\/$/, '');
    return {
      issuer,
      token_endpoint: `${issuer}/oauth/token`,
      revocation_endpoint: `${issuer}/oauth/revoke`,
      userinfo_endpoint: `${issuer}/oauth/userinfo`,
      end_session_endpoint: `${issuer}/oauth/logout`,
      jwks_uri: `${issuer}/oauth/keys`,
      grant_types_supported: ['password', 'refresh_token', 'client_credentials'],
      response_types_supported: ['token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['ES256'],
      token_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post'],
      revocation_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post'],
      claims_supported: ['iss', 'sub', 'aud', 'azp', 'exp', 'iat', 'jti', 'sid', 'uid', 'groups', 'email', 'name'],
    };
  }

  stop(): void {
    this.keys.stop();
    this.lockout.stop();
    this.view.stop();
  }
}
