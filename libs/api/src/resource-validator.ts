import { Ajv, type ValidateFunction } from 'ajv';
import ajvFormats from 'ajv-formats';
import { InvalidError, type StatusCause } from './errors.js';
import { apiVersionOf, type KindDefinition } from './kind-definition.js';
import { validateAnnotations, validateLabels, validateObjectName } from './object-name.js';
import { isSchema as isRecord, toPlainSchema, walkSchema, type JsonSchema } from './plain-schema.js';
import { causesFromAjvErrors, invalidMessage } from './validation-causes.js';

/** Throws InvalidError (422) with `details.causes` when the object is not a valid instance of the kind. */
export type ResourceValidator = (obj: unknown) => void;

const PRESERVE_UNKNOWN = 'x-kubernetes-preserve-unknown-fields';

/**
 * One ajv for all kinds. `removeAdditional` prunes fields the schema does not
 * declare, like the Kubernetes API server does for CRDs: a client sending a
 * field from a newer version, or a typo, gets the object stored without it
 * rather than an error. Free-form parts (`x-kubernetes-preserve-unknown-fields`)
 * and maps (`additionalProperties: {…}`) are kept as sent. Schema `default`s
 * are filled in, as the API server does for CRDs.
 */
const ajv = new Ajv({ allErrors: true, removeAdditional: true, useDefaults: true, strict: true });
ajvFormats.default(ajv);
for (const keyword of [PRESERVE_UNKNOWN, 'x-kubernetes-int-or-string', 'x-kubernetes-list-type']) {
  ajv.addKeyword({ keyword, schemaType: ['boolean', 'string'] });
}

const validators = new WeakMap<KindDefinition, ResourceValidator>();

/** The validator for a kind, compiled on first use and cached for the definition's lifetime. */
export function compileResourceValidator(def: KindDefinition): ResourceValidator {
  let validator = validators.get(def);
  if (!validator) {
    validator = buildValidator(def, ajv.compile(closeObjects(toPlainSchema(def.schema))));
    validators.set(def, validator);
  }
  return validator;
}

function buildValidator(def: KindDefinition, validateSchema: ValidateFunction): ResourceValidator {
  const apiVersion = apiVersionOf(def);
  return (obj) => {
    const causes: StatusCause[] = validateSchema(obj) ? [] : causesFromAjvErrors(validateSchema.errors ?? []);
    if (isRecord(obj)) causes.push(...typeMetaCauses(obj, apiVersion, def.kind), ...metadataCauses(obj, def));
    if (causes.length === 0) return;
    const name = isRecord(obj) && isRecord(obj['metadata']) ? obj['metadata']['name'] : undefined;
    const label = typeof name === 'string' ? `${def.kind} "${name}"` : def.kind;
    throw new InvalidError(invalidMessage(label, causes), {
      group: def.group,
      kind: def.kind,
      ...(typeof name === 'string' ? { name } : {}),
      causes,
    });
  };
}

function typeMetaCauses(obj: Record<string, unknown>, apiVersion: string, kind: string): StatusCause[] {
  const causes: StatusCause[] = [];
  if (typeof obj['apiVersion'] === 'string' && obj['apiVersion'] !== apiVersion) {
    causes.push({ reason: 'FieldValueInvalid', field: 'apiVersion', message: `must be "${apiVersion}"` });
  }
  if (typeof obj['kind'] === 'string' && obj['kind'] !== kind) {
    causes.push({ reason: 'FieldValueInvalid', field: 'kind', message: `must be "${kind}"` });
  }
  return causes;
}

function metadataCauses(obj: Record<string, unknown>, def: KindDefinition): StatusCause[] {
  const metadata = obj['metadata'];
  if (!isRecord(metadata)) return [];
  const causes: StatusCause[] = [];
  const name = metadata['name'];
  if (typeof name === 'string') {
    causes.push(...validateObjectName(name, def.nameRule ?? 'dns1123-subdomain'));
  } else if (name === undefined && typeof metadata['generateName'] !== 'string') {
    causes.push({ reason: 'FieldValueRequired', field: 'metadata.name', message: 'name or generateName is required' });
  }
  if (isStringMap(metadata['labels'])) causes.push(...validateLabels(metadata['labels']));
  if (isStringMap(metadata['annotations'])) causes.push(...validateAnnotations(metadata['annotations']));
  return causes;
}

/**
 * Marks every declared-properties object `additionalProperties: false` so ajv
 * prunes what is not declared. Objects that preserve unknown fields or that
 * are maps are left open.
 */
function closeObjects(schema: JsonSchema): JsonSchema {
  walkSchema(schema, (node) => {
    if (node['type'] !== 'object' || node[PRESERVE_UNKNOWN] === true) return;
    if (node['additionalProperties'] === undefined && node['properties'] !== undefined) {
      node['additionalProperties'] = false;
    }
  });
  return schema;
}

function isStringMap(value: unknown): value is Record<string, string> {
  return isRecord(value) && Object.values(value).every((v) => typeof v === 'string');
}
