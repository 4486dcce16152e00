import { ConflictError, InvalidError, isMortiseError, type Resource } from '@mortise/api';
import { applyPatch } from './json-patch.js';
import type { ObjectRef, Patch, PatchOptions, ResourceStore } from './resource-store.js';
import { scopeOf } from './resource-store.js';

const MAX_ATTEMPTS = 5;

/**
 * Patch for any backend: read, apply, validate, then update with the version
 * read, retrying a bounded number of times when another writer got there
 * first. A patch that names a `metadata.resourceVersion` itself asked for
 * that version, so its Conflict is final.
 */
export async function patchResource(
  store: Pick<ResourceStore, 'get' | 'update'>,
  ref: ObjectRef,
  patch: Patch,
  options: PatchOptions = {},
): Promise<Resource> {
  for (let attempt = 1; ; attempt++) {
    const current = await store.get(ref);
    const patched = applyPatch(current, patch);
    checkSameObject(patched, current);
    const pinned = patched.metadata.resourceVersion;
    const precondition = pinned !== undefined && pinned !== current.metadata.resourceVersion;
    if (!precondition) patched.metadata.resourceVersion = current.metadata.resourceVersion;
    options.validate?.(patched, current);
    try {
      return await store.update(patched, options.subresource ? { subresource: options.subresource } : {});
    } catch (error) {
      const retry = isMortiseError(error) && error instanceof ConflictError && !precondition && attempt < MAX_ATTEMPTS;
      if (!retry) throw error;
    }
  }
}

function checkSameObject(patched: Resource, current: Resource): void {
  const ok =
    typeof patched.metadata === 'object' &&
    patched.metadata !== null &&
    patched.metadata.name === current.metadata.name &&
    scopeOf(patched) === scopeOf(current) &&
    patched.kind === current.kind &&
    patched.apiVersion === current.apiVersion;
  if (!ok) {
    throw new InvalidError(
      `a patch cannot change apiVersion, kind, metadata.name, namespace or workspace of ${current.kind} "${current.metadata.name}"`,
      {
        name: current.metadata.name,
        kind: current.kind,
        causes: [{ reason: 'FieldValueInvalid', message: 'identity fields are immutable' }],
      },
    );
  }
}
