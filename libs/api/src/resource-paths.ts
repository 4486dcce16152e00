import { ALL_VERBS, type KindDefinition, type KindScope, type Verb } from './kind-definition.js';

/** One URL template under which a kind is served, and the verbs it takes there. */
export interface ResourcePath {
  /** The scope this path addresses; wider than the kind's own scope for cross-scope lists. */
  scope: KindScope;
  /** `/kapis/{group}/{version}[/workspaces/{workspace}|/namespaces/{namespace}]/{plural}` */
  collection: string;
  collectionVerbs: Verb[];
  /** `collection + /{name}`, when items are addressed at this scope. */
  item?: string;
  itemVerbs: Verb[];
  /** `item + /status`, when the kind has a status subresource. */
  status?: string;
  statusVerbs: Verb[];
}

const COLLECTION_VERBS: readonly Verb[] = ['list', 'watch', 'create', 'deletecollection'];
const ITEM_VERBS: readonly Verb[] = ['get', 'update', 'patch', 'delete'];
const STATUS_VERBS: readonly Verb[] = ['get', 'update', 'patch'];
const CROSS_SCOPE_VERBS: readonly Verb[] = ['list', 'watch'];

export function scopePrefix(def: Pick<KindDefinition, 'group' | 'version'>, scope: KindScope): string {
  const base = `/kapis/${def.group}/${def.version}`;
  switch (scope) {
    case 'global':
      return base;
    case 'workspace':
      return `${base}/workspaces/{workspace}`;
    case 'namespace':
      return `${base}/namespaces/{namespace}`;
    default: {
      const unreachable: never = scope;
      return unreachable;
    }
  }
}

/**
 * The paths a served kind has. Items are addressed only at the kind's own
 * scope; a workspace- or project-scoped kind can also be listed and watched
 * across all its scopes at the global path (like `/api/v1/pods` in
 * Kubernetes), which authorization limits to what the caller may see.
 * Internal kinds have none.
 */
export function resourcePaths(def: KindDefinition): ResourcePath[] {
  if (def.internal) return [];
  const served = new Set(def.verbs ?? ALL_VERBS);
  const keep = (verbs: readonly Verb[]) => verbs.filter((v) => served.has(v));
  const collection = `${scopePrefix(def, def.scope)}/${def.plural}`;
  const own: ResourcePath = {
    scope: def.scope,
    collection,
    collectionVerbs: keep(COLLECTION_VERBS),
    item: `${collection}/{name}`,
    itemVerbs: keep(ITEM_VERBS),
    statusVerbs: def.statusSubresource ? keep(STATUS_VERBS) : [],
  };
  if (def.statusSubresource) own.status = `${collection}/{name}/status`;
  if (def.scope === 'global') return [own];
  const crossScope: ResourcePath = {
    scope: 'global',
    collection: `${scopePrefix(def, 'global')}/${def.plural}`,
    collectionVerbs: keep(CROSS_SCOPE_VERBS),
    itemVerbs: [],
    statusVerbs: [],
  };
  return [crossScope, own];
}
