import { BadRequestError, NotFoundError, type Extension, type ExtensionVersion } from '@mortise/api';
import { getIfExists, type ResourceStore } from '@mortise/store';
import {
  EXTENSION_LABEL,
  ExtensionRef,
  ExtensionVersionRef,
  PUBLISHED_ANNOTATION,
} from '../repository/catalogue-names.js';
import { sortVersionsDescending } from '../repository/recommended-version.js';

export const MARKETPLACE_SORTS = ['name', '-updated', 'provider'] as const;
export type MarketplaceSort = (typeof MARKETPLACE_SORTS)[number];

export interface MarketplaceQuery {
  /** Case-insensitive text in the name, display name, description, provider or keywords. */
  q?: string;
  /** Exact, case-insensitive. */
  category?: string;
  /** Exact, case-insensitive. */
  provider?: string;
  sort?: MarketplaceSort;
}

export interface MarketplaceItem {
  name: string;
  displayName?: string;
  description?: string;
  provider?: string;
  icon?: string;
  category?: string;
  keywords: string[];
  /** Version numbers, newest first. */
  versions: string[];
  recommendedVersion?: string;
  installedVersion?: string;
  state?: string;
  /** When the newest version was published (RFC 3339), if the index said. */
  updated?: string;
}

export interface MarketplaceVersionDetails {
  version: string;
  kernel?: string;
  dependencies: Record<string, string>;
  /** RBAC rules the extension's service identity `ext:<name>` gets when installed. */
  permissions: unknown[];
  readme?: string;
  changelog?: string;
  digest?: string;
  publisher?: string;
  published?: string;
}

export interface MarketplaceEntry extends MarketplaceItem {
  /** One per version, newest first. */
  details: MarketplaceVersionDetails[];
}

/**
 * What the console's extension centre and `mortise search` show: the
 * catalogue's Extensions with their versions, searchable and sortable, and
 * per version what installing it means (kernel range, dependencies,
 * permissions requested, README, CHANGELOG). Read from the store on each
 * call; the catalogue is small (hundreds of objects).
 */
export class Marketplace {
  constructor(private readonly store: ResourceStore) {}

  async search(query: MarketplaceQuery = {}): Promise<{ items: MarketplaceItem[] }> {
    const sort = query.sort ?? 'name';
    if (!MARKETPLACE_SORTS.includes(sort)) {
      throw new BadRequestError(`sort must be one of ${MARKETPLACE_SORTS.join(', ')}`);
    }
    const [extensions, versions] = await Promise.all([
      this.store.list(ExtensionRef),
      this.store.list(ExtensionVersionRef),
    ]);
    const byExtension = groupVersions(versions.items as ExtensionVersion[]);
    const text = query.q?.trim().toLowerCase();
    const items = (extensions.items as Extension[])
      .map((extension) => itemOf(extension, byExtension.get(extension.metadata.name) ?? []))
      .filter((item) => matches(item, text, query));
    return { items: items.sort(comparator(sort)) };
  }

  async details(name: string): Promise<MarketplaceEntry> {
    const extension = await getIfExists<Extension>(this.store, { ...ExtensionRef, name });
    if (!extension)
      throw new NotFoundError(`extension "${name}" is not in the marketplace`, { name, kind: 'Extension' });
    const versions = sortedVersions(
      (await this.store.list(ExtensionVersionRef, { labelSelector: `${EXTENSION_LABEL}=${name}` }))
        .items as ExtensionVersion[],
    );
    return { ...itemOf(extension, versions), details: versions.map(detailsOf) };
  }
}

function groupVersions(versions: ExtensionVersion[]): Map<string, ExtensionVersion[]> {
  const groups = new Map<string, ExtensionVersion[]>();
  for (const version of versions) {
    const name = version.metadata.labels?.[EXTENSION_LABEL] ?? version.spec.name;
    const group = groups.get(name) ?? [];
    group.push(version);
    groups.set(name, group);
  }
  for (const [name, group] of groups) groups.set(name, sortedVersions(group));
  return groups;
}

function sortedVersions(versions: ExtensionVersion[]): ExtensionVersion[] {
  return sortVersionsDescending(versions.map((object) => ({ version: object.spec.version, object }))).map(
    (entry) => entry.object,
  );
}

function itemOf(extension: Extension, versions: ExtensionVersion[]): MarketplaceItem {
  const spec = extension.spec ?? {};
  const status = extension.status ?? {};
  const published = versions.map((v) => v.metadata.annotations?.[PUBLISHED_ANNOTATION]).filter((v) => v !== undefined);
  const updated = published.sort().at(-1);
  return {
    name: extension.metadata.name,
    ...optional('displayName', spec.displayName),
    ...optional('description', spec.description),
    ...optional('provider', spec.provider),
    ...optional('icon', spec.icon),
    ...optional('category', spec.category),
    keywords: spec.keywords ?? [],
    versions: versions.length > 0 ? versions.map((v) => v.spec.version) : (status.versions ?? []).map((v) => v.version),
    ...optional('recommendedVersion', status.recommendedVersion),
    ...optional('installedVersion', status.installedVersion),
    ...optional('state', status.state),
    ...optional('updated', updated),
  };
}

function detailsOf(object: ExtensionVersion): MarketplaceVersionDetails {
  const spec = object.spec as ExtensionVersion['spec'] & { permissions?: unknown[] };
  return {
    version: spec.version,
    ...optional('kernel', spec.kernel),
    dependencies: spec.dependencies ?? {},
    permissions: Array.isArray(spec.permissions) ? spec.permissions : [],
    ...optional('readme', spec.readme),
    ...optional('changelog', spec.changelog),
    ...optional('digest', spec.digest),
    ...optional('publisher', spec.publisher),
    ...optional('published', object.metadata.annotations?.[PUBLISHED_ANNOTATION]),
  };
}

function matches(item: MarketplaceItem, text: string | undefined, query: MarketplaceQuery): boolean {
  if (query.category && item.category?.toLowerCase() !== query.category.toLowerCase()) return false;
  if (query.provider && item.provider?.toLowerCase() !== query.provider.toLowerCase()) return false;
  if (!text) return true;
  const haystack = [item.name, item.displayName, item.description, item.provider, ...item.keywords];
  return haystack.some((field) => field?.toLowerCase().includes(text));
}

function comparator(sort: MarketplaceSort): (a: MarketplaceItem, b: MarketplaceItem) => number {
  const byName = (a: MarketplaceItem, b: MarketplaceItem): number => a.name.localeCompare(b.name);
  switch (sort) {
    case 'name':
      return byName;
    case 'provider':
      return (a, b) => (a.provider ?? '\uffff').localeCompare(b.provider ?? '\uffff') || byName(a, b);
    case '-updated':
      return (a, b) => (b.updated ?? '').localeCompare(a.updated ?? '') || byName(a, b);
    default: {
      const never: never = sort;
      return never;
    }
  }
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
