import type { Condition, GatewayStatus } from '@mortise/api';
import type { UpstreamAvailability } from '../upstream/upstream.js';

/** The status an object should show for an availability; `previous` keeps the transition time when nothing changed. */
export function gatewayStatus(
  availability: UpstreamAvailability,
  previous: GatewayStatus | undefined,
  generation: number | undefined,
  now: () => Date = () => new Date(),
): GatewayStatus {
  const status = availability.state === 'Available' ? 'True' : 'False';
  const before = previous?.conditions?.find((c) => c.type === 'Available');
  const condition: Condition = {
    type: 'Available',
    status,
    reason: availability.reason,
    message: availability.message,
    lastTransitionTime:
      before && before.status === status && before.lastTransitionTime ? before.lastTransitionTime : now().toISOString(),
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
  };
  const others = (previous?.conditions ?? []).filter((c) => c.type !== 'Available');
  return { state: availability.state, conditions: [...others, condition] };
}

/** Whether two statuses say the same thing (ignoring timestamps). */
export function sameStatus(a: GatewayStatus | undefined, b: GatewayStatus): boolean {
  const ca = a?.conditions?.find((c) => c.type === 'Available');
  const cb = b.conditions?.find((c) => c.type === 'Available');
  return (
    a?.state === b.state &&
    ca?.status === cb?.status &&
    ca?.reason === cb?.reason &&
    ca?.message === cb?.message &&
    ca?.observedGeneration === cb?.observedGeneration
  );
}
