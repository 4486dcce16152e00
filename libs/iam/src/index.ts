export * from './iam-config.js';
export * from './iam-kinds.js';
export * from './identity.js';
export { SYSTEM_CLOCK, type Clock } from './clock.js';
export { type SigningKey, SigningKeyService } from './signing-key.service.js';
export {
  AccessTokenService,
  TOKEN_AUDIENCE,
  type AccessTokenClaims,
  type IssuedAccessToken,
} from './access-token.service.js';
export { ApiKeyService, API_KEY_PREFIX } from './api-key.service.js';
export { ApiKeyAuthenticator, BearerTokenAuthenticator, bearerCredential } from './bearer-token.authenticator.js';
export {
  SessionCookieAuthenticator,
  SESSION_COOKIE,
  CSRF_COOKIE,
  CSRF_HEADER,
} from './session-cookie.authenticator.js';
export { IdentityView, type UserEntry, type ApiKeyEntry } from './identity-view.js';
export { OAuthError, type OAuthErrorCode } from './oauth-error.js';
export {
  OAuthTokenService,
  presentedClient,
  type OAuthRequestBody,
  type TokenResponse,
} from './oauth-token.service.js';
export { RefreshTokenService, type Session } from './refresh-token.service.js';
export { UserService, type PasswordChange } from './user.service.js';
export { LoginService, type LoginSource } from './login.service.js';
export { LoginRecordService, type LoginAttempt } from './login-record.service.js';
export { PasswordHasher } from './password-hasher.js';
export { checkPasswordPolicy } from './password-policy.js';
export { UserAccess, type UserSubresource } from './user-access.js';
export { bootstrapAdmin, ADMIN_USERNAME, type AdminBootstrapOptions } from './admin-bootstrap.js';
export { IamModule, IAM_PUBLIC_PATHS, type IamModuleOptions } from './http/iam.module.js';
export { userAdmission, apiKeyAdmission } from './identity-admission.js';
export { IamSettingsSchema, type IamSettings } from './iam-settings.schema.js';
