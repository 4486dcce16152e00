import { useEffect, useState } from 'react';
import { apiJson, watchJsonLines } from '../api/api-client.js';
import type { Resource } from '../api/use-api.js';

export const EXTENSIONS_API = '/kapis/extensions.mortise.io/v1';
const PLANS = `${EXTENSIONS_API}/installplans`;
const MERGE_PATCH = { 'content-type': 'application/merge-patch+json' };
/** Asks the install controller to try a failed plan again (any new value does). */
export const RETRY_ANNOTATION = 'extensions.mortise.io/retry';

/** On a plan the kernel created for a dependency: it is uninstalled once nothing needs it. */
export const AUTO_INSTALLED_LABEL = 'extensions.mortise.io/auto-installed';
/** On an auto-installed plan: the extensions that need it, comma-separated. */
const REQUIRED_BY_ANNOTATION = 'extensions.mortise.io/required-by';

export type InstallPlan = Resource<
  { extension: { name: string; version: string }; enabled?: boolean },
  {
    state?: string;
    version?: string;
    conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>;
    stateHistory?: Array<{ state: string; lastTransitionTime: string; message?: string }>;
  }
>;

/** The steps a plan goes through, for the progress bar. */
export const INSTALL_STEPS = ['Pending', 'Downloading', 'Installing', 'Installed'];

export function isFailed(plan: InstallPlan | undefined): boolean {
  return plan?.status?.state?.endsWith('Failed') ?? false;
}

/** Why a plan failed: the message of its failing condition, else of its last state change. */
export function failureReason(plan: InstallPlan): string {
  const condition = plan.status?.conditions?.find((c) => c.status === 'False' && c.message);
  return condition?.message ?? plan.status?.stateHistory?.at(-1)?.message ?? 'no reason given';
}

/** What an auto-installed plan was installed for; undefined for a plan someone installed. */
export function autoInstalledFor(plan: InstallPlan): string[] | undefined {
  if (plan.metadata.labels?.[AUTO_INSTALLED_LABEL] !== 'true') return undefined;
  return (plan.metadata.annotations?.[REQUIRED_BY_ANNOTATION] ?? '').split(',').filter((name) => name !== '');
}

/** Every install plan the user may see, live from the watch: name → plan. */
export function useInstallPlans(enabled: boolean): Map<string, InstallPlan> {
  const [plans, setPlans] = useState(new Map<string, InstallPlan>());
  useEffect(() => {
    if (!enabled) return;
    return watchJsonLines<{ type: string; object: InstallPlan }>(`${PLANS}?watch=true`, (event) => {
      if (!event.object?.metadata) return;
      setPlans((previous) => {
        const next = new Map(previous);
        if (event.type === 'DELETED') next.delete(event.object.metadata.name);
        else if (event.type === 'ADDED' || event.type === 'MODIFIED')
          next.set(event.object.metadata.name, event.object);
        return next;
      });
    });
  }, [enabled]);
  return plans;
}

const planPath = (name: string) => `${PLANS}/${encodeURIComponent(name)}`;

export const installPlanActions = {
  install: (name: string, version: string) =>
    apiJson(PLANS, {
      method: 'POST',
      body: {
        apiVersion: 'extensions.mortise.io/v1',
        kind: 'InstallPlan',
        metadata: { name },
        spec: { extension: { name, version }, enabled: true },
      },
    }),
  upgrade: (name: string, version: string) =>
    apiJson(planPath(name), {
      method: 'PATCH',
      headers: MERGE_PATCH,
      body: { spec: { extension: { name, version } } },
    }),
  setEnabled: (name: string, enabled: boolean) =>
    apiJson(planPath(name), { method: 'PATCH', headers: MERGE_PATCH, body: { spec: { enabled } } }),
  retry: (name: string) =>
    apiJson(planPath(name), {
      method: 'PATCH',
      headers: MERGE_PATCH,
      body: { metadata: { annotations: { [RETRY_ANNOTATION]: new Date().toISOString() } } },
    }),
  /** Makes an auto-installed plan the user's: kept when nothing needs it any more. */
  keep: (name: string) =>
    apiJson(planPath(name), {
      method: 'PATCH',
      headers: MERGE_PATCH,
      body: { metadata: { labels: { [AUTO_INSTALLED_LABEL]: null } } },
    }),
  uninstall: (name: string) => apiJson(planPath(name), { method: 'DELETE' }),
};
