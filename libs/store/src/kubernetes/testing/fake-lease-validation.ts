import { invalid } from './fake-kube-errors.js';
import { KubeStatusError, type KubeObject, type ResourceType } from './fake-kube-types.js';

/** `metav1.MicroTime` on the wire: RFC 3339 with exactly six fractional digits, in UTC. */
const MICRO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/**
 * What the API server checks on a `coordination.k8s.io/v1` Lease: times
 * must decode as MicroTime (a 400 from the decoder otherwise, as for a
 * millisecond `...123Z`), durations and transitions must be in range (422).
 */
export function validateLease(type: ResourceType, object: KubeObject): void {
  const name = object.metadata?.name ?? '';
  const spec = (object['spec'] ?? {}) as Record<string, unknown>;
  for (const field of ['acquireTime', 'renewTime'] as const) {
    const value = spec[field];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string' || !MICRO_TIME.test(value)) {
      throw new KubeStatusError(
        400,
        'BadRequest',
        `Lease in version "v1" cannot be handled as a Lease: parsing time ${JSON.stringify(value)} as "2006-01-02T15:04:05.000000Z07:00": cannot parse spec.${field}`,
      );
    }
  }
  const duration = spec['leaseDurationSeconds'];
  if (duration !== undefined && (!Number.isInteger(duration) || (duration as number) <= 0)) {
    throw invalid(
      type,
      name,
      'spec.leaseDurationSeconds',
      `Invalid value: ${JSON.stringify(duration)}: must be greater than 0`,
    );
  }
  const transitions = spec['leaseTransitions'];
  if (transitions !== undefined && (!Number.isInteger(transitions) || (transitions as number) < 0)) {
    throw invalid(
      type,
      name,
      'spec.leaseTransitions',
      `Invalid value: ${JSON.stringify(transitions)}: must be greater than or equal to 0`,
    );
  }
}
