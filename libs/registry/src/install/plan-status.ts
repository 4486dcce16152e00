import { NotFoundError, type Condition, type InstallPlan, type InstallPlanState } from '@mortise/api';
import type { ResourceStore } from '@mortise/store';
import { EXTENSION_KIND, planRef } from './install-plan-names.js';

/** How many state transitions a plan keeps in `status.stateHistory`. */
export const STATE_HISTORY_LIMIT = 20;

export type PlanStatus = NonNullable<InstallPlan['status']>;

/** Status fields to change; `null` removes one (merge patch). */
export type StatusChange = { [K in keyof PlanStatus]?: PlanStatus[K] | null };

/** The condition a state implies: `Installed` is True only in `Installed`. */
function installedCondition(state: InstallPlanState, message: string | undefined, now: string): Condition {
  const failed = state.endsWith('Failed');
  return {
    type: 'Installed',
    status: state === 'Installed' ? 'True' : failed ? 'False' : 'Unknown',
    reason: state,
    ...(message !== undefined ? { message } : {}),
    lastTransitionTime: now,
  };
}

export function withCondition(conditions: Condition[] | undefined, condition: Condition): Condition[] {
  const others = (conditions ?? []).filter((c) => c.type !== condition.type);
  const previous = conditions?.find((c) => c.type === condition.type);
  const unchanged = previous && previous.status === condition.status && previous.reason === condition.reason;
  return [
    ...others,
    unchanged && previous.lastTransitionTime
      ? { ...condition, lastTransitionTime: previous.lastTransitionTime }
      : condition,
  ];
}

export function withoutCondition(conditions: Condition[] | undefined, type: string): Condition[] {
  return (conditions ?? []).filter((c) => c.type !== type);
}

/** The conditions with `Enabled` saying whether, and where, the plan's extension is enabled. */
export function withEnabledCondition(plan: InstallPlan, conditions: Condition[] | undefined): Condition[] {
  const enabled = plan.spec.enabled !== false;
  return withCondition(conditions, {
    type: 'Enabled',
    status: enabled ? 'True' : 'False',
    reason: enabled ? 'Enabled' : 'Disabled',
    message: plan.spec.workspaces?.length ? `in workspaces ${plan.spec.workspaces.join(', ')}` : 'everywhere',
    lastTransitionTime: new Date().toISOString(),
  });
}

/**
 * Writes the plan's status. Recorded before the side effects of a state, so a
 * kernel killed mid-way resumes from the state it was in.
 */
export class PlanStatusWriter {
  constructor(
    private readonly store: ResourceStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async transition(
    plan: InstallPlan,
    state: InstallPlanState,
    message?: string,
    change: StatusChange = {},
  ): Promise<InstallPlan> {
    const now = this.now().toISOString();
    const status = plan.status ?? {};
    const history =
      status.state === state && status.stateHistory?.at(-1)?.message === message
        ? status.stateHistory
        : [
            ...(status.stateHistory ?? []),
            { state, lastTransitionTime: now, ...(message !== undefined ? { message } : {}) },
          ].slice(-STATE_HISTORY_LIMIT);
    return this.write(plan, {
      ...change,
      state,
      stateHistory: history,
      conditions: withCondition(change.conditions ?? status.conditions, installedCondition(state, message, now)),
    });
  }

  async write(plan: InstallPlan, change: StatusChange): Promise<InstallPlan> {
    const updated = (await this.store.patch(
      planRef(plan.metadata.name),
      { type: 'merge', patch: { status: change } },
      { subresource: 'status' },
    )) as InstallPlan;
    return updated;
  }

  /** Mirrors the plan on its Extension (repository sync owns the other fields); no Extension, nothing to do. */
  async mirror(extension: string, installedVersion: string | undefined, state: string | undefined): Promise<void> {
    await this.store
      .patch(
        { ...EXTENSION_KIND, name: extension },
        { type: 'merge', patch: { status: { installedVersion: installedVersion ?? null, state: state ?? null } } },
        { subresource: 'status' },
      )
      .catch((err: unknown) => {
        if (!(err instanceof NotFoundError)) throw err;
      });
  }
}
