import type { ErrorObject } from 'ajv';
import type { StatusCause } from './errors.js';

/**
 * Turns ajv errors into Kubernetes-style causes: field paths like
 * `spec.rules[0].verbs` and the reasons `kubectl` users know.
 */
export function causesFromAjvErrors(errors: readonly ErrorObject[]): StatusCause[] {
  return errors.map((error) => {
    const cause = causeOf(error);
    // The object itself (not one of its fields) is wrong: no field to name.
    if (cause.field === '') delete cause.field;
    return cause;
  });
}

function causeOf(error: ErrorObject): StatusCause {
  const base = fieldPath(error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required': {
      const missing = String(params['missingProperty']);
      return { reason: 'FieldValueRequired', field: joinField(base, missing), message: 'Required value' };
    }
    case 'additionalProperties': {
      const extra = String(params['additionalProperty']);
      return { reason: 'FieldValueInvalid', field: joinField(base, extra), message: 'Unknown field' };
    }
    case 'enum': {
      const allowed = (params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ');
      return {
        reason: 'FieldValueNotSupported',
        field: base,
        message: `Unsupported value: supported values: ${allowed}`,
      };
    }
    case 'type':
      return { reason: 'FieldValueTypeInvalid', field: base, message: `Invalid value: ${error.message ?? ''}` };
    case 'maxLength':
      return { reason: 'FieldValueTooLong', field: base, message: `Too long: ${error.message ?? ''}` };
    case 'maxItems':
      return { reason: 'FieldValueTooMany', field: base, message: `Too many: ${error.message ?? ''}` };
    default:
      return { reason: 'FieldValueInvalid', field: base, message: `Invalid value: ${error.message ?? ''}` };
  }
}

/** `/spec/rules/0/verbs` → `spec.rules[0].verbs`; keys that are not identifiers go in brackets. */
export function fieldPath(instancePath: string): string {
  if (instancePath === '') return '';
  return instancePath
    .slice(1)
    .split('/')
    .map((raw) => raw.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, segment) => joinField(path, segment, /^\d+$/.test(segment)), '');
}

function joinField(path: string, segment: string, index = false): string {
  if (index || !/^[A-Za-z_$][\w$-]*$/.test(segment)) return `${path}[${segment}]`;
  return path === '' ? segment : `${path}.${segment}`;
}

/** `User "alice" is invalid: spec.email: …, metadata.name: …` — the Kubernetes wording. */
export function invalidMessage(subject: string, causes: readonly StatusCause[]): string {
  const summary = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message)).join(', ');
  return `${subject} is invalid: ${summary}`;
}
