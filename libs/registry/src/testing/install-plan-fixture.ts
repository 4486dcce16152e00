import type { ExtensionVersion, InstallPlan } from '@mortise/api';
import type { ResourceStore } from '@mortise/store';
import { autoInstalledMetadata } from '../install/auto-installed.js';
import { UNINSTALL_FINALIZER } from '../install/install-plan-names.js';

export interface PlanFixture {
  version?: string;
  /** Installed (status.version = the spec's version) unless told otherwise. */
  installed?: boolean;
  /** Created for a dependency of this plan. */
  autoFor?: string;
  deleting?: boolean;
  generation?: number;
}

/** An InstallPlan as the controller leaves it: named after its extension, with the uninstall finalizer. */
export function planFixture(name: string, fixture: PlanFixture = {}): InstallPlan {
  const version = fixture.version ?? '1.0.0';
  const metadata = fixture.autoFor ? autoInstalledMetadata(name, fixture.autoFor) : { name };
  return {
    apiVersion: 'extensions.mortise.io/v1',
    kind: 'InstallPlan',
    metadata: {
      ...metadata,
      finalizers: [UNINSTALL_FINALIZER],
      generation: fixture.generation ?? 1,
      ...(fixture.deleting ? { deletionTimestamp: new Date().toISOString() } : {}),
    },
    spec: { extension: { name, version }, enabled: true },
    status: fixture.installed === false ? { state: 'Pending' } : { state: 'Installed', version },
  };
}

/** A released version with these dependencies (`name → range`). */
export function versionFixture(
  name: string,
  version: string,
  dependencies: Record<string, string> = {},
): ExtensionVersion {
  return {
    apiVersion: 'extensions.mortise.io/v1',
    kind: 'ExtensionVersion',
    metadata: { name: `${name}-${version}` },
    spec: { name, version, dependencies },
  };
}

/** Stores each plan with its status, as the controller would have written it. */
export async function storePlans(store: ResourceStore, plans: InstallPlan[]): Promise<void> {
  for (const plan of plans) {
    const { deletionTimestamp: _deleting, generation: _generation, ...metadata } = plan.metadata;
    const created = await store.create({ ...plan, metadata });
    await store.update({ ...created, status: plan.status }, { subresource: 'status' });
    if (plan.metadata.deletionTimestamp)
      await store.delete({ group: 'extensions.mortise.io', kind: 'InstallPlan', name: plan.metadata.name });
  }
}
