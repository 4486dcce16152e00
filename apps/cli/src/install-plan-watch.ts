import { CliError, ExitCode } from './exit-codes.js';
import {
  FAILED_STATES,
  INSTALL_PLANS_PATH,
  failureReason,
  type InstallPlan,
  type PlanState,
} from './install-plan-client.js';
import type { KernelClient } from './kernel-client.js';

export interface WaitOptions {
  /** True when the plan reached what the command asked for. */
  done(plan: InstallPlan | undefined): boolean;
  timeoutMs: number;
  /** Called once per state the plan passes through (from its stateHistory, so quick ones are not missed). */
  onState?(state: PlanState, message: string | undefined): void;
  /** The plan as the command left it: transitions already in its history are not reported again. */
  before?: InstallPlan;
}

type HistoryEntry = NonNullable<NonNullable<InstallPlan['status']>['stateHistory']>[number];
const entryKey = (entry: HistoryEntry): string => `${entry.lastTransitionTime}|${entry.state}|${entry.message ?? ''}`;

/**
 * Follows one InstallPlan by watching it (from the version just read, so no
 * transition is missed) until `done`, a failed state (exit 1 with the plan's
 * reason), or the timeout (exit 5). `undefined` is passed once the plan is gone.
 */
export async function waitForPlan(
  kernel: KernelClient,
  name: string,
  options: WaitOptions,
): Promise<InstallPlan | undefined> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), options.timeoutMs);
  const reported = new Set((options.before?.status?.stateHistory ?? []).map(entryKey));
  let lastState = options.before?.status?.state;
  let current: InstallPlan | undefined;
  const observe = (plan: InstallPlan | undefined): boolean => {
    current = plan;
    const state = plan?.status?.state;
    for (const entry of plan?.status?.stateHistory ?? []) {
      if (reported.has(entryKey(entry))) continue;
      reported.add(entryKey(entry));
      lastState = entry.state;
      options.onState?.(entry.state, entry.message);
    }
    if (state && state !== lastState) {
      lastState = state;
      options.onState?.(state, undefined);
    }
    if (options.done(plan)) return true;
    if (
      plan &&
      state &&
      FAILED_STATES.includes(state) &&
      (plan.status?.observedGeneration ?? 0) >= (plan.metadata.generation ?? 0)
    ) {
      throw new CliError(`${name}: ${state}: ${failureReason(plan)}`, ExitCode.Failed, state);
    }
    return false;
  };
  try {
    for (;;) {
      const list = await kernel.request<{ items: InstallPlan[]; metadata?: { resourceVersion?: string } }>(
        'GET',
        INSTALL_PLANS_PATH,
        {
          query: { fieldSelector: `metadata.name=${name}` },
        },
      );
      const plan = list.items.find((p) => p.metadata.name === name);
      if (observe(plan)) return current;
      const from = list.metadata?.resourceVersion;
      for await (const event of kernel.watch<InstallPlan>(
        INSTALL_PLANS_PATH,
        { fieldSelector: `metadata.name=${name}`, resourceVersion: from },
        abort.signal,
      )) {
        if (event.type === 'BOOKMARK' || event.object?.metadata?.name !== name) continue;
        if (event.type === 'ERROR') break; // resume from a fresh read
        if (observe(event.type === 'DELETED' ? undefined : event.object)) return current;
      }
      if (abort.signal.aborted) break;
    }
  } catch (err) {
    // Anything but the timeout's own abort (a failed plan, a refused request) is the answer.
    if (!abort.signal.aborted) throw err;
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
  const state = current?.status?.state ?? (current ? 'no state yet' : 'gone');
  throw new CliError(
    `timed out after ${options.timeoutMs / 1000}s waiting for ${name} (state: ${state})`,
    ExitCode.Conflict,
    'Timeout',
  );
}

/** `5m`, `90s`, `300` (seconds) → milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw new CliError(`"${text}" is not a duration; use e.g. 90s, 5m`, ExitCode.Usage);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  return Number(match[1]) * unit;
}
