import { Type, type Static } from '@sinclair/typebox';
import { defineKernelKind, type ResourceOf, EXTENSIONS_GROUP, ResourceSchema } from '../define-kind.js';
import { EndpointFields, GatewayStatusSchema } from './endpoint.schema.js';

/**
 * A frontend bundle the console loads, served under `/dist/{extension}/`.
 * Exactly one source: `raw` (inline JS), `url` (an upstream, with the endpoint
 * fields) or `file` (a path inside the installed package).
 */
export const JSBundleSchema = ResourceSchema({
  spec: Type.Object({
    raw: Type.Optional(Type.String()),
    file: Type.Optional(Type.String()),
    ...EndpointFields,
    /** Extra files served beside the bundle (styles, images, locales), package-relative. */
    assets: Type.Optional(Type.Array(Type.String())),
  }),
  status: Type.Optional(
    Type.Composite([
      GatewayStatusSchema,
      Type.Object({ link: Type.Optional(Type.String()), digest: Type.Optional(Type.String()) }),
    ]),
  ),
});
export type JSBundle = ResourceOf<typeof JSBundleSchema>;

export const JSBundleKind = defineKernelKind({
  group: EXTENSIONS_GROUP,
  kind: 'JSBundle',
  plural: 'jsbundles',
  scope: 'global',
  schema: JSBundleSchema,
});

/** The access review an entry needs: the console shows it only if the user may do this. */
export const EntryPermissionSchema = Type.Object({
  verb: Type.String(),
  apiGroup: Type.Optional(Type.String()),
  resource: Type.Optional(Type.String()),
  subresource: Type.Optional(Type.String()),
  name: Type.Optional(Type.String()),
  /** `global`, `workspace` or `namespace`: where the check is made. */
  scope: Type.Optional(Type.String()),
  nonResourceURL: Type.Optional(Type.String()),
});

export const EntrySchema = Type.Object({
  name: Type.String({ minLength: 1 }),
  title: Type.String(),
  icon: Type.Optional(Type.String()),
  route: Type.Optional(Type.String()),
  /** Name of the menu or entry this one nests under, e.g. `global.platform`. */
  parent: Type.Optional(Type.String()),
  order: Type.Optional(Type.Integer()),
  permission: Type.Optional(EntryPermissionSchema),
});

/** Menu placements an extension contributes to the console. */
export const ExtensionEntrySchema = ResourceSchema({
  spec: Type.Object({ entries: Type.Array(EntrySchema) }),
  status: Type.Optional(GatewayStatusSchema),
});
export type ExtensionEntry = ResourceOf<typeof ExtensionEntrySchema>;
export type Entry = Static<typeof EntrySchema>;
export type EntryPermission = Static<typeof EntryPermissionSchema>;

export const ExtensionEntryKind = defineKernelKind({
  group: EXTENSIONS_GROUP,
  kind: 'ExtensionEntry',
  plural: 'extensionentries',
  scope: 'global',
  schema: ExtensionEntrySchema,
});
