import { Type, type Static } from '@sinclair/typebox';
import { FreeFormObject, MapOf, StringEnum } from '../../schema-types.js';
import { defineKernelKind, type ResourceOf, EXTENSIONS_GROUP, ResourceSchema } from '../define-kind.js';
import { PolicyRuleSchema } from '../policy-rule.schema.js';

/** One extension as offered by the repositories; named after the extension. */
export const ExtensionSchema = ResourceSchema({
  spec: Type.Optional(
    Type.Object({
      displayName: Type.Optional(Type.String()),
      description: Type.Optional(Type.String()),
      provider: Type.Optional(Type.String()),
      icon: Type.Optional(Type.String()),
      category: Type.Optional(Type.String()),
      keywords: Type.Optional(Type.Array(Type.String())),
    }),
  ),
  status: Type.Optional(
    Type.Object({
      versions: Type.Optional(
        Type.Array(Type.Object({ version: Type.String(), kernel: Type.Optional(Type.String()) })),
      ),
      recommendedVersion: Type.Optional(Type.String()),
      installedVersion: Type.Optional(Type.String()),
      /** Mirrors the InstallPlan's state; absent when not installed. */
      state: Type.Optional(Type.String()),
    }),
  ),
});

export type Extension = ResourceOf<typeof ExtensionSchema>;

export const ExtensionKind = defineKernelKind({
  group: EXTENSIONS_GROUP,
  kind: 'Extension',
  plural: 'extensions',
  scope: 'global',
  schema: ExtensionSchema,
});

const FreeFormList = () => Type.Array(FreeFormObject());

/**
 * The package manifest (`extension.yaml`) fields. The gateway, runtime and
 * role parts are kept free-form here; each is validated by its own kind when
 * the install controller turns it into APIService, ReverseProxy, … objects.
 */
export const ExtensionManifestSchema = Type.Object({
  name: Type.String({ pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 }),
  /** Semantic version. */
  version: Type.String({ minLength: 1 }),
  displayName: Type.Optional(Type.String()),
  description: Type.Optional(Type.String()),
  provider: Type.Optional(Type.String()),
  icon: Type.Optional(Type.String()),
  category: Type.Optional(Type.String()),
  keywords: Type.Optional(Type.Array(Type.String())),
  /** Semver range of kernel versions the extension runs on. */
  kernel: Type.Optional(Type.String()),
  /** Extension name → semver range. */
  dependencies: Type.Optional(MapOf(Type.String())),
  backend: Type.Optional(
    Type.Object({
      type: Type.Optional(StringEnum(['module', 'service'] as const)),
      /** ESM entry exporting `defineExtension(...)`, relative to the package root. */
      module: Type.Optional(Type.String()),
      /** Upstream URL or Kubernetes Service of a remote backend. */
      service: Type.Optional(FreeFormObject()),
      /** The API group an in-process backend owns; its routes serve under `/kapis/{group}/{apiVersion}/`. */
      group: Type.Optional(Type.String()),
      apiVersion: Type.Optional(Type.String()),
      /** Per-request deadline of an in-process backend (default 30). */
      timeoutSeconds: Type.Optional(Type.Number()),
    }),
  ),
  apiServices: Type.Optional(FreeFormList()),
  reverseProxies: Type.Optional(FreeFormList()),
  jsBundles: Type.Optional(FreeFormList()),
  entries: Type.Optional(FreeFormList()),
  roleTemplates: Type.Optional(FreeFormList()),
  /** JSON Schema of the InstallPlan's `config`. */
  configSchema: Type.Optional(FreeFormObject()),
  /** Kinds the extension declares; the kernel serves them. */
  resources: Type.Optional(FreeFormList()),
  /**
   * RBAC rules the extension's own service identity (`ext:<name>`) is granted
   * while it is installed; shown to the admin before install.
   */
  permissions: Type.Optional(Type.Array(PolicyRuleSchema)),
});

export type ExtensionManifest = Static<typeof ExtensionManifestSchema>;

/** One released version of an extension; named `{extension}-{version}`. */
export const ExtensionVersionSchema = ResourceSchema({
  spec: Type.Composite([
    ExtensionManifestSchema,
    Type.Object({
      /** `sha256:<hex>` of the package tarball. */
      digest: Type.Optional(Type.String({ pattern: '^sha256:[a-f0-9]{64}$' })),
      /** Where to download the package from. */
      location: Type.Optional(Type.String()),
      /** Key id of the publisher the repository index names; the package's own signature is what is trusted. */
      publisher: Type.Optional(Type.String()),
      /** The package's README and CHANGELOG (Markdown), as the repository index carries them, for the marketplace. */
      readme: Type.Optional(Type.String()),
      changelog: Type.Optional(Type.String()),
    }),
  ]),
});

export type ExtensionVersion = ResourceOf<typeof ExtensionVersionSchema>;

export const ExtensionVersionKind = defineKernelKind({
  group: EXTENSIONS_GROUP,
  kind: 'ExtensionVersion',
  plural: 'extensionversions',
  scope: 'global',
  schema: ExtensionVersionSchema,
});
