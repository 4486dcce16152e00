import { NotFoundError, type Resource } from '@mortise/api';
import { deleteIfExists, type ResourceStore } from '@mortise/store';
import type { RuntimeManifest } from './extension-manifest.js';

const IAM = 'iam.mortise.io';
const EXTENSIONS = 'extensions.mortise.io';
const OWNER_LABEL = 'extensions.mortise.io/extension';

/** The RoleTemplates, the ExtensionEntry and the JSBundles an extension's manifest declares, as kernel objects. */
export function publicationsOf(manifest: RuntimeManifest): Resource[] {
  const labels = { [OWNER_LABEL]: manifest.name };
  const templates: Resource[] = (manifest.roleTemplates ?? []).map((t) => ({
    apiVersion: `${IAM}/v1`,
    kind: 'RoleTemplate',
    metadata: {
      name: t.name,
      labels: {
        ...labels,
        ...Object.fromEntries((t.aggregateTo ?? []).map((role) => [`iam.mortise.io/aggregate-to-${role}`, 'true'])),
      },
    },
    rules: t.rules,
    spec: {
      ...(t.displayName !== undefined ? { displayName: t.displayName } : {}),
      ...(t.description !== undefined ? { description: t.description } : {}),
    },
  }));
  const entries: Resource[] = manifest.entries?.length
    ? [
        {
          apiVersion: `${EXTENSIONS}/v1`,
          kind: 'ExtensionEntry',
          metadata: { name: manifest.name, labels },
          spec: { entries: manifest.entries },
        },
      ]
    : [];
  const bundles: Resource[] = (manifest.jsBundles ?? []).map(({ name, ...spec }) => ({
    apiVersion: `${EXTENSIONS}/v1`,
    kind: 'JSBundle',
    metadata: { name, labels },
    spec,
  }));
  return [...templates, ...entries, ...bundles];
}

function refOf(object: Resource) {
  return { group: object.apiVersion.split('/')[0] ?? '', kind: object.kind, name: object.metadata.name };
}

/** Writes the objects (create or replace), and deletes those of `previous` that are gone. */
export async function publish(store: ResourceStore, objects: Resource[], previous: Resource[] = []): Promise<void> {
  for (const object of objects) {
    try {
      const current = await store.get(refOf(object));
      await store.update({
        ...object,
        metadata: { ...object.metadata, resourceVersion: current.metadata.resourceVersion },
      });
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      await store.create(object);
    }
  }
  const kept = new Set(objects.map((o) => `${o.kind}/${o.metadata.name}`));
  await unpublish(
    store,
    previous.filter((o) => !kept.has(`${o.kind}/${o.metadata.name}`)),
  );
}

export async function unpublish(store: ResourceStore, objects: Resource[]): Promise<void> {
  for (const object of objects) await deleteIfExists(store, refOf(object));
}
