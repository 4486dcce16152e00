import { isSchema, walkSchema, type JsonSchema } from './plain-schema.js';

/** One way a schema leaves the Kubernetes structural subset; `path` is the JSON path inside the schema. */
export interface StructuralViolation {
  path: string;
  message: string;
}

/** Keywords a CRD's `openAPIV3Schema` accepts (`x-kubernetes-*` aside). */
const CRD_KEYWORDS = new Set([
  'type',
  'format',
  'title',
  'description',
  'default',
  'example',
  'externalDocs',
  'nullable',
  'enum',
  'maximum',
  'minimum',
  'multipleOf',
  'maxLength',
  'minLength',
  'pattern',
  'maxItems',
  'minItems',
  'uniqueItems',
  'maxProperties',
  'minProperties',
  'required',
  'items',
  'properties',
  'additionalProperties',
  'allOf',
  'anyOf',
  'oneOf',
  'not',
]);

/** Inside allOf/anyOf/oneOf/not only value validations are allowed; structure lives outside. */
const STRUCTURE_KEYWORDS = [
  'type',
  'description',
  'default',
  'nullable',
  'additionalProperties',
  'properties',
  'items',
];

const TYPES = new Set(['object', 'array', 'string', 'integer', 'number', 'boolean']);

/**
 * Checks a schema against the rules the Kubernetes API server enforces on
 * CRDs (structural schemas): every node typed, no `$ref`, no keywords CRDs
 * do not know (`const`, `patternProperties`, `$id`, `writeOnly`, …), no
 * `properties` beside `additionalProperties`, arrays with `items`, no
 * structure inside logical junctors. Returns an empty list when structural.
 */
export function checkStructural(schema: JsonSchema): StructuralViolation[] {
  const violations: StructuralViolation[] = [];
  const report = (path: string, message: string) => violations.push({ path: path || '.', message });
  walkSchema(schema, (node, path) => {
    for (const keyword of Object.keys(node)) {
      if (!CRD_KEYWORDS.has(keyword) && !keyword.startsWith('x-kubernetes-')) {
        report(path, `keyword "${keyword}" is not allowed in a CRD schema`);
      }
    }
    const inJunctor = /\.(allOf|anyOf|oneOf)\[\d+\]$|\.not$/.test(path);
    if (inJunctor) {
      for (const keyword of STRUCTURE_KEYWORDS) {
        if (keyword in node) report(path, `"${keyword}" may not appear inside allOf/anyOf/oneOf/not`);
      }
      return;
    }
    const type = node['type'];
    const untypedAllowed =
      node['x-kubernetes-int-or-string'] === true || node['x-kubernetes-preserve-unknown-fields'] === true;
    if (typeof type !== 'string' || !TYPES.has(type)) {
      if (!untypedAllowed) report(path, 'every field needs a single "type"');
    }
    if (node['properties'] !== undefined && node['additionalProperties'] !== undefined) {
      report(path, '"properties" and "additionalProperties" are mutually exclusive');
    }
    if (typeof node['additionalProperties'] === 'boolean') {
      report(path, '"additionalProperties" must be a schema; unknown fields are pruned anyway');
    }
    if (type === 'array' && !isSchema(node['items'])) report(path, 'arrays need an "items" schema');
    if (node['uniqueItems'] === true) report(path, '"uniqueItems: true" is not allowed');
  });
  return violations;
}
