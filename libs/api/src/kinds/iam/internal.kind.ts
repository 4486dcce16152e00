import { Type, type TObject } from '@sinclair/typebox';
import { StringEnum, Timestamp } from '../../schema-types.js';
import { defineKernelKind, type ResourceOf, IAM_GROUP, ResourceSchema } from '../define-kind.js';

function internalKind<S extends TObject>(kind: string, plural: string, schema: S) {
  return defineKernelKind({ group: IAM_GROUP, kind, plural, scope: 'global', schema, internal: true });
}

/*
 * Internal kinds: stored (in Secrets on the kubernetes backend) but never
 * served over HTTP, listed in discovery or documented in OpenAPI. Minimal on
 * purpose; the identity code owns their meaning.
 */

/**
 * A key the kernel signs tokens with, named after its `kid`. The newest
 * active key signs; older ones verify until `expiresAt` (set on rotation to
 * outlive every token they signed), then are deleted.
 */
export const SigningKeySchema = ResourceSchema({
  spec: Type.Object({
    /** JOSE algorithm: `ES256`. Verification takes it from here, never from the token. */
    algorithm: StringEnum(['ES256'] as const),
    /** PKCS#8 PEM, or `enc:v1:...` (AES-256-GCM) when a key-encryption key is configured; secret. */
    privateKey: Type.String(),
    /** SPKI PEM. */
    publicKey: Type.String(),
    activeFrom: Timestamp(),
    expiresAt: Type.Optional(Timestamp()),
  }),
});
export type SigningKey = ResourceOf<typeof SigningKeySchema>;

export const SigningKeyKind = internalKind('SigningKey', 'signingkeys', SigningKeySchema);

/**
 * One refresh-token family: a login session, named after its `sid` (the
 * claim in every access token of the session). A refresh token is
 * `<sid>.<secret>`; only the SHA-256 of the one usable next is kept, plus
 * those already spent: presenting a spent one revokes the family. One object
 * per family makes rotation a single optimistic-concurrency update.
 */
export const RefreshTokenSchema = ResourceSchema({
  spec: Type.Object({
    username: Type.String(),
    /** The user's uid at login: a user recreated under the same name does not inherit the session. */
    uid: Type.String(),
    clientId: Type.String(),
    /** SHA-256 (hex) of the refresh token that may be used next; absent for sessions without refresh. */
    tokenHash: Type.Optional(Type.String()),
    tokenExpiresAt: Type.Optional(Timestamp()),
    /** SHA-256 (hex) of spent refresh tokens, newest last, bounded. */
    spentHashes: Type.Optional(Type.Array(Type.String())),
    /** The session ends here however often it is refreshed. */
    expiresAt: Timestamp(),
    revoked: Type.Optional(Type.Boolean()),
    revokedReason: Type.Optional(Type.String()),
  }),
});
export type RefreshToken = ResourceOf<typeof RefreshTokenSchema>;

export const RefreshTokenKind = internalKind('RefreshToken', 'refreshtokens', RefreshTokenSchema);

/** A user's password hash; one per user, named after the user. */
export const PasswordCredentialSchema = ResourceSchema({
  spec: Type.Object({
    /** PHC string, e.g. `$argon2id$v=19$m=19456,t=2,p=1$...`. */
    hash: Type.String(),
    changedAt: Timestamp(),
  }),
});
export type PasswordCredential = ResourceOf<typeof PasswordCredentialSchema>;

export const PasswordCredentialKind = internalKind(
  'PasswordCredential',
  'passwordcredentials',
  PasswordCredentialSchema,
);

/** The SHA-256 of an API key's secret, named after the key, so the served APIKey never holds it. */
export const APIKeySecretSchema = ResourceSchema({
  spec: Type.Object({
    /** SHA-256 (hex) of the whole key `mrt_<id>_<secret>`. */
    hash: Type.String(),
  }),
});
export type APIKeySecret = ResourceOf<typeof APIKeySecretSchema>;

export const APIKeySecretKind = internalKind('APIKeySecret', 'apikeysecrets', APIKeySecretSchema);

/** One login attempt of an existing user, for the user's login history; bounded in number and age per user. */
export const LoginRecordSchema = ResourceSchema({
  spec: Type.Object({
    username: Type.String(),
    success: Type.Boolean(),
    /** `password`, `refresh_token`, `apikey`, … */
    type: Type.String(),
    sourceIP: Type.Optional(Type.String()),
    userAgent: Type.Optional(Type.String()),
    /** `Success`, `InvalidCredentials`, `Locked`, `Disabled`. */
    reason: Type.Optional(Type.String()),
    clientId: Type.Optional(Type.String()),
    time: Timestamp(),
  }),
});
export type LoginRecord = ResourceOf<typeof LoginRecordSchema>;

export const LoginRecordKind = internalKind('LoginRecord', 'loginrecords', LoginRecordSchema);

/**
 * Recent failed logins of one submitted username, whether or not a user has
 * that name, so every replica counts them together and a lock (or an admin's
 * unlock) applies on all. Named `lf-<sha256 of the lower-cased name>`: the
 * name carries no username. Removed once the window and the lock are over.
 */
export const LoginFailuresSchema = ResourceSchema({
  spec: Type.Object({
    /** Times of the failures within the window, oldest first. */
    failures: Type.Array(Timestamp()),
    lockedUntil: Type.Optional(Timestamp()),
  }),
});
export type LoginFailures = ResourceOf<typeof LoginFailuresSchema>;

export const LoginFailuresKind = internalKind('LoginFailures', 'loginfailures', LoginFailuresSchema);

/**
 * A confidential OAuth client the kernel provisions at run time (the
 * configured ones live in `identity.clients`): `client_credentials` only,
 * acting as a service identity that has no User object, such as an installed
 * extension's `ext:<name>`. Named after the client id. The identity exists
 * while its client does, so deleting the client ends every token it got.
 */
export const OAuthClientSchema = ResourceSchema({
  spec: Type.Object({
    /** The service identity the client's tokens stand for, e.g. `ext:notes`; a name with a colon, which no User can have. */
    actAs: Type.String(),
    /** `sha256:<hex>` of the current secret. */
    secretHash: Type.String(),
    /** Random id of the current secret; tokens carry it as `uid`, so replacing the secret ends the older tokens. */
    secretId: Type.String(),
    accessTokenTtlSeconds: Type.Optional(Type.Integer({ minimum: 60 })),
  }),
});
export type OAuthClient = ResourceOf<typeof OAuthClientSchema>;

export const OAuthClientKind = internalKind('OAuthClient', 'oauthclients', OAuthClientSchema);
