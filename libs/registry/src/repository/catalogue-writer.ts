import { isDeepStrictEqual } from 'node:util';
import {
  AlreadyExistsError,
  type Extension,
  type ExtensionVersion,
  type InstallPlan,
  type Resource,
} from '@mortise/api';
import { deleteIfExists, getIfExists, type ResourceStore } from '@mortise/store';
import { resolveLocation } from '../package/location-reader.js';
import {
  EXTENSION_LABEL,
  EXTENSIONS_API_VERSION,
  ExtensionRef,
  ExtensionVersionRef,
  InstallPlanRef,
  PUBLISHED_ANNOTATION,
  REPOSITORY_LABEL,
  extensionVersionName,
} from './catalogue-names.js';
import { recommendedVersion, sortVersionsDescending } from './recommended-version.js';
import type { IndexedVersion, RepositoryIndex } from './repository-index.js';

export interface CatalogueSource {
  /** The Repository's name: the label on every ExtensionVersion it lists. */
  repository: string;
  /** Where relative locations resolve from: the index's directory URL. */
  baseUrl: string;
  /** Versions kept per extension, newest first; absent keeps all. */
  depth?: number;
}

export interface CatalogueChange {
  created: number;
  updated: number;
  removed: number;
  /** Versions that left the index but stay because they are installed. */
  keptInstalled: number;
  /** ExtensionVersion names another Repository already provides; this one's are skipped. */
  conflicts: string[];
  extensions: number;
  versions: number;
}

/**
 * Makes the store's ExtensionVersions of one repository match its index:
 * creates and updates the listed ones (within `depth`), removes the others
 * unless an InstallPlan names them, then refreshes each touched Extension
 * (spec from its newest version, status `versions` and
 * `recommendedVersion`; `installedVersion` and `state` belong to the
 * install controller and are never written here).
 */
export async function applyRepositoryIndex(
  store: ResourceStore,
  source: CatalogueSource,
  index: RepositoryIndex,
  kernelVersion: string,
): Promise<CatalogueChange> {
  const change: CatalogueChange = {
    created: 0,
    updated: 0,
    removed: 0,
    keptInstalled: 0,
    conflicts: [],
    extensions: 0,
    versions: 0,
  };
  const desired = new Map<string, ExtensionVersion>();
  for (const extension of index.extensions) {
    const versions = sortVersionsDescending(extension.versions);
    const kept = source.depth === undefined ? versions : versions.slice(0, source.depth);
    for (const version of kept) {
      const object = versionObject(source, extension.name, version);
      if (!desired.has(object.metadata.name)) desired.set(object.metadata.name, object);
    }
  }
  const existing = (
    await store.list(ExtensionVersionRef, { labelSelector: `${REPOSITORY_LABEL}=${source.repository}` })
  ).items as ExtensionVersion[];
  const byName = new Map(existing.map((object) => [object.metadata.name, object]));
  const touched = new Set<string>(existing.map(extensionOf));

  for (const [name, object] of desired) {
    touched.add(extensionOf(object));
    const current = byName.get(name);
    if (!current) {
      try {
        await store.create(object);
        change.created++;
      } catch (error) {
        if (!(error instanceof AlreadyExistsError)) throw error;
        change.conflicts.push(name);
      }
      continue;
    }
    const same =
      isDeepStrictEqual(current.spec, object.spec) &&
      isDeepStrictEqual(current.metadata.labels, object.metadata.labels) &&
      current.metadata.annotations?.[PUBLISHED_ANNOTATION] === object.metadata.annotations?.[PUBLISHED_ANNOTATION];
    if (same) continue;
    await store.patch(
      { ...ExtensionVersionRef, name },
      {
        type: 'json',
        patch: [
          { op: 'replace', path: '/spec', value: object.spec },
          { op: 'replace', path: '/metadata/labels', value: object.metadata.labels },
          {
            op: 'add',
            path: '/metadata/annotations',
            value: { ...current.metadata.annotations, ...object.metadata.annotations },
          },
        ],
      },
    );
    change.updated++;
  }

  const installed = await installedVersions(store);
  for (const object of existing) {
    if (desired.has(object.metadata.name)) continue;
    if (installed.has(`${extensionOf(object)}@${object.spec.version}`)) {
      change.keptInstalled++;
      continue;
    }
    await deleteIfExists(store, { ...ExtensionVersionRef, name: object.metadata.name });
    change.removed++;
  }

  // One list of every version (all repositories) instead of one per extension: the refresh is then in memory.
  const everyVersion = (await store.list(ExtensionVersionRef)).items as ExtensionVersion[];
  const byExtension = new Map<string, ExtensionVersion['spec'][]>();
  for (const object of everyVersion) {
    const name = extensionOf(object);
    byExtension.set(name, [...(byExtension.get(name) ?? []), object.spec]);
  }
  for (const extension of touched) {
    await refreshExtension(store, extension, kernelVersion, { installed, versions: byExtension.get(extension) ?? [] });
  }
  change.extensions = index.extensions.length;
  change.versions = desired.size;
  return change;
}

