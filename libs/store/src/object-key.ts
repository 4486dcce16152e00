import { InvalidError, parseApiVersion, type Resource } from '@mortise/api';
import { scopeOf, type KindRef, type ObjectRef } from './resource-store.js';

/**
 * Objects of one kind are ordered by key: `<scope>/<name>` (empty scope for
 * global kinds). Lists page in this order and continue tokens hold a key, so
 * every backend must sort by exactly this string (byte order).
 */
export function objectKey(scope: string | undefined, name: string): string {
  return `${scope ?? ''}/${name}`;
}

/** `Kind.group` (or `Kind` in the core group): the kind label used in metrics and maps. */
export function kindLabel(kind: KindRef): string {
  return kind.group === '' ? kind.kind : `${kind.kind}.${kind.group}`;
}

export function refOf(object: Resource): ObjectRef {
  if (!object || typeof object !== 'object' || !object.metadata || typeof object.metadata !== 'object') {
    throw new InvalidError('object has no metadata', {
      causes: [{ reason: 'FieldValueRequired', field: 'metadata', message: 'metadata is required' }],
    });
  }
  const { group } = parseApiVersion(String(object.apiVersion ?? ''));
  const ref: ObjectRef = { group, kind: String(object.kind ?? ''), name: object.metadata.name };
  const scope = scopeOf(object);
  if (scope !== undefined) ref.scope = scope;
  return ref;
}

/** Rejects names and scopes that would break key order (`/`) or are empty. */
export function checkIdentity(ref: ObjectRef): void {
  const causes = [];
  if (!ref.kind) causes.push({ reason: 'FieldValueRequired', field: 'kind', message: 'kind is required' });
  if (typeof ref.name !== 'string' || ref.name === '' || ref.name.includes('/')) {
    causes.push({
      reason: 'FieldValueInvalid',
      field: 'metadata.name',
      message: 'name must be non-empty and contain no "/"',
    });
  }
  if (ref.scope !== undefined && (ref.scope === '' || ref.scope.includes('/'))) {
    causes.push({
      reason: 'FieldValueInvalid',
      field: 'metadata.namespace',
      message: 'scope must be non-empty and contain no "/"',
    });
  }
  if (causes.length > 0)
    throw new InvalidError(`invalid object identity: ${causes.map((c) => c.message).join('; ')}`, {
      causes,
      name: ref.name,
      group: ref.group,
      kind: ref.kind,
    });
}
