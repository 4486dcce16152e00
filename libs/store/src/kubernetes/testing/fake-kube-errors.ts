import { KubeStatusError, type ResourceType } from './fake-kube-types.js';

/** The Status errors of the generic registry, with the real server's messages. */

export const qualified = (type: ResourceType) => (type.group ? `${type.plural}.${type.group}` : type.plural);

export function notFound(type: ResourceType, name: string): KubeStatusError {
  return new KubeStatusError(404, 'NotFound', `${qualified(type)} "${name}" not found`, {
    name,
    group: type.group,
    kind: type.plural,
  });
}

export function conflict(type: ResourceType, name: string): KubeStatusError {
  return new KubeStatusError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualified(type)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name, group: type.group, kind: type.plural },
  );
}

export function invalid(type: ResourceType, name: string, field: string, message: string): KubeStatusError {
  return new KubeStatusError(422, 'Invalid', `${type.kind} "${name}" is invalid: ${field}: ${message}`, {
    name,
    group: type.group,
    kind: type.kind,
    causes: [{ reason: 'FieldValueInvalid', message, field }],
  });
}

export function preconditionFailed(
  type: ResourceType,
  name: string,
  field: string,
  expected: string,
  actual: string,
): KubeStatusError {
  return new KubeStatusError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualified(type)} "${name}": Precondition failed: ${field} in precondition: ${expected}, ${field} in object meta: ${actual}`,
    { name, group: type.group, kind: type.plural },
  );
}
