import type { StatusCause } from './errors.js';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export type NameRule = 'dns1123-label' | 'dns1123-subdomain';

/** Returns the problems with `name` under the given rule; empty when valid. */
export function validateObjectName(name: string, rule: NameRule, field = 'metadata.name'): StatusCause[] {
  switch (rule) {
    case 'dns1123-label':
      if (name.length > 63 || !DNS1123_LABEL.test(name)) {
        return [
          {
            reason: 'FieldValueInvalid',
            field,
            message: `"${name}" must be a DNS-1123 label: at most 63 lowercase letters, digits or '-', starting and ending with a letter or digit`,
          },
        ];
      }
      return [];
    case 'dns1123-subdomain':
      if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) {
        return [
          {
            reason: 'FieldValueInvalid',
            field,
            message: `"${name}" must be a DNS-1123 subdomain: at most 253 lowercase letters, digits, '-' or '.', starting and ending with a letter or digit`,
          },
        ];
      }
      return [];
    default: {
      const unreachable: never = rule;
      return unreachable;
    }
  }
}

/** Label keys are `[prefix/]name` (prefix a DNS-1123 subdomain); values at most 63 characters. */
export function validateLabels(labels: Record<string, string> | undefined, field = 'metadata.labels'): StatusCause[] {
  const causes: StatusCause[] = [];
  for (const [key, value] of Object.entries(labels ?? {})) {
    causes.push(...validateQualifiedName(key, `${field}[${key}]`));
    if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) {
      causes.push({
        reason: 'FieldValueInvalid',
        field: `${field}[${key}]`,
        message: `label value "${String(value)}" must be at most 63 characters of letters, digits, '-', '_' or '.', starting and ending with a letter or digit`,
      });
    }
  }
  return causes;
}

/** Annotation keys follow the label-key rule; the total size is bounded like Kubernetes (256 KiB). */
export function validateAnnotations(
  annotations: Record<string, string> | undefined,
  field = 'metadata.annotations',
): StatusCause[] {
  const causes: StatusCause[] = [];
  let size = 0;
  for (const [key, value] of Object.entries(annotations ?? {})) {
    causes.push(...validateQualifiedName(key, `${field}[${key}]`));
    size += key.length + String(value).length;
  }
  if (size > 256 * 1024) {
    causes.push({ reason: 'FieldValueTooLong', field, message: 'annotations may hold at most 256 KiB in total' });
  }
  return causes;
}

export function validateQualifiedName(key: string, field: string): StatusCause[] {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const causes: StatusCause[] = [];
  if (prefix !== undefined && (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))) {
    causes.push({ reason: 'FieldValueInvalid', field, message: `key prefix "${prefix}" must be a DNS-1123 subdomain` });
  }
  if (name.length === 0 || name.length > 63 || !LABEL_NAME.test(name)) {
    causes.push({
      reason: 'FieldValueInvalid',
      field,
      message: `key name "${name}" must be at most 63 characters of letters, digits, '-', '_' or '.', starting and ending with a letter or digit`,
    });
  }
  return causes;
}
