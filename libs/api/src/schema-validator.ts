import type { TSchema } from '@sinclair/typebox';
import { Ajv, type ValidateFunction } from 'ajv';
import ajvFormats from 'ajv-formats';
import { InvalidError } from './errors.js';
import { toPlainSchema, type JsonSchema } from './plain-schema.js';
import { causesFromAjvErrors, invalidMessage } from './validation-causes.js';

/** Throws InvalidError (422) with field causes when the value does not match. */
export type SchemaValidator = (value: unknown) => void;

/**
 * Schemas that are not kernel kinds: an extension's `configSchema`, a
 * manifest read from `extension.yaml`. They are full JSON Schema (`$ref`,
 * `anyOf`, … allowed), unknown keywords are tolerated, and nothing is
 * pruned: a value either matches as sent or is refused.
 */
const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: true });
ajvFormats.default(ajv);

const compiled = new WeakMap<object, ValidateFunction>();

/**
 * Schemas read from the store or built per call (`configSchema ?? {type:
 * 'object'}`) are new objects each time: keyed by their JSON as well, they
 * compile once per distinct content (~20–40 ms each) instead of per install,
 * and Ajv (which keeps every schema it compiled) holds at most this many.
 */
const MAX_BY_CONTENT = 256;
const byContent = new Map<string, { schema: object; validate: ValidateFunction }>();

function compile(schema: TSchema | JsonSchema): ValidateFunction {
  const plain = toPlainSchema(schema) as object;
  const key = JSON.stringify(plain);
  const known = byContent.get(key);
  if (known) return known.validate;
  const validate = ajv.compile(plain);
  if (byContent.size >= MAX_BY_CONTENT) {
    const [oldestKey, oldest] = byContent.entries().next().value as [string, { schema: object }];
    byContent.delete(oldestKey);
    ajv.removeSchema(oldest.schema);
  }
  byContent.set(key, { schema: plain, validate });
  return validate;
}

/** How many distinct schemas are compiled and kept by content (for tests of the bound). */
export function compiledSchemaCount(): number {
  return byContent.size;
}

/**
 * A validator for any JSON Schema, compiled once per schema object.
 * `subject` names the value in messages (`InstallPlan "x" config`), and
 * `fieldPrefix` is prepended to field paths (`spec.config`).
 * Throws InvalidError at compile time when the schema itself is broken.
 */
export function compileSchemaValidator(
  schema: TSchema | JsonSchema,
  subject: string,
  fieldPrefix = '',
): SchemaValidator {
  let validate = compiled.get(schema);
  if (!validate) {
    try {
      validate = compile(schema);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new InvalidError(`${subject}: the schema is not valid JSON Schema: ${message}`);
    }
    compiled.set(schema, validate);
  }
  const check = validate;
  return (value) => {
    if (check(value)) return;
    const causes = causesFromAjvErrors(check.errors ?? []).map((cause) => {
      if (!fieldPrefix) return cause;
      const field = cause.field === undefined ? fieldPrefix : joinPrefix(fieldPrefix, cause.field);
      return { ...cause, field };
    });
    throw new InvalidError(invalidMessage(subject, causes), { causes });
  };
}

function joinPrefix(prefix: string, field: string): string {
  return field.startsWith('[') ? `${prefix}${field}` : `${prefix}.${field}`;
}
