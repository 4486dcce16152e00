import { Type } from '@sinclair/typebox';
import { ObjectMetaSchema, type KindDefinition } from '@mortise/api';
import type { RuntimeManifest } from './extension-manifest.js';

/**
 * The kinds an extension declares, as kernel kind definitions in the group it
 * owns: registered, they get the generic REST, validation, watch and
 * authorization of kernel kinds.
 */
export function declaredKinds(manifest: RuntimeManifest): KindDefinition[] {
  const version = manifest.backend.apiVersion ?? 'v1';
  return (manifest.resources ?? []).map((declared) =>
    Object.freeze({
      group: manifest.backend.group,
      version,
      kind: declared.kind,
      plural: declared.plural,
      singular: declared.singular ?? declared.kind.toLowerCase(),
      scope: declared.scope,
      schema: Type.Object({
        apiVersion: Type.String(),
        kind: Type.String(),
        metadata: ObjectMetaSchema,
        ...(declared.spec ? { spec: Type.Optional(Type.Unsafe(declared.spec)) } : {}),
        ...(declared.status ? { status: Type.Optional(Type.Unsafe(declared.status)) } : {}),
      }),
      statusSubresource: declared.status !== undefined,
      owner: { type: 'extension' as const, name: manifest.name },
    }),
  );
}

/** Whether two definitions describe the same kind the same way (an upgrade may keep it registered). */
export function sameKind(a: KindDefinition, b: KindDefinition): boolean {
  return (
    a.kind === b.kind &&
    a.plural === b.plural &&
    a.version === b.version &&
    a.scope === b.scope &&
    JSON.stringify(a.schema) === JSON.stringify(b.schema)
  );
}
