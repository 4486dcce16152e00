import { Type, type TSchema, type TUnsafe } from '@sinclair/typebox';

/**
 * Schema builders that stay inside the Kubernetes structural subset, where
 * TypeBox's defaults do not: `Type.Union` of literals emits `anyOf` and
 * `Type.Record` emits `patternProperties`, neither allowed in a CRD.
 */

/** A string limited to the given values (`enum`, not `anyOf` of `const`). */
export function StringEnum<const T extends readonly string[]>(
  values: T,
  options: { description?: string; default?: T[number] } = {},
): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

/** A map of string to string, e.g. labels (`additionalProperties`, not `patternProperties`). */
export function StringMap(options: { description?: string } = {}): TUnsafe<Record<string, string>> {
  return Type.Unsafe<Record<string, string>>({ type: 'object', additionalProperties: { type: 'string' }, ...options });
}

/** A map of string to values of one schema. */
export function MapOf<S extends TSchema>(
  value: S,
  options: { description?: string } = {},
): TUnsafe<Record<string, S['static']>> {
  return Type.Unsafe<Record<string, S['static']>>({ type: 'object', additionalProperties: value, ...options });
}

/** A JSON object whose content the kernel does not check: it is kept as sent, never pruned. */
export function FreeFormObject(options: { description?: string } = {}): TUnsafe<Record<string, unknown>> {
  return Type.Unsafe<Record<string, unknown>>({
    type: 'object',
    'x-kubernetes-preserve-unknown-fields': true,
    ...options,
  });
}

/** An RFC 3339 timestamp, e.g. `2026-01-02T03:04:05Z`. */
export function Timestamp(options: { description?: string } = {}) {
  return Type.String({ format: 'date-time', ...options });
}

/** A Go-style duration such as `30s`, `5m` or `1h30m`. */
export function Duration(options: { description?: string } = {}) {
  return Type.String({ pattern: '^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$', ...options });
}
