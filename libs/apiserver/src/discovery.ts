import { ALL_VERBS, type KindDefinition, type KindRegistry } from '@mortise/api';

export interface GroupVersionForDiscovery {
  groupVersion: string;
  version: string;
}

export interface ApiGroupList {
  kind: 'APIGroupList';
  apiVersion: 'v1';
  groups: Array<{ name: string; versions: GroupVersionForDiscovery[]; preferredVersion: GroupVersionForDiscovery }>;
}

export interface ApiResource {
  name: string;
  singularName: string;
  namespaced: boolean;
  /** Mortise has three scopes where Kubernetes has two; `namespaced` stays for Kubernetes clients. */
  scope: 'global' | 'workspace' | 'namespace';
  kind: string;
  verbs: string[];
  shortNames?: string[];
}

export interface ApiResourceList {
  kind: 'APIResourceList';
  apiVersion: 'v1';
  groupVersion: string;
  resources: ApiResource[];
}

function served(kinds: KindRegistry): KindDefinition[] {
  return kinds.list().filter((def) => !def.internal);
}

/** `GET /kapis`: every group with a served kind, and its versions. */
export function apiGroupList(kinds: KindRegistry): ApiGroupList {
  const versions = new Map<string, Set<string>>();
  for (const def of served(kinds)) {
    const set = versions.get(def.group) ?? new Set<string>();
    set.add(def.version);
    versions.set(def.group, set);
  }
  const groups = [...versions.keys()].sort().map((name) => {
    const list = [...(versions.get(name) ?? [])]
      .sort()
      .map((version) => ({ groupVersion: `${name}/${version}`, version }));
    const preferred = list[list.length - 1] ?? { groupVersion: `${name}/v1`, version: 'v1' };
    return { name, versions: list, preferredVersion: preferred };
  });
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

/** `GET /kapis/{group}/{version}`: the resources served there, or undefined when there are none. */
export function apiResourceList(kinds: KindRegistry, group: string, version: string): ApiResourceList | undefined {
  const defs = served(kinds)
    .filter((def) => def.group === group && def.version === version)
    .sort((a, b) => a.plural.localeCompare(b.plural));
  if (defs.length === 0) return undefined;
  const resources: ApiResource[] = [];
  for (const def of defs) {
    const verbs = [...(def.verbs ?? ALL_VERBS)];
    const resource: ApiResource = {
      name: def.plural,
      singularName: def.singular,
      namespaced: def.scope !== 'global',
      scope: def.scope,
      kind: def.kind,
      verbs,
    };
    if (def.shortNames && def.shortNames.length > 0) resource.shortNames = [...def.shortNames];
    resources.push(resource);
    if (def.statusSubresource) {
      resources.push({
        name: `${def.plural}/status`,
        singularName: '',
        namespaced: def.scope !== 'global',
        scope: def.scope,
        kind: def.kind,
        verbs: ['get', 'patch', 'update'].filter((v) => verbs.includes(v as never) || v === 'get'),
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: `${group}/${version}`, resources };
}
