import { randomUUID } from 'node:crypto';
import {
  AlreadyExistsError,
  EXTENSIONS_GROUP,
  type AdmissionPlugin,
  type AdmissionRequest,
  type InstallPlan,
  type KindDefinition,
} from '@mortise/api';
import { getIfExists, type ResourceStore } from '@mortise/store';
import { adoptedMetadata, isAutoInstalled } from './auto-installed.js';
import { ConfigSecrets, splitSecrets, writeOnlyPaths } from './config-secrets.js';
import { resolveDependencies } from './dependency-resolver.js';
import { PURGE_ANNOTATION, SECRET_REVISION_ANNOTATION, planRef } from './install-plan-names.js';
import type { InstallSteps } from './install-steps.js';

/**
 * Checks an InstallPlan before it is stored, so a bad one is a 422 and
 * nothing is installed: the version exists, fits the kernel, its config
 * matches `configSchema`, its dependencies resolve. Write-only config values
 * (`writeOnly: true` in the schema) are taken out of the plan and kept
 * encrypted (an update that leaves one out keeps the stored value); a
 * delete with `?purge=true` marks the plan for purging. A user's edit of the
 * spec of an auto-installed plan, or their removing its label, makes it
 * theirs (every mark goes), so the kernel never removes it on its own.
 */
export class InstallPlanAdmission implements AdmissionPlugin {
  readonly name = 'install-plans';

  constructor(
    private readonly store: ResourceStore,
    private readonly steps: InstallSteps,
    private readonly secrets: ConfigSecrets,
    private readonly kernelVersion: string,
  ) {}

  handles(kind: KindDefinition): boolean {
    return kind.group === EXTENSIONS_GROUP && kind.kind === 'InstallPlan';
  }

  async admit(request: AdmissionRequest): Promise<void> {
    if (request.operation === 'delete') return this.markPurge(request);
    const plan = request.object as InstallPlan;
    const name = plan.metadata.name;
    if (request.operation === 'create' && (await this.exists(name))) {
      throw new AlreadyExistsError(`InstallPlan "${name}" already exists`, { name });
    }
    const old = request.oldObject as InstallPlan | undefined;
    const specChanged = !old || JSON.stringify(old.spec) !== JSON.stringify(plan.spec);
    // A user's spec edit, or their taking the label off, makes an auto-installed plan theirs: no mark of it is left.
    if (old && !old.metadata.deletionTimestamp && isAutoInstalled(old) && (specChanged || !isAutoInstalled(plan))) {
      plan.metadata = adoptedMetadata(plan.metadata);
    }
    // Annotations (retry, force-delete, purge) and edits of a plan being deleted are never refused: nothing to check.
    if (old && (old.metadata.deletionTimestamp || !specChanged)) return;
    const version = await this.steps.versionOf(plan.spec.extension.name, plan.spec.extension.version);
    const { visible, secrets } = splitSecrets(plan.spec.config ?? {}, writeOnlyPaths(version.spec.configSchema));
    const kept = request.operation === 'update' ? await this.secrets.read(name) : {};
    const merged = { ...kept, ...secrets };
    // The kernel range is checked for a new version; an installed one that no longer fits can still be disabled.
    const newVersion = old?.spec.extension.version !== plan.spec.extension.version;
    await this.steps.check(plan, version, merged, { kernel: newVersion });
    if (newVersion) {
      await resolveDependencies(
        version.spec,
        {
          versionsOf: (extension) => this.steps.versionsOf(extension),
          plannedVersion: async (extension) => (await this.steps.plan(extension))?.spec.extension.version,
        },
        this.kernelVersion,
      );
    }
    if (plan.spec.config !== undefined) plan.spec.config = visible;
    // Written before the plan, so the controller never sees a plan without its secrets.
    if (Object.keys(secrets).length > 0) {
      await this.secrets.write(name, merged);
      plan.metadata.annotations = { ...plan.metadata.annotations, [SECRET_REVISION_ANNOTATION]: randomUUID() };
    }
  }

  private async exists(name: string): Promise<boolean> {
    return (await getIfExists(this.store, planRef(name))) !== undefined;
  }

  private async markPurge(request: AdmissionRequest): Promise<void> {
    if (request.options['purge'] !== 'true') return;
    await this.store.patch(planRef(request.object.metadata.name), {
      type: 'merge',
      patch: { metadata: { annotations: { [PURGE_ANNOTATION]: 'true' } } },
    });
  }
}
