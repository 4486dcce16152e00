import { Type } from '@sinclair/typebox';
import { FreeFormObject, MapOf, StringEnum, Timestamp } from '../../schema-types.js';
import { ConditionsSchema } from '../condition.schema.js';
import { defineKernelKind, type ResourceOf, EXTENSIONS_GROUP, ResourceSchema } from '../define-kind.js';
import { PolicyRuleSchema } from '../policy-rule.schema.js';

export const INSTALL_PLAN_STATES = [
  'Pending',
  'Downloading',
  'Installing',
  'Installed',
  'Upgrading',
  'Uninstalling',
  'Uninstalled',
  'InstallFailed',
  'UpgradeFailed',
  'UninstallFailed',
] as const;

export type InstallPlanState = (typeof INSTALL_PLAN_STATES)[number];

/** The wish to have one extension installed; named after the extension. */
export const InstallPlanSchema = ResourceSchema({
  spec: Type.Object({
    extension: Type.Object({
      name: Type.String({ minLength: 1 }),
      version: Type.String({ minLength: 1 }),
    }),
    enabled: Type.Optional(Type.Boolean({ default: true })),
    /** Validated against the version's `configSchema` by the install controller. */
    config: Type.Optional(FreeFormObject()),
    /** Workspaces the extension is enabled for; absent means all. */
    workspaces: Type.Optional(Type.Array(Type.String())),
    upgradeStrategy: Type.Optional(StringEnum(['Manual', 'Automatic'] as const, { default: 'Manual' })),
  }),
  status: Type.Optional(
    Type.Object({
      state: Type.Optional(StringEnum(INSTALL_PLAN_STATES)),
      /** The version currently installed and serving. */
      version: Type.Optional(Type.String()),
      /** The version being installed or upgraded to; recorded before any side effect, so a restart resumes it. */
      targetVersion: Type.Optional(Type.String()),
      /** `module` or `service`, from the installed version's manifest. */
      backend: Type.Optional(Type.String()),
      /** What the extension's service identity `ext:<name>` may do (the manifest's `permissions`). */
      permissions: Type.Optional(Type.Array(PolicyRuleSchema)),
      /** Names of write-only config fields that are set; their values are kept encrypted, never served. */
      secretConfig: Type.Optional(Type.Array(Type.String())),
      /** API groups the extension serves (its backend's, its APIServices'); per-workspace enablement applies to them. */
      groups: Type.Optional(Type.Array(Type.String())),
      /** The write-only config revision (annotation) last applied: a changed secret alone is applied too. */
      observedSecretRevision: Type.Optional(Type.String()),
      /** The retry annotation value last acted on. */
      observedRetry: Type.Optional(Type.String()),
      observedGeneration: Type.Optional(Type.Integer({ minimum: 0 })),
      conditions: Type.Optional(ConditionsSchema),
      stateHistory: Type.Optional(
        Type.Array(
          Type.Object({
            state: StringEnum(INSTALL_PLAN_STATES),
            lastTransitionTime: Timestamp(),
            message: Type.Optional(Type.String()),
          }),
        ),
      ),
    }),
  ),
});

export type InstallPlan = ResourceOf<typeof InstallPlanSchema>;

export const InstallPlanKind = defineKernelKind({
  group: EXTENSIONS_GROUP,
  kind: 'InstallPlan',
  plural: 'installplans',
  scope: 'global',
  schema: InstallPlanSchema,
});

/**
 * The write-only values of one InstallPlan's `config` (passwords, tokens),
 * AES-256-GCM encrypted; named after the plan. Internal: stored, never served.
 */
export const InstallPlanSecretSchema = ResourceSchema({
  spec: Type.Object({
    /** Field path (dotted) → `enc:v1:<iv>.<tag>.<ciphertext>`. */
    values: MapOf(Type.String()),
  }),
});
export type InstallPlanSecret = ResourceOf<typeof InstallPlanSecretSchema>;

export const InstallPlanSecretKind = defineKernelKind({
  group: EXTENSIONS_GROUP,
  kind: 'InstallPlanSecret',
  plural: 'installplansecrets',
  scope: 'global',
  schema: InstallPlanSecretSchema,
  internal: true,
});

/** The key that encrypts InstallPlan secrets; one object, `config-encryption`. Internal. */
export const ConfigEncryptionKeySchema = ResourceSchema({
  spec: Type.Object({
    /** 32 random bytes, base64. */
    key: Type.String(),
  }),
});
export type ConfigEncryptionKey = ResourceOf<typeof ConfigEncryptionKeySchema>;

export const ConfigEncryptionKeyKind = defineKernelKind({
  group: EXTENSIONS_GROUP,
  kind: 'ConfigEncryptionKey',
  plural: 'configencryptionkeys',
  scope: 'global',
  schema: ConfigEncryptionKeySchema,
  internal: true,
});

/**
 * The OAuth client credential of an installed service extension's identity
 * `ext:<name>`, named after the extension: the client id and its secret,
 * sealed like InstallPlan secrets. Internal: only the `installplans/{name}/credentials`
 * subresource shows it, to platform admins.
 */
export const ExtensionCredentialSchema = ResourceSchema({
  spec: Type.Object({
    clientId: Type.String(),
    /** `enc:v1:<iv>.<tag>.<ciphertext>` of the client secret. */
    secret: Type.String(),
    /** Random id of this secret (the OAuthClient's `secretId`). */
    secretId: Type.String(),
    issuedAt: Timestamp(),
  }),
});
export type ExtensionCredential = ResourceOf<typeof ExtensionCredentialSchema>;

export const ExtensionCredentialKind = defineKernelKind({
  group: EXTENSIONS_GROUP,
  kind: 'ExtensionCredential',
  plural: 'extensioncredentials',
  scope: 'global',
  schema: ExtensionCredentialSchema,
  internal: true,
});
