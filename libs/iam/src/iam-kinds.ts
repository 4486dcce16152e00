import {
  APIKeyKind,
  APIKeySecretKind,
  IAM_GROUP,
  LoginFailuresKind,
  LoginRecordKind,
  OAuthClientKind,
  PasswordCredentialKind,
  RefreshTokenKind,
  SigningKeyKind,
  UserKind,
  type KindDefinition,
} from '@mortise/api';
import type { KindRef } from '@mortise/store';

export type {
  APIKey,
  APIKeySecret,
  LoginFailures,
  LoginRecord,
  OAuthClient,
  PasswordCredential,
  RefreshToken as RefreshTokenFamily,
  SigningKey as SigningKeyObject,
  User,
} from '@mortise/api';

function refOf(def: KindDefinition): KindRef {
  return { group: def.group, kind: def.kind };
}

/** Kinds of `iam.mortise.io` this lib reads and writes (schemas in `@mortise/api`). */
export const IAM_API_GROUP = IAM_GROUP;
export const IAM_API_VERSION = `${IAM_GROUP}/v1`;

export const USER_KIND = refOf(UserKind);
export const API_KEY_KIND = refOf(APIKeyKind);
export const API_KEY_SECRET_KIND = refOf(APIKeySecretKind);
export const PASSWORD_CREDENTIAL_KIND = refOf(PasswordCredentialKind);
export const SIGNING_KEY_KIND = refOf(SigningKeyKind);
export const REFRESH_TOKEN_KIND = refOf(RefreshTokenKind);
export const LOGIN_RECORD_KIND = refOf(LoginRecordKind);
export const LOGIN_FAILURES_KIND = refOf(LoginFailuresKind);
export const OAUTH_CLIENT_KIND = refOf(OAuthClientKind);

/** Label on login records, sessions and API keys naming the user they belong to. */
export const USER_LABEL = 'iam.mortise.io/user';
