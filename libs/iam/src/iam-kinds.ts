import type { Resource } from '@mortise/api';
import type { KindRef } from '@mortise/store';

/** Kinds of `iam.mortise.io` this lib reads and writes. */
export const IAM_API_GROUP = 'iam.mortise.io';
export const IAM_API_VERSION = `${IAM_API_GROUP}/v1`;

export const USER_KIND: KindRef = { group: IAM_API_GROUP, kind: 'User' };
export const API_KEY_KIND: KindRef = { group: IAM_API_GROUP, kind: 'APIKey' };
export const PASSWORD_CREDENTIAL_KIND: KindRef = { group: IAM_API_GROUP, kind: 'PasswordCredential' };
export const SIGNING_KEY_KIND: KindRef = { group: IAM_API_GROUP, kind: 'SigningKey' };
export const REFRESH_TOKEN_KIND: KindRef = { group: IAM_API_GROUP, kind: 'RefreshToken' };
export const API_KEY_SECRET_KIND: KindRef = { group: IAM_API_GROUP, kind: 'APIKeySecret' };
export const LOGIN_RECORD_KIND: KindRef = { group: IAM_API_GROUP, kind: 'LoginRecord' };

/** Label on login records and API keys naming the user they belong to. */
export const USER_LABEL = 'iam.mortise.io/user';

/** Marks a platform administrator until roles exist (see `caller-policy.ts`). */
export const PLATFORM_ADMINS_GROUP = 'system:platform-admins';

export type UserState = 'Active' | 'Disabled' | 'Locked';

export interface User extends Resource {
  spec: {
    email?: string;
    displayName?: string;
    lang?: string;
    groups?: string[];
    description?: string;
    disabled?: boolean;
    /** Write-only: accepted on create, hashed into a PasswordCredential, never stored here. */
    password?: string;
  };
  status?: { state?: UserState; lastLoginTime?: string; lockedUntil?: string };
}

/** Internal: one per user, named after the user. */
export interface PasswordCredential extends Resource {
  spec: { hash: string; changedAt: string };
}

/** Internal: one per signing key, named after its `kid`. */
export interface SigningKeyObject extends Resource {
  spec: {
    algorithm: 'ES256';
    /** PKCS#8 PEM, or `enc:v1:<iv>.<tag>.<ciphertext>` when a key-encryption key is configured. */
    privateKey: string;
    publicKey: string;
    /** Newest `activeFrom` signs; older keys only verify until `expiresAt`. */
    activeFrom: string;
    expiresAt?: string;
  };
}

/** Internal: one refresh-token family (a login session), named after its `sid`. */
export interface RefreshTokenFamily extends Resource {
  spec: {
    username: string;
    uid: string;
    clientId: string;
    /** SHA-256 of the one refresh token that may be used next; absent for sessions without refresh. */
    tokenHash?: string;
    tokenExpiresAt?: string;
    /** SHA-256 of spent refresh tokens: presenting one again revokes the family. */
    spentHashes?: string[];
    expiresAt: string;
    revoked?: boolean;
    revokedReason?: string;
  };
}

export interface APIKey extends Resource {
  spec: {
    owner: string;
    description?: string;
    expiresAt?: string;
    /** Restricts the key to a subset of its owner's permissions (enforced by authorization). */
    rules?: Record<string, unknown>[];
  };
  status?: { lastUsedTime?: string; secret?: string };
}

/** Internal: the SHA-256 of an API key's secret, named after the key, so the served APIKey never holds it. */
export interface APIKeySecret extends Resource {
  spec: { hash: string };
}

export type LoginOutcome = 'Success' | 'Failure';

/** Internal: one login attempt of an existing user. */
export interface LoginRecord extends Resource {
  spec: {
    username: string;
    outcome: LoginOutcome;
    reason: string;
    sourceIP: string;
    userAgent?: string;
    clientId?: string;
    time: string;
  };
}
