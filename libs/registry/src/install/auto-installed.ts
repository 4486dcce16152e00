import type { Condition, InstallPlan } from '@mortise/api';
import {
  AUTO_INSTALLED_LABEL,
  LEGACY_REQUIRED_BY_LABEL,
  REQUIRED_BY_ANNOTATION,
  UNINSTALL_REASON_ANNOTATION,
} from './install-plan-names.js';
import { withCondition, withoutCondition } from './plan-status.js';

/** The condition an auto-installed plan carries, saying why it exists. */
export const AUTO_INSTALLED_CONDITION = 'AutoInstalled';

type PlanMetadata = InstallPlan['metadata'];

/** Whether the install controller created the plan for a dependency, and may uninstall it once nothing needs it. */
export function isAutoInstalled(plan: Pick<InstallPlan, 'metadata'>): boolean {
  return plan.metadata.labels?.[AUTO_INSTALLED_LABEL] === 'true';
}

/** The plans recorded as needing an auto-installed plan. */
export function requiredByOf(plan: Pick<InstallPlan, 'metadata'>): string[] {
  const value = plan.metadata.annotations?.[REQUIRED_BY_ANNOTATION] ?? '';
  return value
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

/** The metadata of a plan created because `dependant` needs it. */
export function autoInstalledMetadata(name: string, dependant: string): PlanMetadata {
  return {
    name,
    labels: { [AUTO_INSTALLED_LABEL]: 'true' },
    annotations: { [REQUIRED_BY_ANNOTATION]: dependant },
  };
}

/** The metadata recording `dependants` (sorted, once each) as what needs the plan now. */
export function withRequiredBy(metadata: PlanMetadata, dependants: Iterable<string>): PlanMetadata {
  const { [UNINSTALL_REASON_ANNOTATION]: _reason, ...annotations } = metadata.annotations ?? {};
  return {
    ...metadata,
    annotations: { ...annotations, [REQUIRED_BY_ANNOTATION]: [...new Set(dependants)].sort().join(',') },
  };
}

/** The metadata of a plan a user has made theirs: no marker left that lets the controller remove it. */
export function adoptedMetadata(metadata: PlanMetadata): PlanMetadata {
  const { [AUTO_INSTALLED_LABEL]: _auto, [LEGACY_REQUIRED_BY_LABEL]: _legacy, ...labels } = metadata.labels ?? {};
  const {
    [REQUIRED_BY_ANNOTATION]: _requiredBy,
    [UNINSTALL_REASON_ANNOTATION]: _reason,
    ...annotations
  } = metadata.annotations ?? {};
  return { ...metadata, labels, annotations };
}

/**
 * A plan marked the old way (a `required-by` label, no `auto-installed`):
 * automatic if its spec was never edited (generation 1), else a user's.
 * `undefined`: nothing to migrate.
 */
export function migratedMetadata(plan: Pick<InstallPlan, 'metadata'>): PlanMetadata | undefined {
  const legacy = plan.metadata.labels?.[LEGACY_REQUIRED_BY_LABEL];
  if (legacy === undefined || isAutoInstalled(plan)) return undefined;
  const owned = adoptedMetadata(plan.metadata);
  if ((plan.metadata.generation ?? 1) > 1) return owned;
  return withRequiredBy({ ...owned, labels: { ...owned.labels, [AUTO_INSTALLED_LABEL]: 'true' } }, [legacy]);
}

/** Why an auto-installed plan exists, for its status; `undefined` for a user's plan. */
export function autoInstalledCondition(plan: Pick<InstallPlan, 'metadata'>): Condition | undefined {
  if (!isAutoInstalled(plan)) return undefined;
  const dependants = requiredByOf(plan);
  return {
    type: AUTO_INSTALLED_CONDITION,
    status: 'True',
    reason: 'Dependency',
    message:
      `installed automatically because ${dependants.length > 0 ? dependants.join(', ') : 'another extension'} ` +
      `depend${dependants.length === 1 ? 's' : ''} on it; uninstalled automatically once no installed extension does ` +
      `(edit its spec, or remove the label ${AUTO_INSTALLED_LABEL}, to keep it)`,
  };
}

/**
 * The plan's conditions with `AutoInstalled` in step with its marks (added
 * or updated for an auto-installed plan, removed from a user's);
 * `undefined` when they already are.
 */
export function originConditions(plan: InstallPlan): Condition[] | undefined {
  const wanted = autoInstalledCondition(plan);
  const conditions = plan.status?.conditions;
  const shown = conditions?.find((c) => c.type === AUTO_INSTALLED_CONDITION);
  if (wanted ? shown?.message === wanted.message : shown === undefined) return undefined;
  return wanted
    ? withCondition(conditions, { ...wanted, lastTransitionTime: new Date().toISOString() })
    : withoutCondition(conditions, AUTO_INSTALLED_CONDITION);
}

/** The Uninstalling message the controller records for a plan it removes itself. */
export function uninstallReasonOf(plan: Pick<InstallPlan, 'metadata'>): string | undefined {
  return plan.metadata.annotations?.[UNINSTALL_REASON_ANNOTATION];
}

/** The metadata of an auto-installed plan about to be removed, saying why. */
export function withUninstallReason(metadata: PlanMetadata, reason: string): PlanMetadata {
  return { ...metadata, annotations: { ...metadata.annotations, [UNINSTALL_REASON_ANNOTATION]: reason } };
}
