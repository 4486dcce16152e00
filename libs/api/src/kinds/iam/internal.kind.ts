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

/** A key the kernel signs tokens with. `previous` keys still verify; `retired` ones do not. */
export const SigningKeySchema = ResourceSchema({
  spec: Type.Object({
    /** JOSE algorithm, e.g. `EdDSA`, `ES256`, `RS256`. */
    algorithm: Type.String(),
    kid: Type.String(),
    /** Private key as a JWK or PKCS#8 PEM; secret. */
    privateKey: Type.String(),
    publicKey: Type.Optional(Type.String()),
    state: StringEnum(['current', 'previous', 'retired'] as const),
    createdAt: Timestamp(),
  }),
});
export type SigningKey = ResourceOf<typeof SigningKeySchema>;

export const SigningKeyKind = internalKind('SigningKey', 'signingkeys', SigningKeySchema);

/**
 * One refresh token, stored by hash. Tokens of one login share a `family`;
 * reusing a `used` token revokes the whole family (rotation with reuse detection).
 */
export const RefreshTokenSchema = ResourceSchema({
  spec: Type.Object({
    /** SHA-256 of the token, base64url. The token itself is never stored. */
    tokenHash: Type.String(),
    family: Type.String(),
    /** Login session id (`sid` claim). */
    sessionId: Type.Optional(Type.String()),
    username: Type.String(),
    clientId: Type.String(),
    scope: Type.Optional(Type.String()),
    expiresAt: Timestamp(),
    used: Type.Optional(Type.Boolean()),
    revoked: Type.Optional(Type.Boolean()),
  }),
});
export type RefreshToken = ResourceOf<typeof RefreshTokenSchema>;

export const RefreshTokenKind = internalKind('RefreshToken', 'refreshtokens', RefreshTokenSchema);

/** A user's password hash; one per user, named after the user. */
export const PasswordCredentialSchema = ResourceSchema({
  spec: Type.Object({
    username: Type.String(),
    /** PHC string, e.g. `$argon2id$v=19$m=65536,t=3,p=4$...`. */
    hash: Type.String(),
    changedAt: Type.Optional(Timestamp()),
    /** Consecutive failed logins; reset on success. Drives the User's `Locked` state. */
    failedAttempts: Type.Optional(Type.Integer({ minimum: 0 })),
  }),
});
export type PasswordCredential = ResourceOf<typeof PasswordCredentialSchema>;

export const PasswordCredentialKind = internalKind(
  'PasswordCredential',
  'passwordcredentials',
  PasswordCredentialSchema,
);

/** One login attempt, kept for the user's login history and audits. */
export const LoginRecordSchema = ResourceSchema({
  spec: Type.Object({
    username: Type.String(),
    success: Type.Boolean(),
    /** `password`, `refresh_token`, `apikey`, … */
    type: Type.String(),
    sourceIP: Type.Optional(Type.String()),
    userAgent: Type.Optional(Type.String()),
    reason: Type.Optional(Type.String()),
    time: Timestamp(),
  }),
});
export type LoginRecord = ResourceOf<typeof LoginRecordSchema>;

export const LoginRecordKind = internalKind('LoginRecord', 'loginrecords', LoginRecordSchema);
