import type { TSchema } from '@sinclair/typebox';
import type { NameRule } from './object-name.js';

/** Where objects of a kind live: everywhere, inside one workspace, or inside one project. */
export type KindScope = 'global' | 'workspace' | 'namespace';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export const ALL_VERBS: readonly Verb[] = [
  'get',
  'list',
  'watch',
  'create',
  'update',
  'patch',
  'delete',
  'deletecollection',
];

/** Who owns an API group: the kernel, or an extension by name. */
export type GroupOwner = { type: 'kernel' } | { type: 'extension'; name: string };

/**
 * Everything the kernel needs to serve, validate, store and document a kind.
 * `schema` describes the whole object (apiVersion, kind, metadata, spec,
 * status or RBAC fields) and is the one source for types, validation,
 * OpenAPI and CRDs.
 */
export interface KindDefinition<S extends TSchema = TSchema> {
  group: string;
  version: string;
  kind: string;
  /** Lowercase plural used in URLs, e.g. `workspaces`. */
  plural: string;
  singular: string;
  scope: KindScope;
  schema: S;
  /** Stored but never served over HTTP (signing keys, refresh tokens, password hashes). */
  internal?: boolean;
  /** Whether the kind has a `status` written separately from `spec` via `/status`. */
  statusSubresource?: boolean;
  /** Name syntax; defaults to `dns1123-subdomain`. */
  nameRule?: NameRule;
  /**
   * Names are unique across every workspace/project, not only within the
   * object's own scope. Projects need this: a project's name is the
   * `namespaces/{name}` segment of project-scoped paths. Stores enforce it.
   */
  globallyUniqueNames?: boolean;
  shortNames?: string[];
  /** Verbs served for the kind; defaults to all. */
  verbs?: readonly Verb[];
  owner?: GroupOwner;
}

export function apiVersionOf(def: Pick<KindDefinition, 'group' | 'version'>): string {
  return def.group === '' ? def.version : `${def.group}/${def.version}`;
}

export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}
