import { Type } from '@sinclair/typebox';
import { ObjectMetaSchema, type KindDefinition, type KindRegistry } from '@mortise/api';
import { deleteIfExists, type ResourceStore } from '@mortise/store';
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
function sameKind(a: KindDefinition, b: KindDefinition): boolean {
  return (
    a.kind === b.kind &&
    a.plural === b.plural &&
    a.version === b.version &&
    a.scope === b.scope &&
    JSON.stringify(a.schema) === JSON.stringify(b.schema)
  );
}

/** Registers the new version's kinds; changed ones are replaced, dropped ones unregistered (data kept). */
export function swapKinds(
  registry: KindRegistry,
  current: readonly KindDefinition[],
  next: readonly KindDefinition[],
): KindDefinition[] {
  const result: KindDefinition[] = [];
  for (const kind of next) {
    const old = current.find((k) => k.kind === kind.kind);
    if (old && sameKind(old, kind)) {
      result.push(old);
      continue;
    }
    if (old) registry.unregister(old.group, old.kind);
    registry.register(kind);
    result.push(kind);
  }
  for (const old of current) {
    if (!next.some((k) => k.kind === old.kind)) registry.unregister(old.group, old.kind);
  }
  return result;
}

/** Deletes every object of the kinds (uninstall with purge). */
export async function purgeObjects(store: ResourceStore, kinds: readonly KindDefinition[]): Promise<void> {
  for (const kind of kinds) {
    const list = await store.list({ group: kind.group, kind: kind.kind });
    for (const item of list.items) {
      const scope = item.metadata.namespace ?? item.metadata.workspace;
      await deleteIfExists(store, {
        group: kind.group,
        kind: kind.kind,
        name: item.metadata.name,
        ...(scope ? { scope } : {}),
      });
    }
  }
}
