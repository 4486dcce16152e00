import { EXTENSIONS_GROUP, IAM_GROUP, InvalidError, type ExtensionManifest, type Resource } from '@mortise/api';
import { deleteIfExists, getIfExists, type KindRef, type ResourceStore } from '@mortise/store';
import { EXTENSION_LABEL, GATEWAY_DISABLED_ANNOTATION } from './install-plan-names.js';

type Item = Record<string, unknown>;

/** The kinds install plans write for an extension, and delete (by label) on uninstall. */
export const GATEWAY_KINDS: KindRef[] = ['APIService', 'ReverseProxy', 'JSBundle', 'ExtensionEntry'].map((kind) => ({
  group: EXTENSIONS_GROUP,
  kind,
}));
export const ROLE_TEMPLATE_KIND: KindRef = { group: IAM_GROUP, kind: 'RoleTemplate' };

/** Where a service backend is reached: `{url}` or a Kubernetes Service reference. */
function endpointOf(manifest: ExtensionManifest, path: unknown): Item {
  const service = manifest.backend?.service ?? {};
  const suffix = typeof path === 'string' ? path : '';
  if (typeof service['url'] === 'string') return { url: service['url'].replace(/\/$/, '') + suffix };
  if (typeof service['name'] === 'string') {
    const base = typeof service['path'] === 'string' ? service['path'] : '';
    return { service: { ...service, path: base + suffix } };
  }
  throw new InvalidError(`extension "${manifest.name}": backend.service needs a url or {namespace, name, port}`);
}

/** An item keeps its own endpoint when it names one, else gets the backend's (plus its `path`). */
function specOf(manifest: ExtensionManifest, item: Item): Item {
  const { name: _name, path, ...rest } = item;
  const ownEndpoint = rest['url'] !== undefined || rest['service'] !== undefined || rest['raw'] !== undefined;
  const fileBundle = rest['file'] !== undefined;
  return ownEndpoint || fileBundle ? rest : { ...rest, ...endpointOf(manifest, path) };
}

function labelled(manifest: ExtensionManifest, kind: string, group: string, name: string, body: Item): Resource {
  return {
    apiVersion: `${group}/v1`,
    kind,
    metadata: { name, labels: { [EXTENSION_LABEL]: manifest.name } },
    ...body,
  };
}

/**
 * The gateway objects of a service extension (its APIServices,
 * ReverseProxies, JSBundles with the backend's endpoint, its ExtensionEntry)
 * and its RoleTemplates, all labelled with the extension. Module extensions
 * get RoleTemplates and entries from the runtime instead.
 */
export function serviceExtensionObjects(manifest: ExtensionManifest): Resource[] {
  const named = (items: Item[] | undefined, kind: string) =>
    (items ?? []).map((item, i) => {
      const name = typeof item['name'] === 'string' ? item['name'] : `${manifest.name}-${kind.toLowerCase()}-${i}`;
      return labelled(manifest, kind, EXTENSIONS_GROUP, name, { spec: specOf(manifest, item) });
    });
  const entries = manifest.entries?.length
    ? [labelled(manifest, 'ExtensionEntry', EXTENSIONS_GROUP, manifest.name, { spec: { entries: manifest.entries } })]
    : [];
  const templates = (manifest.roleTemplates ?? []).map((t) => {
    const aggregateTo = Array.isArray(t['aggregateTo']) ? (t['aggregateTo'] as string[]) : [];
    const object = labelled(manifest, 'RoleTemplate', IAM_GROUP, String(t['name']), {
      rules: t['rules'] ?? [],
      spec: {
        ...(t['displayName'] !== undefined ? { displayName: t['displayName'] } : {}),
        ...(t['description'] !== undefined ? { description: t['description'] } : {}),
      },
    });
    for (const role of aggregateTo) object.metadata.labels![`iam.mortise.io/aggregate-to-${role}`] = 'true';
    return object;
  });
  return [
    ...named(manifest.apiServices, 'APIService'),
    ...named(manifest.reverseProxies, 'ReverseProxy'),
    ...named(manifest.jsBundles, 'JSBundle'),
    ...entries,
    ...templates,
  ];
}

/** Gateway objects carry the disabled annotation while the plan is disabled: kept, answered 503. */
export function withDisabled(objects: Resource[], disabled: boolean): Resource[] {
  return objects.map((object) =>
    GATEWAY_KINDS.some((k) => k.kind === object.kind) && object.kind !== 'ExtensionEntry'
      ? {
          ...object,
          metadata: {
            ...object.metadata,
            annotations: {
              ...object.metadata.annotations,
              ...(disabled ? { [GATEWAY_DISABLED_ANNOTATION]: 'true' } : {}),
            },
          },
        }
      : object,
  );
}

function refOf(object: Resource) {
  return { group: object.apiVersion.split('/')[0] ?? '', kind: object.kind, name: object.metadata.name };
}

/** Creates the object, or replaces the stored one (after `check` accepts it). */
export async function createOrReplace(
  store: ResourceStore,
  object: Resource,
  check: (current: Resource) => void = () => undefined,
): Promise<void> {
  const current = await getIfExists(store, refOf(object));
  if (!current) {
    await store.create(object);
    return;
  }
  check(current);
  await store.update({
    ...object,
    metadata: { ...object.metadata, resourceVersion: current.metadata.resourceVersion },
  });
}

/**
 * Makes the store hold exactly `objects` among those of `kinds` labelled with
 * the extension: creates or replaces each, deletes the rest. Idempotent, so a
 * step cut short by a crash is simply run again.
 */
export async function syncLabelledObjects(
  store: ResourceStore,
  extension: string,
  kinds: KindRef[],
  objects: Resource[],
): Promise<void> {
  for (const object of objects) {
    await createOrReplace(store, object, (current) => {
      const owner = current.metadata.labels?.[EXTENSION_LABEL];
      if (owner === extension) return;
      throw new InvalidError(
        `${object.kind} "${object.metadata.name}" exists and belongs to ${owner ? `extension "${owner}"` : 'no extension'}; rename it in the manifest`,
      );
    });
  }
  const kept = new Set(objects.map((o) => `${o.kind}/${o.metadata.name}`));
  for (const kind of kinds) {
    const { items } = await store.list(kind, { labelSelector: `${EXTENSION_LABEL}=${extension}` });
    for (const item of items) {
      if (kept.has(`${item.kind}/${item.metadata.name}`)) continue;
      await deleteIfExists(store, refOf(item));
    }
  }
}
