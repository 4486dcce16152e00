import { Ajv, type ErrorObject } from 'ajv';
import { InvalidError, type StatusCause } from '@mortise/api';

/**
 * One ajv for the runtime's own documents (manifests, extension config).
 * `useDefaults` fills in defaults from the schema, so an extension sees its
 * documented defaults in its config.
 */
const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false });

function fieldOf(error: ErrorObject): string {
  const path = error.instancePath.replace(/^\//, '').replaceAll('/', '.');
  const missing = error.keyword === 'required' ? (error.params as { missingProperty: string }).missingProperty : '';
  return [path, missing].filter(Boolean).join('.') || '(root)';
}

export function causesOf(errors: readonly ErrorObject[]): StatusCause[] {
  return errors.map((error) => ({
    reason: error.keyword === 'required' ? 'FieldValueRequired' : 'FieldValueInvalid',
    field: fieldOf(error),
    message: error.message ?? 'is invalid',
  }));
}

/** Compiles a schema once; the returned function returns the (defaulted) value or throws InvalidError naming `what`. */
export function compileJsonSchema(schema: object, what: string): (value: unknown) => unknown {
  const validate = ajv.compile(schema);
  return (value) => {
    if (validate(value)) return value;
    const causes = causesOf(validate.errors ?? []);
    const summary = causes.map((c) => `${c.field}: ${c.message}`).join(', ');
    throw new InvalidError(`${what} is invalid: ${summary}`, { causes });
  };
}

/** Validates against a schema used once (a package's config schema); nothing stays cached in ajv. */
export function validateOnce(schema: object, value: unknown, what: string): unknown {
  try {
    return compileJsonSchema(schema, what)(value);
  } finally {
    ajv.removeSchema(schema);
  }
}