/**
 * Brings one Extension in line with every ExtensionVersion of it (from all
 * repositories): created when the first version appears, removed when the
 * last one goes and nothing installs it.
 */
export async function refreshExtension(
  store: ResourceStore,
  name: string,
  kernelVersion: string,
  known: { installed?: Set<string>; versions?: ExtensionVersion['spec'][] } = {},
): Promise<void> {
  const specs =
    known.versions ??
    (
      (await store.list(ExtensionVersionRef, { labelSelector: `${EXTENSION_LABEL}=${name}` }))
        .items as ExtensionVersion[]
    ).map((object) => object.spec);
  const versions = sortVersionsDescending(specs);
  const installed = known.installed;
  const ref = { ...ExtensionRef, name };
  const current = await getIfExists<Extension>(store, ref);
  if (versions.length === 0) {
    const stillInstalled = [...(installed ?? (await installedVersions(store)))].some((key) =>
      key.startsWith(`${name}@`),
    );
    if (current && !stillInstalled) await deleteIfExists(store, ref);
    else if (current) await patchStatus(store, name, { versions: [], recommendedVersion: null });
    return;
  }
  const newest = versions[0];
  const spec = pruneUndefined({
    displayName: newest?.displayName,
    description: newest?.description,
    provider: newest?.provider,
    icon: newest?.icon,
    category: newest?.category,
    keywords: newest?.keywords,
  });
  if (!current) {
    const object: Extension = { apiVersion: EXTENSIONS_API_VERSION, kind: 'Extension', metadata: { name }, spec };
    await store.create(object).catch((error: unknown) => {
      if (!(error instanceof AlreadyExistsError)) throw error;
    });
  } else if (!isDeepStrictEqual(current.spec ?? {}, spec)) {
    await store.patch(ref, { type: 'json', patch: [{ op: 'add', path: '/spec', value: spec }] });
  }
  const summaries = versions.map((version) => pruneUndefined({ version: version.version, kernel: version.kernel }));
  const recommended = recommendedVersion(summaries, kernelVersion) ?? null;
  const status = current?.status;
  if (isDeepStrictEqual(status?.versions, summaries) && (status?.recommendedVersion ?? null) === recommended) return;
  await patchStatus(store, name, { versions: summaries, recommendedVersion: recommended });
}

/** A merge patch of the status fields the catalogue owns; the store retries it on conflicts, so others' fields stay. */
async function patchStatus(store: ResourceStore, name: string, status: Record<string, unknown>): Promise<void> {
  await store.patch({ ...ExtensionRef, name }, { type: 'merge', patch: { status } }, { subresource: 'status' });
}

/** `extension@version` of everything an InstallPlan wants or has installed. */
export async function installedVersions(store: ResourceStore): Promise<Set<string>> {
  const plans = (await store.list(InstallPlanRef)).items as InstallPlan[];
  const keys = new Set<string>();
  for (const plan of plans) {
    keys.add(`${plan.spec.extension.name}@${plan.spec.extension.version}`);
    if (plan.status?.version) keys.add(`${plan.spec.extension.name}@${plan.status.version}`);
  }
  return keys;
}

function versionObject(source: CatalogueSource, extension: string, version: IndexedVersion): ExtensionVersion {
  return {
    apiVersion: EXTENSIONS_API_VERSION,
    kind: 'ExtensionVersion',
    metadata: {
      name: extensionVersionName(extension, version.version),
      labels: { [REPOSITORY_LABEL]: source.repository, [EXTENSION_LABEL]: extension },
      ...(version.created ? { annotations: { [PUBLISHED_ANNOTATION]: version.created } } : {}),
    },
    spec: pruneUndefined({
      ...version.manifest,
      digest: version.digest,
      location: resolveLocation(source.baseUrl, version.location),
      publisher: version.publisher,
      readme: version.readme,
      changelog: version.changelog,
    }),
  };
}

function extensionOf(object: Pick<Resource, 'metadata'> & { spec: { name: string } }): string {
  return object.metadata.labels?.[EXTENSION_LABEL] ?? object.spec.name;
}

function pruneUndefined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
