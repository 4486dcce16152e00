import type { TSchema } from '@sinclair/typebox';

/** A JSON Schema as plain data: what ajv, OpenAPI and CRDs consume. */
export type JsonSchema = { [keyword: string]: unknown };

/**
 * A deep copy of a TypeBox schema without its symbol keys (`[Kind]`,
 * `[OptionalKind]`) and without `$id`, which CRDs refuse and which would make
 * ajv reject compiling two kinds that share a sub-schema.
 */
export function toPlainSchema(schema: TSchema | JsonSchema): JsonSchema {
  return strip(schema) as JsonSchema;
}

function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip);
  if (value === null || typeof value !== 'object') return value;
  const out: JsonSchema = {};
  for (const [key, child] of Object.entries(value)) {
    if (key !== '$id') out[key] = strip(child);
  }
  return out;
}

/** Visits every sub-schema reachable through the structural keywords, with its JSON path. */
export function walkSchema(schema: JsonSchema, visit: (node: JsonSchema, path: string) => void, path = ''): void {
  visit(schema, path);
  const properties = schema['properties'];
  if (isSchema(properties)) {
    for (const [name, child] of Object.entries(properties)) {
      if (isSchema(child)) walkSchema(child, visit, `${path}.properties.${name}`);
    }
  }
  for (const keyword of ['items', 'additionalProperties', 'not']) {
    const child = schema[keyword];
    if (isSchema(child)) walkSchema(child, visit, `${path}.${keyword}`);
  }
  for (const keyword of ['allOf', 'anyOf', 'oneOf']) {
    const list = schema[keyword];
    if (Array.isArray(list))
      list.forEach((child, i) => isSchema(child) && walkSchema(child, visit, `${path}.${keyword}[${i}]`));
  }
}

/** A JSON object (not an array, not null); every schema node is one. */
export function isSchema(value: unknown): value is JsonSchema {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
