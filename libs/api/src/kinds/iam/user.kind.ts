import { Type, type Static } from '@sinclair/typebox';
import { StringEnum, Timestamp } from '../../schema-types.js';
import { ConditionsSchema } from '../condition.schema.js';
import { defineKernelKind, type ResourceOf, IAM_GROUP, ResourceSchema } from '../define-kind.js';

export const UserSpecSchema = Type.Object({
  email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
  displayName: Type.Optional(Type.String({ maxLength: 256 })),
  /** Preferred UI language, a BCP 47 tag such as `en` or `zh-CN`. */
  lang: Type.Optional(Type.String({ maxLength: 35 })),
  groups: Type.Optional(Type.Array(Type.String())),
  description: Type.Optional(Type.String()),
  disabled: Type.Optional(Type.Boolean()),
  /**
   * Accepted on create only (later changes go through the `password`
   * subresource): the kernel checks it against the password policy, hashes it
   * into the internal PasswordCredential and strips it before storing the
   * User, so it is never read back.
   */
  password: Type.Optional(Type.String({ maxLength: 1024, writeOnly: true })),
});

export const UserStatusSchema = Type.Object({
  state: Type.Optional(StringEnum(['Active', 'Disabled', 'Locked'] as const)),
  lastLoginTime: Type.Optional(Timestamp()),
  /** Set while the account is locked after repeated failed logins. */
  lockedUntil: Type.Optional(Timestamp()),
  conditions: Type.Optional(ConditionsSchema),
});

export const UserSchema = ResourceSchema(
  { spec: UserSpecSchema, status: Type.Optional(UserStatusSchema) },
  'A person who logs in. Its name is the login name.',
);

export type User = ResourceOf<typeof UserSchema>;
export type UserSpec = Static<typeof UserSpecSchema>;
export type UserStatus = Static<typeof UserStatusSchema>;

export const UserKind = defineKernelKind({
  group: IAM_GROUP,
  kind: 'User',
  plural: 'users',
  scope: 'global',
  schema: UserSchema,
});
