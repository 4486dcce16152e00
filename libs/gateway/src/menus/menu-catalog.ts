import type {
  Authorizer,
  Caller,
  Entry,
  EntryPermission,
  ExtensionEntry,
  RequestInfo,
  RequestVerb,
} from '@mortise/api';
import { nonResourceRequestInfo as nonResource } from '@mortise/api';
import { extensionOf } from '../routing/proxy-route.js';

export interface MenuItem {
  name: string;
  extension: string;
  title: string;
  icon?: string;
  route?: string;
  parent?: string;
  order?: number;
}

export interface MenuQuery {
  workspace?: string;
  project?: string;
}

interface CatalogEntry {
  item: MenuItem;
  permission: EntryPermission | undefined;
}

type Listener = () => void;

/** The access review an entry asks for, as the RequestInfo the authorizer judges; undefined when it cannot apply here. */
export function permissionRequest(permission: EntryPermission, query: MenuQuery): RequestInfo | undefined {
  const scope = permission.scope ?? 'global';
  if (scope === 'workspace' && !query.workspace) return undefined;
  if (scope === 'namespace' && !query.project) return undefined;
  if (permission.nonResourceURL !== undefined) return nonResource(permission.nonResourceURL, permission.verb);
  return {
    path: '',
    verb: permission.verb as RequestVerb,
    isResourceRequest: true,
    apiGroup: permission.apiGroup ?? '',
    apiVersion: 'v1',
    resource: permission.resource ?? '',
    subresource: permission.subresource ?? '',
    name: permission.name ?? '',
    scope: scope === 'workspace' || scope === 'namespace' ? scope : 'global',
    workspace: scope === 'workspace' ? (query.workspace ?? '') : '',
    project: scope === 'namespace' ? (query.project ?? '') : '',
  };
}

function byPlacement(a: MenuItem, b: MenuItem): number {
  return (
    (a.parent ?? '').localeCompare(b.parent ?? '') || (a.order ?? 0) - (b.order ?? 0) || a.name.localeCompare(b.name)
  );
}

/**
 * Menu entries from every ExtensionEntry, filtered per caller through the
 * same Authorizer as requests: an entry is listed only when its access
 * review would be allowed in the asked workspace or project. Listeners
 * hear about every change, which drives `?watch=true`.
 */
export class MenuCatalog {
  private readonly byObject = new Map<string, CatalogEntry[]>();
  private readonly listeners = new Set<Listener>();

  /**
   * `admits` is the group dispatch's guard check: an entry whose request it
   * would refuse (its extension is not enabled in the asked workspace) is hidden.
   */
  constructor(
    private readonly authorizer: Authorizer,
    private readonly admits: (info: RequestInfo, group: string) => boolean = () => true,
  ) {}

  set(object: ExtensionEntry): void {
    const extension = extensionOf(object) ?? object.metadata.name;
    this.byObject.set(
      object.metadata.name,
      object.spec.entries.map((entry: Entry) => ({
        item: {
          name: entry.name,
          extension,
          title: entry.title,
          ...(entry.icon !== undefined ? { icon: entry.icon } : {}),
          ...(entry.route !== undefined ? { route: entry.route } : {}),
          ...(entry.parent !== undefined ? { parent: entry.parent } : {}),
          ...(entry.order !== undefined ? { order: entry.order } : {}),
        },
        permission: entry.permission,
      })),
    );
    this.changed();
  }

  delete(name: string): void {
    if (this.byObject.delete(name)) this.changed();
  }

  /** The entries this caller may use here, in placement order. */
  async itemsFor(caller: Caller, query: MenuQuery): Promise<MenuItem[]> {
    const all = [...this.byObject.values()].flat();
    const visible = await Promise.all(
      all.map(async ({ item, permission }) => {
        if (!permission) return item;
        const info = permissionRequest(permission, query);
        if (!info) return undefined;
        if (info.isResourceRequest && info.apiGroup !== '' && !this.admits(info, info.apiGroup)) return undefined;
        const decision = await this.authorizer.authorize(caller, info);
        return decision.allowed ? item : undefined;
      }),
    );
    return visible.filter((i): i is MenuItem => i !== undefined).sort(byPlacement);
  }

  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
