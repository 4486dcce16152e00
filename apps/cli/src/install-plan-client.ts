import { CliError, ExitCode } from './exit-codes.js';
import type { KernelClient } from './kernel-client.js';

export const EXTENSIONS_API = '/kapis/extensions.mortise.io/v1';
export const INSTALL_PLANS_PATH = `${EXTENSIONS_API}/installplans`;

export type PlanState =
  | 'Pending'
  | 'Downloading'
  | 'Installing'
  | 'Installed'
  | 'Upgrading'
  | 'Uninstalling'
  | 'Uninstalled'
  | 'InstallFailed'
  | 'UpgradeFailed'
  | 'UninstallFailed';

export const FAILED_STATES: readonly PlanState[] = ['InstallFailed', 'UpgradeFailed', 'UninstallFailed'];

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

/** The InstallPlan fields the CLI reads and writes (`extensions.mortise.io/v1`). */
export interface InstallPlan {
  apiVersion: string;
  kind: 'InstallPlan';
  metadata: {
    name: string;
    resourceVersion?: string;
    generation?: number;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    deletionTimestamp?: string;
  };
  spec: {
    extension: { name: string; version: string };
    enabled?: boolean;
    config?: Record<string, unknown>;
    workspaces?: string[];
  };
  status?: {
    state?: PlanState;
    version?: string;
    observedGeneration?: number;
    conditions?: Condition[];
    stateHistory?: { state: PlanState; lastTransitionTime: string; message?: string }[];
  };
}

export interface PlanList {
  items: InstallPlan[];
}

/** On a plan the kernel created for a dependency (it goes when nothing needs it any more). */
export const AUTO_INSTALLED_LABEL = 'extensions.mortise.io/auto-installed';
/** On an auto-installed plan: the plans that need it, comma-separated. */
export const REQUIRED_BY_ANNOTATION = 'extensions.mortise.io/required-by';

/** The plans an auto-installed plan was installed for; `undefined` for a plan someone installed explicitly. */
export function autoInstalledFor(plan: InstallPlan): string[] | undefined {
  if (plan.metadata.labels?.[AUTO_INSTALLED_LABEL] !== 'true') return undefined;
  return (plan.metadata.annotations?.[REQUIRED_BY_ANNOTATION] ?? '').split(',').filter((name) => name !== '');
}

/** Takes an auto-installed plan's marks off: it is the user's from now on, never removed by the kernel. */
export function adoptPlan(kernel: KernelClient, name: string): Promise<InstallPlan> {
  return updatePlan(kernel, name, (plan) => {
    delete plan.metadata.labels?.[AUTO_INSTALLED_LABEL];
    delete plan.metadata.annotations?.[REQUIRED_BY_ANNOTATION];
  });
}

export function planPath(name: string): string {
  return `${INSTALL_PLANS_PATH}/${encodeURIComponent(name)}`;
}

/** The plan of an extension, or a NotFound CliError that says it is not installed. */
export async function getPlan(kernel: KernelClient, name: string): Promise<InstallPlan> {
  const plan = await kernel.request<InstallPlan | undefined>('GET', planPath(name), { allow: [404] });
  if (!plan)
    throw new CliError(
      `extension "${name}" is not installed (no InstallPlan "${name}")`,
      ExitCode.NotFound,
      'NotFound',
    );
  return plan;
}

/**
 * Read, change, write with the read resourceVersion; a concurrent writer
 * makes the kernel answer 409, and the change is applied again to the fresh object.
 */
export async function updatePlan(
  kernel: KernelClient,
  name: string,
  change: (plan: InstallPlan) => void,
): Promise<InstallPlan> {
  for (let attempt = 0; ; attempt++) {
    const plan = await getPlan(kernel, name);
    change(plan);
    try {
      return await kernel.request<InstallPlan>('PUT', planPath(name), { body: plan });
    } catch (err) {
      if (attempt < 3 && err instanceof CliError && err.reason === 'Conflict') continue;
      throw err;
    }
  }
}

/** Why a plan failed: its last condition that is not True, else the last history message. */
export function failureReason(plan: InstallPlan): string {
  const condition = [...(plan.status?.conditions ?? [])].reverse().find((c) => c.status !== 'True' && c.message);
  if (condition) {
    const reason = condition.reason ?? condition.type;
    return reason === plan.status?.state ? (condition.message ?? reason) : `${reason}: ${condition.message}`;
  }
  const last = plan.status?.stateHistory?.at(-1);
  return last?.message ?? 'no reason given';
}
